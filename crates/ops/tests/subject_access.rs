//! Subject access requests (RIGHT-01) through the operations, on SQLite or PostgreSQL
//! (`CONFER_TEST_DATABASE=postgres`): the deadline and its extension, the gather (the
//! requester's items and not another family's), the proposed redactions (a third-party report,
//! a sibling's name, a professional's phone number), production refused until every redaction
//! is decided and refused to a reviewer deciding their own, the PDF read back by an independent
//! reader (lopdf) with the marks and without the redacted text, and the bundle visible only to
//! the requester.

use chrono::NaiveDate;
use confer_docs::testing::pdf_text;
use confer_domain::access::Actor;
use confer_domain::conference::{Acting, Recipient, ReportPart, Sharing};
use confer_domain::portal::PortalPerson;
use confer_domain::subject_access::{Exemption, HowReceived, IdentityCheck, ItemSource, RedactionKind, SarState};
use confer_domain::{AuthorityId, Nation, Role, UserId};
use confer_ops::subject_access::{self as sar, NewRedaction};
use confer_ops::{Ops, OpsError};
use confer_store::clock::Clock;
use confer_store::conferences::{self, Change};
use confer_store::testing::{self, World};
use confer_store::users::AccountKind;

fn actor(user: &UserId, authority: &AuthorityId, roles: &[Role]) -> Actor {
    Actor { user_id: user.clone(), authority_id: authority.clone(), roles: roles.iter().copied().collect() }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn portal_user(w: &World, username: &str, family: &str, person: PortalPerson, role: Role) -> Actor {
    let (id, _) = w.person(username).kind(AccountKind::Portal).roles(&[role]).create().await;
    let user = UserId(id);
    let mut tx = w.db.begin().await.unwrap();
    confer_store::portal::link_in(&mut tx, &w.authority.id, &user, family, &person, "test").await.unwrap();
    tx.commit().await.unwrap();
    actor(&user, &w.authority.id, &[role])
}

struct Fixture {
    w: World,
    ops: Ops,
    qa: Actor,
    qa2: Actor,
}

/// The Lark family: Robin (16, the requester) and Alex (a sibling), their mother Mia; a closed
/// conference whose record was sent, and a second with a school report shared with Robin
/// (naming Alex, with the teacher's phone number) and a police report shared with no one. The
/// Wren family's conference holds a report that must never reach the Larks' bundle.
async fn fixture() -> Fixture {
    let db = testing::fresh_db().await;
    let w = World::new(&db).await;
    let ops = Ops::new(db.clone(), Clock::as_if_today(w.today));
    w.professional("p-school", None).await;
    w.professional("p-police", None).await;
    let lark = w
        .family("lark")
        .surname("Lark")
        .child("robin", "Robin", "2010-03-04")
        .child("alex", "Alex", "2014-05-06")
        .mother("lark-mum", "Mia")
        .professionals(&["p-school", "p-police"])
        .create()
        .await;
    lark.distributed_record_conference(&w).await;
    let second = lark.requested_conference_with(&w, "conf-2", lark.initial_request(&w)).await;
    let coord = w.staff_named("coord", &[Role::Coordinator]).await;
    let coord = Acting::new(coord.as_str(), &[Role::Coordinator], &[]);
    let policy = confer_domain::policy::Policy::default();
    let calendar = confer_domain::calendar::Calendar::for_nation(Nation::England);
    let today = w.today;
    conferences::save(&db, &second.id, second.version, Change::new(coord.user_id.as_str(), "conference.report"), |c| {
        let school = c.submit_report(
            &coord,
            &"p-school".into(),
            vec![ReportPart {
                heading: "Attendance".into(),
                text: "Robin and Alex arrive late most days. Ring Tia Teacher on 0161 496 0123.".into(),
                restricted: None,
            }],
            &policy,
            &calendar,
            today,
        )?;
        c.submit_report(
            &coord,
            &"p-police".into(),
            vec![ReportPart {
                heading: "Police information".into(),
                text: "An incident at the address was reported by a neighbour.".into(),
                restricted: None,
            }],
            &policy,
            &calendar,
            today,
        )?;
        c.share_report(&coord, school, Recipient::Child("robin".into()), Sharing::default(), &policy, &calendar, today)
            .map(|_| ())
    })
    .await
    .unwrap();
    let wren = w
        .family("wren")
        .surname("Wren")
        .child("kit", "Kit", "2012-01-01")
        .mother("wren-mum", "Nia")
        .professionals(&["p-school"])
        .create()
        .await;
    let theirs = wren.requested_conference_with(&w, "conf-wren", wren.initial_request(&w)).await;
    conferences::save(&db, &theirs.id, theirs.version, Change::new(coord.user_id.as_str(), "conference.report"), |c| {
        c.submit_report(
            &coord,
            &"p-school".into(),
            vec![ReportPart {
                heading: "Wren attendance".into(),
                text: "Kit Wren attends well.".into(),
                restricted: None,
            }],
            &policy,
            &calendar,
            today,
        )
        .map(|_| ())
    })
    .await
    .unwrap();
    let qa = w.staff_named("qa", &[Role::QualityAssurance]).await;
    let qa2 = w.staff_named("qa2", &[Role::QualityAssurance]).await;
    let (qa, qa2) = (
        actor(&qa, &w.authority.id, &[Role::QualityAssurance]),
        actor(&qa2, &w.authority.id, &[Role::QualityAssurance]),
    );
    Fixture { w, ops, qa, qa2 }
}

#[tokio::test]
async fn right_01_a_request_is_gathered_reviewed_and_answered_with_a_redacted_pdf_only_the_requester_sees() {
    let Fixture { w, ops, qa, qa2 } = fixture().await;
    let robin = PortalPerson::Child("robin".into());
    let id = sar::log_request(&ops, &qa, "lark", robin.clone(), w.today, HowReceived::Letter, "Everything about me")
        .await
        .unwrap();
    let s = sar::view(&ops, &qa, &id).await.unwrap();
    // RIGHT-01: one calendar month from Tuesday 3 November 2026.
    assert_eq!(s.request.due, d("2026-12-03"));
    assert_eq!(s.request.requester_name, "Robin Lark");

    // Identity comes before the gather.
    let refused = sar::gather(&ops, &qa, &id, s.version).await.unwrap_err();
    assert!(matches!(refused, OpsError::Declined { .. }), "{refused:?}");
    let v = sar::verify_identity(&ops, &qa, &id, s.version, IdentityCheck::Document, "Birth certificate seen")
        .await
        .unwrap();
    // A stale version is a conflict, never a lost change.
    assert!(matches!(sar::extend(&ops, &qa, &id, v - 1, "x").await, Err(OpsError::Conflict { .. })));
    let (due, v) = sar::extend(&ops, &qa, &id, v, "Records across two conferences and many reports").await.unwrap();
    assert_eq!(due, d("2027-02-03"), "two months after the first deadline");
    let v = sar::gather(&ops, &qa, &id, v).await.unwrap();

    let s = sar::view(&ops, &qa, &id).await.unwrap();
    let r = &s.request;
    assert_eq!(r.state, SarState::InReview);
    let all: String = r.items.iter().map(|i| format!("{} {}\n", i.heading, i.text)).collect();
    assert!(all.contains("Robin and Alex arrive late"), "the shared school report is gathered: {all}");
    assert!(all.contains("An incident at the address"), "the police report is gathered for review: {all}");
    assert!(r.items.iter().any(|i| i.source == ItemSource::Record), "the record is gathered");
    assert!(r.items.iter().any(|i| i.source == ItemSource::Audit), "who read or changed the records");
    for theirs in ["Wren", "Kit", "Nia"] {
        assert!(!all.contains(theirs), "another family's {theirs} must not be gathered: {all}");
    }
    let police = r.items.iter().find(|i| i.text.contains("An incident")).unwrap();
    let third = r
        .redactions
        .iter()
        .find(|x| x.item == police.number && x.text.is_none())
        .expect("the police report is proposed");
    assert_eq!(third.kind, RedactionKind::ThirdPartyReport);
    assert_eq!(third.exemption, Exemption::CrimePrevention);
    let school = r.items.iter().find(|i| i.text.contains("Robin and Alex")).unwrap();
    let sibling = r
        .redactions
        .iter()
        .find(|x| x.item == school.number && x.text.as_deref() == Some("Alex"))
        .expect("the sibling's name is proposed");
    assert_eq!(sibling.kind, RedactionKind::OtherPerson);
    assert!(r.redactions.iter().any(|x| x.item == school.number
        && x.text.as_deref() == Some("0161 496 0123")
        && x.kind == RedactionKind::ProfessionalContact));
    assert!(!r.redactions.iter().any(|x| x.text.as_deref() == Some("Robin")), "never the requester's own name");

    // Production is refused while any redaction is undecided.
    let refused = sar::produce(&ops, &qa, &id, v, None).await.unwrap_err();
    assert!(refused.to_string().contains("not decided yet"), "{refused}");
    let mut v = v;
    let numbers: Vec<u32> = r.redactions.iter().map(|x| x.number).collect();
    for n in numbers {
        v = sar::decide_redaction(&ops, &qa, &id, v, n, true).await.unwrap();
    }
    // A redaction a reviewer adds is decided by another reviewer.
    let (added, v2) = sar::add_redaction(
        &ops,
        &qa,
        &id,
        v,
        NewRedaction {
            item: school.number,
            text: Some("Tia Teacher"),
            kind: RedactionKind::OtherPerson,
            reason: "a teacher's name",
            exemption: Exemption::OtherPeople,
        },
    )
    .await
    .unwrap();
    let own = sar::decide_redaction(&ops, &qa, &id, v2, added, true).await.unwrap_err();
    assert!(own.to_string().contains("another reviewer"), "{own}");
    assert!(sar::produce(&ops, &qa, &id, v2, None).await.is_err(), "still one undecided");
    let v = sar::decide_redaction(&ops, &qa2, &id, v2, added, true).await.unwrap();
    sar::produce(&ops, &qa, &id, v, None).await.unwrap();
    let s = sar::view(&ops, &qa, &id).await.unwrap();
    assert_eq!(s.request.state, SarState::Answered);
    assert_eq!(s.request.on_time, Some(true));

    // The bundle is in the documents log, for Robin.
    let log = confer_store::documents_sent::for_recipient(&w.db, "lark", "child:robin").await.unwrap();
    assert!(log.iter().any(|l| l.kind == "subject-access-bundle" && l.channel == "portal"), "{log:?}");

    // Only Robin downloads it: not Robin's mother, not another family's parent.
    let robin_portal = portal_user(&w, "robin.portal", "lark", robin.clone(), Role::YoungPerson).await;
    let mum = portal_user(&w, "mia.portal", "lark", PortalPerson::Adult("lark-mum".into()), Role::Parent).await;
    let nia = portal_user(&w, "nia.portal", "wren", PortalPerson::Adult("wren-mum".into()), Role::Parent).await;
    let (bytes, lang) = sar::own_bundle(&ops, &robin_portal, "lark", &id).await.unwrap().expect("produced");
    assert_eq!(lang, "en");
    assert!(matches!(sar::own_bundle(&ops, &mum, "lark", &id).await, Err(OpsError::NotFound)));
    assert!(matches!(sar::own_bundle(&ops, &nia, "lark", &id).await, Err(OpsError::NotFound)));
    assert!(matches!(sar::own_bundle(&ops, &nia, "wren", &id).await, Err(OpsError::NotFound)));
    assert_eq!(sar::own_requests(&ops, &robin_portal, "lark").await.unwrap().len(), 1);
    assert!(sar::own_requests(&ops, &mum, "lark").await.unwrap().is_empty(), "Robin's request is not their mother's");

    // The PDF read back by lopdf: the marks, not the redacted text; tagged, with its language.
    let (text, doc) = pdf_text(&bytes);
    assert!(text.contains("[redacted: a brother's or sister's name]"), "{text}");
    assert!(text.contains("[redacted: a report by another agency that was not shared with you]"), "{text}");
    assert!(text.contains("[redacted: a professional's contact details]"), "{text}");
    assert!(text.contains("[redacted: a teacher's name]"), "{text}");
    assert!(text.contains("Robin and"), "{text}");
    for gone in ["Alex", "0161 496 0123", "Ring Tia Teacher", "An incident at the address"] {
        assert!(!text.contains(gone), "{gone} must be redacted: {text}");
    }
    assert!(text.contains("What we took out and why"), "{text}");
    assert!(text.contains("DPA 2018 Schedule 2 Part 1 paragraph 2"), "the exemption is listed: {text}");
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").and_then(|l| l.as_str()).unwrap(), b"en-GB");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "tagged");
}

#[tokio::test]
async fn right_01_asked_in_the_portal_refused_or_withdrawn_and_refused_to_others() {
    let Fixture { w, ops, qa, .. } = fixture().await;
    let mum = portal_user(&w, "mia.portal", "lark", PortalPerson::Adult("lark-mum".into()), Role::Parent).await;
    let nia = portal_user(&w, "nia.portal", "wren", PortalPerson::Adult("wren-mum".into()), Role::Parent).await;
    let id = sar::ask(&ops, &mum, "lark", "My records, please").await.unwrap();
    let s = sar::view(&ops, &qa, &id).await.unwrap();
    assert_eq!(s.request.how_received, HowReceived::Portal);
    assert_eq!(s.request.requester, PortalPerson::Adult("lark-mum".into()));
    // Another family's parent cannot ask in, or see, the Larks' family.
    assert!(matches!(sar::ask(&ops, &nia, "lark", "x").await, Err(OpsError::NotFound)));
    assert!(matches!(sar::own_requests(&ops, &nia, "lark").await, Err(OpsError::NotFound)));
    // Staff of another authority, an unrelated social worker, a professional: refused.
    let other = World::with_authority(&w.db, "T02", "Otherton Council", Nation::Wales).await;
    let other_qa = other.staff_named("qa.other", &[Role::QualityAssurance]).await;
    let other_qa = actor(&other_qa, &other.authority.id, &[Role::QualityAssurance]);
    assert!(matches!(sar::view(&ops, &other_qa, &id).await, Err(OpsError::NotFound)));
    assert!(matches!(
        sar::verify_identity(&ops, &other_qa, &id, s.version, IdentityCheck::Document, "").await,
        Err(OpsError::NotFound)
    ));
    assert!(matches!(
        sar::log_request(
            &ops,
            &other_qa,
            "lark",
            PortalPerson::Adult("lark-mum".into()),
            w.today,
            HowReceived::Letter,
            ""
        )
        .await,
        Err(OpsError::NotFound)
    ));
    let sw = w.staff_named("unrelated.sw", &[Role::SocialWorker]).await;
    let sw = actor(&sw, &w.authority.id, &[Role::SocialWorker]);
    assert!(matches!(sar::list(&ops, &sw).await, Err(OpsError::Forbidden)));
    assert!(matches!(sar::view(&ops, &sw, &id).await, Err(OpsError::Forbidden)));
    let pro = w.staff_named("pro", &[Role::Professional]).await;
    let pro = actor(&pro, &w.authority.id, &[Role::Professional]);
    assert!(matches!(sar::own_requests(&ops, &pro, "lark").await, Err(OpsError::NotFound)));
    assert!(matches!(sar::ask(&ops, &pro, "lark", "x").await, Err(OpsError::NotFound)));
    // Auditors read and change nothing.
    let auditor = w.staff_named("auditor", &[Role::Auditor]).await;
    let auditor = actor(&auditor, &w.authority.id, &[Role::Auditor]);
    assert_eq!(sar::list(&ops, &auditor).await.unwrap().len(), 1);
    assert!(matches!(sar::withdraw(&ops, &auditor, &id, s.version, "x").await, Err(OpsError::Forbidden)));

    // Refused with a reason; a received date in the future is refused as a mistake to fix.
    let v =
        sar::refuse(&ops, &qa, &id, s.version, confer_domain::subject_access::RefusalReason::ManifestlyUnfounded, "")
            .await
            .unwrap_err();
    assert!(matches!(v, OpsError::Invalid { field: "closure_note", .. }), "{v:?}");
    sar::refuse(
        &ops,
        &qa,
        &id,
        s.version,
        confer_domain::subject_access::RefusalReason::Excessive,
        "The same request was answered last week",
    )
    .await
    .unwrap();
    assert_eq!(sar::view(&ops, &qa, &id).await.unwrap().request.state, SarState::Refused);
    let future = sar::log_request(
        &ops,
        &qa,
        "lark",
        PortalPerson::Adult("lark-mum".into()),
        d("2026-12-25"),
        HowReceived::Phone,
        "",
    )
    .await;
    assert!(matches!(future, Err(OpsError::Invalid { field: "received_on", .. })), "{future:?}");
    let id2 =
        sar::log_request(&ops, &qa, "lark", PortalPerson::Adult("lark-mum".into()), w.today, HowReceived::Phone, "")
            .await
            .unwrap();
    let v = sar::view(&ops, &qa, &id2).await.unwrap().version;
    sar::withdraw(&ops, &qa, &id2, v, "Mia phoned to say she no longer needs it").await.unwrap();
    let rows = sar::list(&ops, &qa).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.state == "refused" || r.state == "withdrawn"));
}
