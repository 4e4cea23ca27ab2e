//! A whole initial conference for three siblings through the public API, as the web and store
//! layers will drive it, then the review that ends one plan. Rules exercised on the way:
//! S47-01, TIME-01, CHAIR-01/02, INV-01..05, CHILD-01, REP-01..04, MEET-01/02/05/07, INV-03,
//! DEC-01..05, DIS-01/02, MIN-01..03, EXC-05, REV-01.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use confer_domain::access::Relationship;
use confer_domain::calendar::WorkingCalendar;
use confer_domain::conference::*;
use confer_domain::model::{AgencyKind, Birth, CaseStage, Communication, RelationshipKind, Role, UserAccount, UserId};
use confer_domain::nation_decisions::NationDecisions;
use confer_domain::policy::Policy;

struct Weekends;
impl WorkingCalendar for Weekends {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        date.weekday().num_days_from_monday() < 5
    }
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        (1..)
            .map(|n| from + chrono::Days::new(n))
            .filter(|d| self.is_working_day(*d))
            .nth(days as usize - 1)
            .unwrap_or(from)
    }
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        (1..)
            .map(|n| from - chrono::Days::new(n))
            .filter(|d| self.is_working_day(*d))
            .nth(days as usize - 1)
            .unwrap_or(from)
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
}
fn managers(u: &UserId) -> Option<UserId> {
    (u.as_str() == "sw1").then(|| UserId::from("tm1"))
}
fn chair_account() -> UserAccount {
    UserAccount {
        id: "chair1".into(),
        authority_id: "la1".into(),
        username: "chair1".into(),
        display_name: "Chris Chair".into(),
        email: "chair1@example.org".into(),
        roles: vec![Role::Chair],
        team_id: None,
        line_manager_id: None,
        disabled: false,
    }
}
fn child(id: &str, name: &str, born: &str, plan: Option<PlanCategory>) -> SubjectChild {
    SubjectChild {
        child_id: id.into(),
        name: name.into(),
        birth: Birth::Born(d(born)),
        communication: Communication::default(),
        disability: String::new(),
        current_plan: plan,
    }
}
fn parent(id: &str, name: &str, kind: RelationshipKind) -> FamilyMember {
    FamilyMember {
        adult_id: id.into(),
        name: name.into(),
        relationship: kind,
        parental_responsibility: true,
        carer: true,
        communication: Communication::default(),
        disability: String::new(),
        needs: vec![],
    }
}
fn professional(id: &str, name: &str, agency: &str, kind: AgencyKind) -> ProfessionalInvolved {
    ProfessionalInvolved {
        professional_id: id.into(),
        name: name.into(),
        job_title: "Worker".into(),
        agency_id: agency.into(),
        agency_name: agency.into(),
        agency_kind: kind,
        user_id: None,
    }
}

const PROS: [&str; 4] = ["p-sw", "p-school", "p-hv", "p-police"];

fn request(
    kind: ConferenceKind,
    plans: [Option<PlanCategory>; 3],
    previous: Option<PreviousConference>,
    due_by: NaiveDate,
) -> ConferenceRequest {
    ConferenceRequest {
        authority_id: "la1".into(),
        family_id: "fam1".into(),
        case_id: "case1".into(),
        kind,
        children: vec![
            child("amy", "Amy Brook", "2013-05-01", plans[0]),
            child("ben", "Ben Brook", "2017-02-11", plans[1]),
            child("cara", "Cara Brook", "2021-09-30", plans[2]),
        ],
        strategy_discussion_on: (kind == ConferenceKind::Initial).then(|| d("2026-11-02")),
        enquiry: Some(EnquiryKind::Section47),
        harm_finding: Some(HarmFinding::Suffering),
        transfer_notified_on: None,
        previous,
        reason: "Neglect and emotional harm from domestic abuse.".into(),
        concerns: vec![ConcernCategory::Neglect, ConcernCategory::Emotional],
        family_members: vec![
            parent("mum", "Mia Brook", RelationshipKind::Mother),
            parent("dad", "Dev Brook", RelationshipKind::Father),
        ],
        professionals: vec![
            ProfessionalInvolved {
                user_id: Some("sw1".into()),
                ..professional("p-sw", "Sam Social", "Children's services", AgencyKind::ChildrensSocialCare)
            },
            professional("p-school", "Tia Teacher", "Brook Primary", AgencyKind::Education),
            professional("p-hv", "Hal Visitor", "Community health", AgencyKind::Health),
            professional("p-police", "PC Pat", "Police", AgencyKind::Police),
        ],
        allocated_worker: "sw1".into(),
        due_by,
    }
}

/// Schedules, invites, prepares and opens a conference on `day`, with everyone present.
fn hold(c: &mut Conference, day: &str, policy: &Policy) {
    let (coord, chair, notes) = actors();
    let today = d(day) - chrono::Days::new(14);
    let slot = Slot {
        date: d(day),
        time: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        venue: None,
        video_link: Some("https://meet.example.org/x".into()),
        chair: "chair1".into(),
    };
    c.schedule(&coord, slot, &chair_account(), managers, None, &Weekends, today, at("2026-11-03 10:00"))
        .expect("schedule");
    for a in ["mum", "dad"] {
        let inv = c.invite_family_member(&coord, &a.into(), today).expect("invite parent");
        c.answer_invitation(&coord, inv, Answer::InPerson, today).expect("answer");
    }
    for p in PROS {
        let inv = c.invite_professional(&coord, &p.into(), today).expect("invite");
        c.answer_invitation(&coord, inv, Answer::Remote, today).expect("answer");
    }
    let amy = c
        .invite_child(
            &coord,
            &"amy".into(),
            ChildAttendance { wishes_to_attend: true, judged_appropriate: true, parent_agreement: None },
            policy,
            today,
        )
        .expect("Amy attends");
    assert_eq!(c.unanswered().len(), 1, "the coordinator sees Amy has not answered");
    c.answer_invitation(&coord, amy, Answer::InPerson, today).expect("answer");
    // Reports: to the chair and to both parents in time.
    let sw = Acting::new("sw1", &[Role::SocialWorker], &[Relationship::AllocatedWorker]);
    let parts = vec![
        ReportPart { heading: "Assessment".into(), text: "Home conditions poor.".into(), restricted: None },
        ReportPart {
            heading: "Police intelligence".into(),
            text: "Confidential.".into(),
            restricted: Some(RestrictionReason::PoliceInformation),
        },
    ];
    let report = c.submit_report(&sw, &"p-sw".into(), parts, policy, &Weekends, today).expect("report");
    for a in ["mum", "dad"] {
        let sent = c
            .share_report(
                &sw,
                report,
                Recipient::FamilyMember(a.into()),
                Sharing { discussed_with_author: true, late_reason: None },
                policy,
                &Weekends,
                today,
            )
            .expect("share");
        assert_eq!(sent.parts_sent, vec!["Assessment".to_owned()], "police information stays with professionals");
    }
    assert!(c.reports_not_shared().is_empty());
    assert_eq!(c.report_log().len(), 2);
    for a in ["mum", "dad"] {
        c.record_pre_meeting(
            &chair,
            &a.into(),
            PreMeetingOutcome::Held { mode: PreMeetingMode::Virtual, on: d(day) },
            at("2026-11-19 09:00"),
        )
        .expect("pre-meeting");
    }
    assert!(c.police_check().is_satisfied());
    assert!(
        c.checks().is_empty(),
        "nothing left to do: {:?}",
        c.checks().iter().map(|k| c.describe_check(k)).collect::<Vec<_>>()
    );
    c.start_meeting(&chair, d(day), at("2026-11-20 10:00")).expect("start");
    let invitations: Vec<InvitationId> = c.invitations().iter().map(|i| i.id).collect();
    for inv in invitations {
        let presence = if c.invitation(inv).and_then(|i| i.answer.clone()) == Some(Answer::InPerson) {
            Presence::InPerson
        } else {
            Presence::Remote
        };
        c.record_attendance(
            &notes,
            Attendance { invitation: inv, presence, parts: vec![], arrived_late_at: None, left_early_at: None },
        )
        .expect("attendance");
    }
    assert!(c.quorum(policy).is_quorate());
    c.add_discussion(
        &notes,
        DiscussionHeading::WorkingWell,
        "The children love their parents.",
        None,
        None,
        false,
        at("2026-11-20 10:20"),
    )
    .expect("discussion");
    c.add_discussion(
        &notes,
        DiscussionHeading::Worries,
        "Ben arrives hungry; shouting at home.",
        None,
        None,
        false,
        at("2026-11-20 10:30"),
    )
    .expect("discussion");
}

fn actors() -> (Acting, Acting, Acting) {
    (
        Acting::new("coord1", &[Role::Coordinator], &[]),
        Acting::new("chair1", &[Role::Chair], &[Relationship::ConferenceChair]),
        Acting::new("notes1", &[Role::NoteTaker], &[Relationship::Invited]),
    )
}

fn decide_all(c: &mut Conference, decisions: &[(&str, ChildOutcome)], policy: &Policy, now: DateTime<Utc>) {
    let (_, chair, _) = actors();
    for (child, outcome) in decisions {
        for p in PROS {
            let view = if outcome.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan };
            c.record_professional_view(&chair, &p.into(), &(*child).into(), view, "From my report.").expect("view");
        }
        let input = DecisionInput {
            child: (*child).into(),
            outcome: outcome.clone(),
            continuing_risk_of_significant_harm: outcome.is_child_protection_plan(),
            inquorate_reason: None,
            reporter_referral: None,
        };
        c.decide(&chair, input, policy, NationDecisions::for_nation(confer_domain::Nation::England), now)
            .expect("decide");
    }
}

#[test]
fn initial_conference_for_three_siblings_then_a_review_that_ends_one_plan() {
    let policy = Policy::default();
    let sw = Acting::new("sw1", &[Role::SocialWorker], &[Relationship::AllocatedWorker]);
    let (coord, chair, notes) = actors();

    // --- The initial conference (ICPC), held within 15 working days (TIME-01).
    let due = Weekends.add_working_days(d("2026-11-02"), 15);
    let mut icpc = Conference::request(
        &sw,
        "icpc1".into(),
        request(ConferenceKind::Initial, [None, None, None], None, due),
        d("2026-11-03"),
        at("2026-11-03 09:00"),
    )
    .expect("request");
    hold(&mut icpc, "2026-11-20", &policy);
    icpc.add_plan_action(
        &notes,
        vec!["amy".into(), "ben".into()],
        "Breakfast club daily",
        ActionOwner::Professional("p-school".into()),
        d("2026-11-30"),
        d("2026-11-20"),
        at("2026-11-20 11:00"),
    )
    .expect("live action");
    decide_all(
        &mut icpc,
        &[
            ("amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect }),
            ("ben", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Emotional }),
            ("cara", ChildOutcome::ChildInNeedPlan),
        ],
        &policy,
        at("2026-11-20 11:30"),
    );
    icpc.record_dissent(
        &chair,
        DissentInput {
            professional: "p-hv".into(),
            child: Some("cara".into()),
            reasons: "Cara needs a CP plan too.".into(),
            discussed_with_chair: true,
            chair_response: "Cara's needs are met by a CiN plan.".into(),
        },
        &policy,
        at("2026-11-20 11:45"),
    )
    .expect("dissent");
    assert_eq!(icpc.case_stage(), Some(CaseStage::ConferenceScheduled), "the case follows the conference");
    icpc.close(&chair, None, &policy, &Weekends, at("2026-11-20 12:00")).expect("close");
    assert_eq!(icpc.state(), ConferenceState::Closed);
    assert_eq!(icpc.case_stage(), Some(CaseStage::ChildProtectionPlan), "two children are on plans");
    assert_eq!(icpc.outcome_due_by(), Some(d("2026-11-23")));
    assert_eq!(icpc.next_review().map(|n| n.latest), Some(d("2027-02-20")));
    assert_eq!(icpc.young_person_versions().len(), 1, "Amy attended");
    let plans: Vec<(String, Option<PlanCategory>)> =
        icpc.decisions().iter().map(|x| (x.child.to_string(), x.outcome.category())).collect();
    assert_eq!(
        plans,
        vec![
            ("amy".into(), Some(PlanCategory::Neglect)),
            ("ben".into(), Some(PlanCategory::Emotional)),
            ("cara".into(), None)
        ]
    );
    for r in [Recipient::FamilyMember("mum".into()), Recipient::FamilyMember("dad".into())] {
        icpc.record_outcome_sent(&coord, r, d("2026-11-23"), d("2026-11-23"), None).expect("outcome");
    }

    // The record: drafted, approved, sent in the version each may see.
    assert_eq!(
        icpc.distribute_record(
            &coord,
            Recipient::FamilyMember("mum".into()),
            DocumentLanguage::English,
            &policy,
            &Weekends,
            d("2026-11-25")
        )
        .unwrap_err(),
        ConferenceError::RecordNotApproved
    );
    icpc.draft_record(&notes, None, at("2026-11-23 09:00")).expect("draft");
    icpc.approve_record(&chair, at("2026-11-24 09:00")).expect("approve");
    let copy = icpc
        .distribute_record(
            &coord,
            Recipient::FamilyMember("mum".into()),
            DocumentLanguage::English,
            &policy,
            &Weekends,
            d("2026-11-25"),
        )
        .expect("record");
    let text: String = copy.sections.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n");
    assert!(text.contains("Amy Brook: A child protection plan under the category of neglect"));
    assert!(text.contains("Ben Brook: A child protection plan under the category of emotional abuse"));
    assert!(text.contains("Cara Brook: A child in need plan"));
    assert!(
        text.contains("A professional disagreed") && !text.contains("Hal Visitor: A professional"),
        "dissent without attribution"
    );
    assert!(copy.confidentiality.is_some());

    // The store keeps the aggregate as JSON.
    let stored = serde_json::to_string(&icpc).expect("json");
    let icpc: Conference = serde_json::from_str(&stored).expect("back");

    // --- The review: Amy's plan continues, Ben's ends (step down to CiN), Cara stays on no CP plan.
    let previous = PreviousConference {
        conference_id: icpc.id().clone(),
        held_on: icpc.date().expect("held"),
        chair: icpc.chair().cloned(),
        exclusions: icpc.exclusions_for_next_conference(),
    };
    let next = icpc.next_review().expect("review due");
    let mut review = Conference::request(
        &sw,
        "rcpc1".into(),
        request(
            ConferenceKind::Review,
            [Some(PlanCategory::Neglect), Some(PlanCategory::Emotional), None],
            Some(previous),
            next.latest,
        ),
        d("2027-01-20"),
        at("2027-01-20 09:00"),
    )
    .expect("review request");
    assert_eq!(review.suggested_chair(), Some(&UserId::from("chair1")), "CHAIR-02");
    assert_eq!(previous_chair_for(&["ben".into()], [&icpc]), Some(UserId::from("chair1")));
    assert!(review.exclusions().is_empty());
    hold(&mut review, "2027-02-19", &policy);
    decide_all(
        &mut review,
        &[
            ("amy", ChildOutcome::ContinuePlan { category: PlanCategory::Neglect }),
            ("ben", ChildOutcome::EndPlanStepDownToChildInNeed),
            ("cara", ChildOutcome::NoFurtherPlan),
        ],
        &policy,
        at("2027-02-19 11:30"),
    );
    let ben = review.decision_for(&"ben".into()).expect("ben decided");
    assert_eq!(ben.previous_category, Some(PlanCategory::Emotional));
    assert_eq!(ben.outcome, ChildOutcome::EndPlanStepDownToChildInNeed);
    review.close(&chair, None, &policy, &Weekends, at("2027-02-19 12:00")).expect("close review");
    assert_eq!(review.next_review().map(|n| n.latest), Some(d("2027-08-19")), "six months after a review");
    assert_eq!(
        review.decisions().iter().filter(|x| x.outcome.is_child_protection_plan()).count(),
        1,
        "only Amy stays on a plan"
    );
    assert_eq!(review.case_stage(), Some(CaseStage::ChildProtectionPlan), "Amy's plan continues");
}
