//! The conference pages in and after the meeting (issue 6), driven as a browser without
//! JavaScript would: forms with the session's CSRF token, POST then redirect. In the meeting
//! the chair puts a child's letter before the conference (it cannot close before: INV-07) and
//! records a recommendation of legal action (DEC-04). After it, on the record's own page: the
//! coordinator records the written outcome, late with a reason that the case's deadline keeps
//! (DEC-05, TIME-01; also through the API, where the reason is optional unless late); the note
//! taker edits the draft section by section (a second tab's stale save is a conflict with the
//! words kept), line breaks show; the chair approves, and the approved record is never changed
//! in place (MIN-05); a parent's correction request recorded by the social worker, accepted by
//! the chair as a new version, another refused with a reason; every version kept and shown
//! (MIN-04/05). Times on the pages are UK local time: an hour ahead of UTC in summer only.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use confer_store::tokens;
use reqwest::StatusCode;
use serde_json::json;

struct World {
    app: App,
    clock: confer_web::clock::Clock,
    coord: String,
    chair: String,
    notes: String,
    sw: String,
    other_sw: String,
}

/// One authority; the Brook family (fam1) with Amy, her mother and three professionals, and
/// another family (fam2) with another social worker.
async fn world(now: &str) -> World {
    let (app, clock) = start_at(now).await;
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let (chair, _) = staff(&app, "chair", &[Role::Chair], None).await;
    let (notes, _) = staff(&app, "notes", &[Role::NoteTaker], None).await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], None).await;
    let (other_sw, _) = staff(&app, "othersw", &[Role::SocialWorker], None).await;
    let w = &app.world;
    w.professional("p-sw", Some(&sw)).await;
    w.professional("p-school", None).await;
    w.professional("p-police", None).await;
    w.family("fam1")
        .worker(&sw)
        .child("amy", "AMY", "2014-05-01")
        .mother("fam1-mum", "Mia")
        .professionals(&["p-sw", "p-school", "p-police"])
        .create()
        .await;
    w.family("fam2").worker(&other_sw).child("dot", "DOT", "2014-05-01").mother("fam2-mum", "Mia").create().await;
    World { app, clock, coord, chair, notes, sw, other_sw }
}

impl World {
    async fn as_user(&self, user: &str) -> Browser {
        self.app.as_user(user).await
    }
}

/// The social worker requests a conference for Amy through the request form; the coordinator
/// schedules it on `date` (with the chair and note taker) and invites the mother and the three
/// professionals; the chair meets the mother the day before. Returns the conference's path.
async fn scheduled(w: &World, strategy: &str, date: &str, day_before: &str) -> String {
    let mut sw = w.as_user(&w.sw).await;
    let form = sw.get("/families/fam1/conferences/new").await;
    let done = sw
        .submit(
            &form,
            "/families/fam1/conferences/new",
            &[
                ("children", "amy"),
                ("strategy_discussion_on", strategy),
                ("enquiry", "section-47"),
                ("harm_finding", "suffering"),
                ("concerns", "neglect"),
                ("family_members", "fam1-mum"),
                ("professionals", "p-sw"),
                ("professionals", "p-school"),
                ("professionals", "p-police"),
                ("reason", "Neglect at home."),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    let conf = done.location.unwrap().split('?').next().unwrap().to_owned();
    let mut coord = w.as_user(&w.coord).await;
    step(
        &mut coord,
        &format!("{conf}/schedule"),
        &format!("{conf}/schedule"),
        &[("date", date), ("time", "10:00"), ("venue", "Room 4"), ("chair_id", &w.chair), ("note_taker_id", &w.notes)],
    )
    .await;
    for invitee in ["family-member:fam1-mum", "professional:p-sw", "professional:p-school", "professional:p-police"] {
        step(&mut coord, &format!("{conf}/invitations"), &format!("{conf}/invitations"), &[("invitee", invitee)]).await;
    }
    w.clock.set(at(day_before));
    let mut chair = w.as_user(&w.chair).await;
    step(
        &mut chair,
        &format!("{conf}/pre-meetings"),
        &format!("{conf}/pre-meetings"),
        &[("adult_id", "fam1-mum"), ("outcome", "held"), ("mode", "virtual")],
    )
    .await;
    conf
}

/// On the day: the chair starts, the note taker records everyone present.
async fn started(w: &World, conf: &str, at_time: &str) {
    w.clock.set(at(at_time));
    let meeting = format!("{conf}/meeting");
    let mut chair = w.as_user(&w.chair).await;
    step(&mut chair, &meeting, &format!("{conf}/start"), &[]).await;
    let mut notes = w.as_user(&w.notes).await;
    for n in ["1", "2", "3", "4"] {
        step(
            &mut notes,
            &format!("{meeting}/attendance"),
            &format!("{conf}/attendance"),
            &[("invitation", n), ("presence", "in-person")],
        )
        .await;
    }
}

/// The number in a form's action `…/{prefix}/N/{suffix}` on the page, the first one found.
fn number_in(body: &str, prefix: &str, suffix: &str) -> String {
    let start = body.find(prefix).unwrap_or_else(|| panic!("{prefix} is on the page")) + prefix.len();
    let rest = &body[start..];
    let end = rest.find(suffix).unwrap();
    rest[..end].to_owned()
}

#[tokio::test]
async fn in_and_after_the_meeting_through_the_pages_inv_07_dec_04_dec_05_time_01_min_02_min_04_min_05() {
    let w = world("2026-11-03 09:00").await;
    let conf = scheduled(&w, "2026-11-02", "2026-11-20", "2026-11-19 09:00").await;
    let meeting = format!("{conf}/meeting");
    let record = format!("{conf}/record");
    // CHILD-02, INV-07: Amy wrote to the chair; the social worker records it before the day.
    let mut sw = w.as_user(&w.sw).await;
    step(
        &mut sw,
        &format!("{conf}/views"),
        &format!("{conf}/views"),
        &[
            ("whose", "child:amy"),
            ("form", "letter"),
            ("summary", "AMY-LETTER-LINE-ONE\r\nAMY-LETTER-LINE-TWO"),
            ("how_obtained", "She wrote it at school"),
            ("obtained_by", "Sam Social"),
        ],
    )
    .await;
    started(&w, &conf, "2026-11-20 10:00").await;
    let mut chair = w.as_user(&w.chair).await;
    let mut notes = w.as_user(&w.notes).await;
    step(
        &mut notes,
        &format!("{meeting}/discussion"),
        &format!("{conf}/discussion"),
        &[("heading", "worries"), ("text", "WORRY-ONE\r\nWORRY-TWO")],
    )
    .await;
    for p in ["p-sw", "p-school", "p-police"] {
        step(
            &mut chair,
            &format!("{meeting}/views"),
            &format!("{conf}/professional-views"),
            &[("professional_id", p), ("child_id", "amy"), ("view", "plan"), ("reasons", "From my report.")],
        )
        .await;
    }
    step(
        &mut chair,
        &format!("{meeting}/decisions"),
        &format!("{conf}/decisions"),
        &[
            ("child_id", "amy"),
            ("outcome", "child-protection-plan"),
            ("category", "neglect"),
            ("continuing_risk", "yes"),
        ],
    )
    .await;

    // INV-07: the letter is listed, not yet read out, and the conference cannot close before.
    let views_page = format!("{meeting}/childrens-views");
    let live = chair.get(&views_page).await;
    assert!(
        live.body.contains("<span class=\"confer-pre-line\">AMY-LETTER-LINE-ONE\r\nAMY-LETTER-LINE-TWO</span>"),
        "the letter keeps its lines"
    );
    assert!(live.body.contains("Mark as read out"), "the chair can read it out");
    let summary = chair.get(&meeting).await;
    assert!(summary.body.contains("id=\"task-close-status\">Cannot start yet"), "the task list says why not yet");
    let early = refused(&mut chair, &format!("{meeting}/close"), &format!("{conf}/close"), &[]).await;
    assert!(early.body.contains("has not been presented to the conference yet"), "{}", error_summary(&early.body));
    // The note taker sees the list but not the chair's button.
    let theirs = notes.get(&views_page).await;
    assert!(theirs.body.contains("AMY-LETTER-LINE-ONE") && !theirs.body.contains("Mark as read out"));
    let n = number_in(&live.body, &format!("{conf}/views/"), "/present");
    step(&mut chair, &views_page, &format!("{conf}/views/{n}/present"), &[]).await;
    let live = chair.get(&views_page).await;
    assert!(live.body.contains("Read out at 10:00"), "the time it was read out, UK time in November (GMT)");
    assert!(!live.body.contains("Mark as read out"));
    // The meeting's timeline is in UK time too, and the discussion keeps its line breaks.
    let live = chair.get(&format!("{meeting}/discussion")).await;
    assert!(live.body.contains("<td class=\"govuk-table__cell\">10:00</td>"), "{}", live.body);
    assert!(live.body.contains("<span class=\"confer-pre-line\">WORRY-ONE\r\nWORRY-TWO</span>"));

    // DEC-04: a recommendation needs its reasons; the refused form keeps what was chosen.
    let legal = format!("{meeting}/recommendations");
    let no_reason = refused(
        &mut chair,
        &legal,
        &format!("{conf}/legal-recommendations"),
        &[("children", "amy"), ("action", "pre-proceedings")],
    )
    .await;
    assert!(no_reason.body.contains("Enter the reasons for the recommendation"), "{}", error_summary(&no_reason.body));
    assert!(no_reason.body.contains("href=\"#legal-reasons\""), "the summary links to the reasons");
    assert!(
        no_reason.body.contains("value=\"pre-proceedings\" checked")
            && no_reason.body.contains("value=\"amy\" checked")
    );
    step(
        &mut chair,
        &legal,
        &format!("{conf}/legal-recommendations"),
        &[("children", "amy"), ("action", "pre-proceedings"), ("reasons", "No change after two warnings.")],
    )
    .await;
    let live = chair.get(&legal).await;
    assert!(live.body.contains("recommends that the local authority consider pre-proceedings"));
    assert!(live.body.contains("this is a recommendation, not a decision"));
    step(&mut chair, &format!("{meeting}/close"), &format!("{conf}/close"), &[]).await;

    // DEC-05: the outcome was due on Monday 23 November; it goes on Wednesday 25th.
    w.clock.set(at("2026-11-25 09:00"));
    let mut coord = w.as_user(&w.coord).await;
    let page = coord.get(&record).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Outcome to be sent by") && page.body.contains("23 November 2026"));
    assert!(page.body.contains(&format!("href=\"{record}/outcome\"")), "the outcome is a task of the record");
    let outcome_page = format!("{record}/outcome");
    let page = coord.get(&outcome_page).await;
    assert!(page.body.contains("Still to send to:") && page.body.contains("Mia Brook"));
    let late =
        refused(&mut coord, &outcome_page, &format!("{conf}/outcome-sent"), &[("recipient", "family-member:fam1-mum")])
            .await;
    assert!(late.body.contains("should have been sent by 2026-11-23"), "{}", error_summary(&late.body));
    assert!(late.body.contains("href=\"#outcome-late_reason\""), "the summary links to the reason");
    assert!(late.body.contains("value=\"family-member:fam1-mum\" selected"), "the recipient is kept");
    let other = refused(
        &mut coord,
        &outcome_page,
        &format!("{conf}/outcome-sent"),
        &[("recipient", "family-member:fam1-mum"), ("late_reason", "other")],
    )
    .await;
    assert!(other.body.contains("say why the deadline was missed"), "{}", error_summary(&other.body));
    assert!(other.body.contains("value=\"other\" selected"));
    step(
        &mut coord,
        &outcome_page,
        &format!("{conf}/outcome-sent"),
        &[
            ("recipient", "family-member:fam1-mum"),
            ("late_reason", "chair-unavailable"),
            ("late_details", "CHAIR-OFF-SICK"),
        ],
    )
    .await;
    let page = coord.get(&outcome_page).await;
    assert!(page.body.contains("No independent chair was available: CHAIR-OFF-SICK"), "{}", page.body);
    // TIME-01: the case's outcome deadline is met late, with that reason.
    let deadlines = confer_store::deadlines::for_family(&w.app.db, "fam1").await.unwrap();
    let outcome = deadlines.iter().find(|d| d.deadline.rule.as_str() == "outcome-sent").expect("the outcome deadline");
    assert_eq!(outcome.met.map(|d| d.to_string()).as_deref(), Some("2026-11-25"));
    let reason = outcome.late_reason.as_ref().expect("met late with a reason");
    assert_eq!((reason.reason.as_str(), reason.details.as_str()), ("chair-unavailable", "CHAIR-OFF-SICK"));

    // The API takes the same reason, optional in the body but needed when late.
    let (_, token) = tokens::create(
        &w.app.db,
        &w.coord,
        w.app.authority.id.as_str(),
        "t",
        &[tokens::Scope::Read, tokens::Scope::Write],
        "test",
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let api = format!("{}/api/v1{conf}/outcome-sent", w.app.base);
    let v: i64 = version(&coord.get(&outcome_page).await).parse().unwrap();
    let police = json!({"recipient": "professional", "id": "p-police"});
    let res =
        http.post(&api).bearer_auth(&token).json(&json!({"version": v, "recipient": police})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Choose the reason it was sent late"));
    let body =
        json!({"version": v, "recipient": police, "late_reason": {"reason": "other", "details": "Post returned"}});
    let res = http.post(&api).bearer_auth(&token).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());

    // MIN-02: the note taker writes the draft from the meeting, then edits a section.
    step(&mut notes, &format!("{record}/draft"), &format!("{conf}/record/draft"), &[]).await;
    let list = notes.get(&record).await;
    for n in ["1", "2"] {
        assert!(list.body.contains(&format!("href=\"{record}/sections/{n}\"")), "section {n} is a task with a page");
    }
    assert!(
        chair.get(&format!("{record}/approve")).await.body.contains("WORRY-ONE\r\nWORRY-TWO"),
        "the discussion is in the draft the chair reads"
    );
    let tab1 = notes.get(&format!("{record}/sections/1")).await;
    let tab2 = notes.get(&format!("{record}/sections/2")).await;
    assert!(tab1.body.contains(&format!("action=\"{conf}/record/sections/1\"")), "each section has its own form");
    assert!(!tab1.body.contains(&format!("action=\"{conf}/record/sections/2\"")), "one section per page");
    let done = notes
        .submit(
            &tab1,
            &format!("{conf}/record/sections/1"),
            &[("version", &version(&tab1)), ("text", "EDITED-LINE-ONE\r\nEDITED-LINE-TWO")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    assert_eq!(done.location.as_deref(), Some(format!("{record}?done=section-1").as_str()));
    // A second tab still holds the version before: a conflict, with what was typed kept.
    let clash = notes
        .submit(&tab2, &format!("{conf}/record/sections/2"), &[("version", &version(&tab2)), ("text", "TAB-TWO-WORDS")])
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.body.contains("Someone else changed this conference"), "{}", error_summary(&clash.body));
    assert!(clash.body.contains(">TAB-TWO-WORDS</textarea>"), "the words typed are kept");
    assert_ne!(version(&clash), version(&tab2), "the page is made again from the saved conference");
    let first = notes.get(&format!("{record}/sections/1")).await;
    assert!(first.body.contains("EDITED-LINE-ONE\nEDITED-LINE-TWO"), "the first tab's change is saved");
    let blank =
        refused(&mut notes, &format!("{record}/sections/2"), &format!("{conf}/record/sections/2"), &[("text", "  ")])
            .await;
    assert!(blank.body.contains("href=\"#section-2-text\""), "{}", error_summary(&blank.body));
    // A section that does not exist: refused on the record's task list, never a 500.
    let none =
        refused(&mut notes, &format!("{record}/sections/1"), &format!("{conf}/record/sections/99"), &[("text", "X")])
            .await;
    assert!(none.body.contains("id=\"record-list\""), "{}", error_summary(&none.body));
    assert_eq!(notes.get(&format!("{record}/sections/99")).await.location.as_deref(), Some(record.as_str()));

    // MEET-05: a point missed in the meeting is added under one of the six headings; marked
    // restricted, the family's copy will leave it out.
    // The allocated social worker reads the record once approved, not the draft (MIN-02).
    let theirs = sw.get(&record).await;
    assert!(!theirs.body.contains("EDITED-LINE-ONE"), "the draft is not shown to them");
    assert!(!theirs.body.contains("/record/sections"));
    assert_eq!(sw.get(&format!("{record}/sections/1")).await.status, StatusCode::FORBIDDEN);
    let add = format!("{record}/sections");
    let no_heading =
        refused(&mut notes, &add, &format!("{conf}/record/sections"), &[("text", "POLICE-INTERVIEW-DUE")]).await;
    assert!(no_heading.body.contains("href=\"#add-discussion-heading\""), "{}", error_summary(&no_heading.body));
    assert!(no_heading.body.contains(">POLICE-INTERVIEW-DUE</textarea>"), "what was typed is kept");
    // EXC-03: a part is chosen from the agenda's list, never typed.
    let typed = refused(
        &mut notes,
        &add,
        &format!("{conf}/record/sections"),
        &[("heading", "worries"), ("part", "Police info"), ("text", "IN-A-PART")],
    )
    .await;
    assert!(typed.body.contains("href=\"#add-discussion-part\""), "{}", error_summary(&typed.body));
    assert!(typed.body.contains(">IN-A-PART</textarea>"), "what was typed is kept");
    step(
        &mut notes,
        &add,
        &format!("{conf}/record/sections"),
        &[("heading", "worries"), ("part", "professionals-only"), ("text", "IN-A-PART")],
    )
    .await;
    let page = chair.get(&format!("{record}/approve")).await;
    assert!(page.body.contains("Part: The professionals-only part"), "{}", page.body);
    step(
        &mut notes,
        &add,
        &format!("{conf}/record/sections"),
        &[("heading", "next-steps"), ("text", "POLICE-INTERVIEW-DUE"), ("restricted", "yes")],
    )
    .await;
    assert!(notes.get(&record).await.body.contains("Next steps (restricted)"), "the task list marks it");
    let page = chair.get(&format!("{record}/approve")).await;
    assert!(page.body.contains("Next steps <strong class=\"govuk-tag govuk-tag--red\">Restricted"), "{}", page.body);

    // The chair approves; then the record is never changed in place (MIN-05).
    step(&mut chair, &format!("{record}/approve"), &format!("{conf}/record/approve"), &[]).await;
    assert!(!chair.get(&record).await.body.contains("/record/sections/"), "no section can be edited once approved");
    let approved = chair.get(&format!("{record}/versions")).await;
    assert!(
        approved.body.contains("<p class=\"govuk-body confer-pre-line\">EDITED-LINE-ONE\nEDITED-LINE-TWO</p>"),
        "the approved record shows the line breaks typed"
    );
    assert!(!approved.body.contains("/record/sections/"), "no section can be edited once approved");
    // The note taker has no form left on the page: post as a stale page would.
    let v = version(&coord.get(&outcome_page).await);
    let theirs = notes.get(&record).await;
    let in_place = notes
        .submit(&theirs, &format!("{conf}/record/sections/1"), &[("version", &v), ("text", "CHANGED-AFTER")])
        .await;
    assert_eq!(in_place.status, StatusCode::CONFLICT);
    assert!(in_place.body.contains("never changed in place"), "{}", error_summary(&in_place.body));
    assert!(!chair.get(&format!("{record}/versions")).await.body.contains("CHANGED-AFTER</p>"));
    let css = coord.get("/assets/confer.css").await;
    assert!(css.body.contains(".confer-pre-line{white-space:pre-line"), "the class has its CSS");

    // MIN-03: sent from the record page; the log links each copy.
    let distribute = format!("{record}/distribute");
    step(&mut coord, &distribute, &format!("{conf}/record/distribute"), &[("recipient", "family-member:fam1-mum")])
        .await;
    let page = coord.get(&distribute).await;
    assert!(page.body.contains(&format!("{conf}/record/copies/1")));

    // MIN-04: the mother asks the social worker for a correction; it is recorded for her.
    let corrections = format!("{record}/corrections");
    let empty = refused(
        &mut sw,
        &corrections,
        &format!("{conf}/record/correction-requests"),
        &[("adult_id", "fam1-mum"), ("record_version", "1")],
    )
    .await;
    assert!(empty.body.contains("href=\"#correction-request-what\""), "{}", error_summary(&empty.body));
    assert!(empty.body.contains("value=\"fam1-mum\" selected"), "who is asking is kept");
    for what in ["MUM-SAYS-ATTENDANCE-WRONG", "MUM-SAYS-PLAN-WRONG"] {
        step(
            &mut sw,
            &corrections,
            &format!("{conf}/record/correction-requests"),
            &[("adult_id", "fam1-mum"), ("record_version", "1"), ("what", what)],
        )
        .await;
    }
    // Only the chair answers: the social worker is not offered the form.
    assert!(!sw.get(&corrections).await.body.contains("/correction-requests/1/answer"));
    assert!(chair.get(&corrections).await.body.contains(&format!("href=\"{record}/correction-requests/1/answer\"")));
    let answer1 = format!("{record}/correction-requests/1/answer");
    let no_words = refused(
        &mut chair,
        &answer1,
        &format!("{conf}/record/correction-requests/1/answer"),
        &[("answer", "accept"), ("section", "1")],
    )
    .await;
    assert!(no_words.body.contains("href=\"#answer-1-text\""), "{}", error_summary(&no_words.body));
    assert!(no_words.body.contains("value=\"accept\" checked"));
    step(
        &mut chair,
        &answer1,
        &format!("{conf}/record/correction-requests/1/answer"),
        &[("answer", "accept"), ("section", "1"), ("text", "CORRECTED-ATTENDANCE"), ("note", "Mia was there")],
    )
    .await;
    let answer2 = format!("{record}/correction-requests/2/answer");
    let no_reason =
        refused(&mut chair, &answer2, &format!("{conf}/record/correction-requests/2/answer"), &[("answer", "decline")])
            .await;
    assert!(no_reason.body.contains("href=\"#answer-2-reason\""), "{}", error_summary(&no_reason.body));
    step(
        &mut chair,
        &answer2,
        &format!("{conf}/record/correction-requests/2/answer"),
        &[("answer", "decline"), ("reason", "THE-PLAN-WAS-AGREED")],
    )
    .await;
    // MIN-05: version 2 with the change; version 1 kept unchanged and still readable.
    let answers = coord.get(&corrections).await;
    assert!(answers.body.contains("Accepted: the record was corrected in version 2. Mia was there"));
    assert!(answers.body.contains("Not made: THE-PLAN-WAS-AGREED"));
    let page = coord.get(&format!("{record}/versions")).await;
    assert!(page.body.contains("The approved record, version 2"));
    assert!(page.body.contains("CORRECTED-ATTENDANCE"));
    assert!(page.body.contains("Correction request 1, accepted") && page.body.contains("The record as first approved"));
    assert!(page.body.contains("Read version 1"));
    let v1 = page.body.split("Read version 1").nth(1).unwrap();
    assert!(v1.contains("EDITED-LINE-ONE\nEDITED-LINE-TWO"), "version 1 is kept as approved");
    let copy = coord.get(&format!("{conf}/record/copies/1")).await;
    assert!(copy.body.contains("Version 1 of the record") && copy.body.contains("EDITED-LINE-ONE"));
    assert!(!copy.body.contains("POLICE-INTERVIEW-DUE"), "the restricted point never reaches the mother");
    assert!(page.body.contains("POLICE-INTERVIEW-DUE"), "staff see it in the record");

    // ROLE-11: another family's social worker reaches none of it.
    let mut other = w.as_user(&w.other_sw).await;
    for page in [&record, &outcome_page, &distribute, &corrections, &answer1, &format!("{record}/sections/1")] {
        assert_eq!(other.get(page).await.status, StatusCode::NOT_FOUND, "{page}");
    }
    let home = other.get("/families/fam2").await;
    let res = other
        .submit(&home, &format!("{conf}/record/correction-requests"), &[("version", "1"), ("adult_id", "fam1-mum")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn times_on_the_pages_are_uk_time_an_hour_ahead_of_utc_in_summer() {
    // A conference on Friday 2 July 2027, in British Summer Time.
    let w = world("2027-06-28 08:00").await;
    let conf = scheduled(&w, "2027-06-25", "2027-07-02", "2027-07-01 08:00").await;
    started(&w, &conf, "2027-07-02 13:05").await;
    let meeting = format!("{conf}/meeting");
    let mut notes = w.as_user(&w.notes).await;
    let discussion = format!("{meeting}/discussion");
    step(&mut notes, &discussion, &format!("{conf}/discussion"), &[("heading", "worries"), ("text", "SUMMER-POINT")])
        .await;
    let live = notes.get(&discussion).await;
    assert!(live.body.contains("<td class=\"govuk-table__cell\">14:05</td>"), "13:05 UTC is 14:05 in London in July");
    assert!(!live.body.contains(">13:05<"));
    assert!(!live.body.contains("UTC"), "no time is shown in UTC");
}
