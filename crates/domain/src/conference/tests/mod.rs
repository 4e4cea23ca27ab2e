//! Rule tests for the conference aggregate. Each test names the behaviour and the rule ID it
//! proves; fixtures build a fictional family (the Ashworths) at each step of the journey.

mod decision;
mod exclusion;
mod invitations;
mod meeting;
mod notify;
mod participation;
mod plan;
mod plan_lifecycle;
mod portal;
mod record;
mod report_files;
mod reports;
mod request;
mod stage;
mod transfer;
mod visibility;

use super::*;
use crate::access::Relationship;
use crate::calendar::WorkingCalendar;
use crate::model::{AgencyKind, Communication, ProfessionalId, RelationshipKind, Role};
pub use crate::policy::Policy;
use chrono::{Datelike, NaiveDateTime};

/// A calendar whose only non-working days are weekends: enough to test the rules that
/// count working days, without the bank-holiday calendar another engineer is writing.
pub struct Weekends;

impl WorkingCalendar for Weekends {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        date.weekday().num_days_from_monday() < 5
    }
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        let (mut date, mut n) = (from, 0);
        while n < days {
            date = date.succ_opt().expect("date in range");
            if self.is_working_day(date) {
                n += 1;
            }
        }
        date
    }
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        let (mut date, mut n) = (from, 0);
        while n < days {
            date = date.pred_opt().expect("date in range");
            if self.is_working_day(date) {
                n += 1;
            }
        }
        date
    }
}

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}
pub fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time").and_utc()
}

pub const CONFERENCE_DAY: &str = "2026-11-20"; // a Friday; due by Monday 23 November
pub fn policy() -> Policy {
    Policy::default()
}

pub fn coordinator() -> Acting {
    Acting::new("coord1", &[Role::Coordinator], &[])
}
pub fn chair() -> Acting {
    Acting::new("chair1", &[Role::Chair], &[Relationship::ConferenceChair])
}
pub fn other_chair() -> Acting {
    Acting::new("chair2", &[Role::Chair], &[])
}
pub fn social_worker() -> Acting {
    Acting::new("sw1", &[Role::SocialWorker], &[Relationship::AllocatedWorker])
}
pub fn note_taker() -> Acting {
    Acting::new("notes1", &[Role::NoteTaker], &[Relationship::Invited])
}
pub fn police_officer() -> Acting {
    Acting::new("pc1", &[Role::Professional], &[Relationship::Invited])
}

pub fn account(id: &str, roles: &[Role]) -> UserAccount {
    UserAccount {
        id: id.into(),
        authority_id: "la1".into(),
        username: id.into(),
        display_name: format!("User {id}"),
        email: format!("{id}@example.org"),
        roles: roles.to_vec(),
        team_id: None,
        line_manager_id: None,
        disabled: false,
    }
}

/// sw1 is managed by tm1, who is managed by hos1 (head of service).
pub fn line_manager_of(user: &UserId) -> Option<UserId> {
    match user.as_str() {
        "sw1" => Some("tm1".into()),
        "tm1" => Some("hos1".into()),
        _ => None,
    }
}

pub fn child(id: &str, name: &str, born: &str) -> SubjectChild {
    SubjectChild {
        child_id: id.into(),
        name: name.into(),
        birth: Birth::Born(d(born)),
        communication: Communication { first_language: "English".into(), ..Default::default() },
        disability: String::new(),
        current_plan: None,
    }
}

pub fn adult(id: &str, name: &str, relationship: RelationshipKind, pr: bool) -> FamilyMember {
    FamilyMember {
        adult_id: id.into(),
        name: name.into(),
        relationship,
        parental_responsibility: pr,
        carer: false,
        communication: Communication { first_language: "English".into(), ..Default::default() },
        disability: String::new(),
        needs: Vec::new(),
    }
}

pub fn professional(id: &str, name: &str, agency: &str, kind: AgencyKind, user: Option<&str>) -> ProfessionalInvolved {
    ProfessionalInvolved {
        professional_id: id.into(),
        name: name.into(),
        job_title: "Worker".into(),
        agency_id: agency.into(),
        agency_name: format!("Agency {agency}"),
        agency_kind: kind,
        user_id: user.map(UserId::from),
    }
}

/// Amy (13), Ben (8) and Cara (4); mother and father with parental responsibility; a
/// grandmother without; social worker, teacher, health visitor, police and GP.
pub fn request() -> ConferenceRequest {
    ConferenceRequest {
        authority_id: "la1".into(),
        family_id: "fam1".into(),
        case_id: "case1".into(),
        kind: ConferenceKind::Initial,
        children: vec![
            child("amy", "Amy Ashworth", "2013-05-01"),
            child("ben", "Ben Ashworth", "2018-03-10"),
            child("cara", "Cara Ashworth", "2022-07-15"),
        ],
        strategy_discussion_on: Some(d("2026-11-02")),
        enquiry: Some(EnquiryKind::Section47),
        harm_finding: Some(HarmFinding::LikelyToSuffer),
        transfer_notified_on: None,
        previous: None,
        reason: "Neglect of basic care; domestic abuse reported by school.".into(),
        concerns: vec![ConcernCategory::Neglect, ConcernCategory::DomesticAbuse],
        family_members: vec![
            adult("mum", "Dana Ashworth", RelationshipKind::Mother, true),
            adult("dad", "Ed Ashworth", RelationshipKind::Father, true),
            adult("gran", "Fay Ashworth", RelationshipKind::Grandparent, false),
        ],
        professionals: vec![
            professional("p-sw", "Sam Social", "ag-csc", AgencyKind::ChildrensSocialCare, Some("sw1")),
            professional("p-teacher", "Tia Teacher", "ag-school", AgencyKind::Education, None),
            professional("p-hv", "Hal Visitor", "ag-health", AgencyKind::Health, None),
            professional("p-police", "PC Pat Police", "ag-police", AgencyKind::Police, Some("pc1")),
            professional("p-gp", "Dr Gail GP", "ag-gp", AgencyKind::Health, None),
        ],
        allocated_worker: "sw1".into(),
        due_by: d("2026-11-23"),
    }
}

pub fn requested_from(r: ConferenceRequest) -> Conference {
    Conference::request(&social_worker(), "conf1".into(), r, d("2026-11-03"), at("2026-11-03 09:00")).expect("request")
}
pub fn requested() -> Conference {
    requested_from(request())
}

pub fn slot(date: &str, chair: &str) -> Slot {
    Slot {
        date: d(date),
        time: chrono::NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        venue: Some("Civic Centre, room 2 (step-free)".into()),
        video_link: None,
        chair: chair.into(),
    }
}

pub fn schedule(c: &mut Conference, date: &str) -> Result<(), ConferenceError> {
    c.schedule(
        &coordinator(),
        slot(date, "chair1"),
        &account("chair1", &[Role::Chair]),
        line_manager_of,
        None,
        &Weekends,
        d("2026-11-03"),
        at("2026-11-03 10:00"),
    )
}

pub fn scheduled() -> Conference {
    let mut c = requested();
    schedule(&mut c, CONFERENCE_DAY).expect("schedule");
    c
}

pub fn mum() -> AdultId {
    "mum".into()
}
pub fn dad() -> AdultId {
    "dad".into()
}
pub fn pro(id: &str) -> ProfessionalId {
    id.into()
}
pub fn kid(id: &str) -> ChildId {
    id.into()
}

pub const PROFESSIONALS: [&str; 5] = ["p-sw", "p-teacher", "p-hv", "p-police", "p-gp"];

/// Parents and every professional invited; everyone answers that they will attend in person.
pub fn invited() -> Conference {
    let mut c = scheduled();
    let today = d("2026-11-04");
    for a in [mum(), dad()] {
        let i = c.invite_family_member(&coordinator(), &a, today).expect("invite parent");
        c.answer_invitation(&coordinator(), i, Answer::InPerson, today).expect("answer");
    }
    for p in PROFESSIONALS {
        let i = c.invite_professional(&coordinator(), &pro(p), today).expect("invite professional");
        c.answer_invitation(&coordinator(), i, Answer::InPerson, today).expect("answer");
    }
    c
}

pub fn pre_meet_parents(c: &mut Conference) {
    for a in [mum(), dad()] {
        c.record_pre_meeting(
            &chair(),
            &a,
            PreMeetingOutcome::Held { mode: PreMeetingMode::FaceToFace, on: d("2026-11-19") },
            at("2026-11-19 15:00"),
        )
        .expect("pre-meeting");
    }
}

pub fn start(c: &mut Conference) -> Result<(), ConferenceError> {
    c.start_meeting(&chair(), d(CONFERENCE_DAY), at("2026-11-20 10:00"))
}

pub fn started() -> Conference {
    let mut c = invited();
    pre_meet_parents(&mut c);
    start(&mut c).expect("start");
    c
}

pub fn mark_present(c: &mut Conference, person: Person) {
    let inv = c.invitation_of(&person).expect("invited").id;
    c.record_attendance(
        &note_taker(),
        Attendance {
            invitation: inv,
            presence: Presence::InPerson,
            parts: vec![],
            arrived_late_at: None,
            left_early_at: None,
        },
    )
    .expect("attendance");
}

/// Started, with parents and every professional recorded present.
pub fn attended() -> Conference {
    let mut c = started();
    for a in [mum(), dad()] {
        mark_present(&mut c, Person::FamilyMember(a));
    }
    for p in PROFESSIONALS {
        mark_present(&mut c, Person::Professional(pro(p)));
    }
    c
}

/// Every present professional's view recorded for a child.
pub fn views_for(c: &mut Conference, child: &str, view: PlanView) {
    for p in PROFESSIONALS {
        if c.is_present(&Person::Professional(pro(p))) {
            c.record_professional_view(&chair(), &pro(p), &kid(child), view, "Seen the evidence.").expect("view");
        }
    }
}

pub fn decide(c: &mut Conference, child: &str, outcome: ChildOutcome) -> Result<(), ConferenceError> {
    let risk = outcome.is_child_protection_plan();
    c.decide(
        &chair(),
        DecisionInput {
            child: kid(child),
            outcome,
            continuing_risk_of_significant_harm: risk,
            inquorate_reason: None,
            reporter_referral: None,
        },
        &policy(),
        ENGLAND,
        at("2026-11-20 11:30"),
    )
}

/// The nation data of an authority that records no Reporter referral.
pub const ENGLAND: &crate::nation_decisions::NationDecisions =
    &crate::nation_decisions::NationDecisions { reporter_referral: None, appeal: None };

/// Attended, views taken, every child decided (Amy and Ben CP plans, Cara CiN).
pub fn decided() -> Conference {
    let mut c = attended();
    for (child, outcome) in [
        ("amy", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Emotional }),
        ("ben", ChildOutcome::ChildProtectionPlan { category: PlanCategory::Neglect }),
        ("cara", ChildOutcome::ChildInNeedPlan),
    ] {
        views_for(&mut c, child, if outcome.is_child_protection_plan() { PlanView::Plan } else { PlanView::NoPlan });
        decide(&mut c, child, outcome).expect("decide");
    }
    c
}

pub fn close(c: &mut Conference) -> Result<(), ConferenceError> {
    c.close(&chair(), None, &policy(), &Weekends, at("2026-11-20 12:30"))
}

pub fn closed() -> Conference {
    let mut c = decided();
    close(&mut c).expect("close");
    c
}

pub fn approved() -> Conference {
    let mut c = closed();
    c.draft_record(&note_taker(), None, at("2026-11-23 09:00")).expect("draft");
    c.approve_record(&chair(), at("2026-11-24 09:00")).expect("approve");
    c
}
