//! The conference journey through the pages (issue 6), as a browser without JavaScript would
//! drive it: forms with the session's CSRF token, POST then redirect. The social worker
//! requests from the family page, the coordinator schedules (a chair in the social worker's
//! management line is refused with the reason, keeping what was typed: CHAIR-01) and invites,
//! the chair meets the parent beforehand and starts the meeting, the note taker records
//! attendance, discussion and views, the chair takes each professional's view, decides and
//! closes; then the record is drafted, approved and sent, and the parent's copy leaves out
//! restricted content. Also: a version conflict is shown as such with the form kept, and
//! another family's conference answers 404.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use reqwest::StatusCode;

struct World {
    app: App,
    clock: confer_web::clock::Clock,
    coord: String,
    chair: String,
    notes: String,
    sw: String,
    tm: String,
    other_sw: String,
    /// A partner professional (the school's), of fam1's conferences only.
    teacher: String,
}

async fn world() -> World {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let (chair, _) = staff(&app, "chair", &[Role::Chair], None).await;
    let (notes, _) = staff(&app, "notes", &[Role::NoteTaker], None).await;
    // The team manager also chairs, but never for their own team (CHAIR-01).
    let (tm, _) = staff(&app, "tm", &[Role::TeamManager, Role::Chair], None).await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], Some(&tm)).await;
    let (other_sw, _) = staff(&app, "othersw", &[Role::SocialWorker], None).await;
    let (teacher, _) = staff(&app, "teacher", &[Role::Professional], None).await;
    let w = &app.world;
    w.professional("p-sw", Some(&sw)).await;
    w.professional("p-school", Some(&teacher)).await;
    w.professional("p-police", None).await;
    w.family("fam1")
        .worker(&sw)
        .child("amy", "AMY", "2013-05-01")
        .mother("fam1-mum", "Mia")
        .professionals(&["p-sw", "p-school", "p-police"])
        .create()
        .await;
    w.family("fam2").worker(&other_sw).child("dot", "DOT", "2015-01-01").mother("fam2-mum", "Mia").create().await;
    World { app, clock, coord, chair, notes, sw, tm, other_sw, teacher }
}

impl World {
    async fn as_user(&self, user: &str) -> Browser {
        self.app.as_user(user).await
    }
}

/// The request form: one child, the mother, three professionals.
async fn request(w: &World) -> String {
    let mut sw = w.as_user(&w.sw).await;
    let family = sw.get("/families/fam1").await;
    assert!(family.body.contains("/families/fam1/conferences/new"), "the family page offers to request a conference");
    let form = sw.get("/families/fam1/conferences/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let fields: Vec<(&str, &str)> = vec![
        ("children", "amy"),
        ("strategy_discussion_on", "2026-11-02"),
        ("enquiry", "section-47"),
        ("harm_finding", "suffering"),
        ("concerns", "neglect"),
        ("concerns", "domestic-abuse"),
        ("family_members", "fam1-mum"),
        ("professionals", "p-sw"),
        ("professionals", "p-school"),
        ("professionals", "p-police"),
    ];
    // S47-01: without the reason the domain refuses, and what was ticked is kept.
    let refused = sw.submit(&form, "/families/fam1/conferences/new", &fields).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("govuk-error-summary"), "{}", refused.body);
    assert!(refused.body.contains("the reason for the conference"), "{}", error_summary(&refused.body));
    assert!(refused.body.contains("value=\"amy\" checked"), "the ticked child is kept");
    assert!(refused.body.contains("value=\"domestic-abuse\" checked"), "the ticked concerns are kept");
    let mut with_reason = fields.clone();
    with_reason.push(("reason", "Neglect and domestic abuse at home."));
    let done = sw.submit(&refused, "/families/fam1/conferences/new", &with_reason).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    let location = done.location.unwrap();
    assert!(location.ends_with("?done=request"), "{location}");
    let id = location.trim_start_matches("/conferences/").split('?').next().unwrap().to_owned();
    let shown = sw.get(&location).await;
    assert_eq!(shown.status, StatusCode::OK);
    // TIME-01: 15 working days after Monday 2 November 2026.
    assert!(shown.body.contains("It must be held by 23 November 2026"), "{}", shown.body);
    id
}

#[tokio::test]
async fn the_journey_from_request_to_the_distributed_record_through_the_pages_s47_01_chair_01_meet_05_meet_07_dec_01_min_02(
) {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let meeting = format!("{conf}/meeting");

    // The coordinator's list shows it waiting to be scheduled.
    let mut coord = w.as_user(&w.coord).await;
    let list = coord.get("/conferences").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("fam1 family") && list.body.contains(&conf), "{}", list.body);

    // The task list: scheduling is not started; pre-meetings cannot start before it (MEET-01).
    let tasks = coord.get(&conf).await;
    assert!(tasks.body.contains("govuk-task-list"), "{}", tasks.body);
    assert!(tasks.body.contains(&format!("href=\"{conf}/schedule\"")), "the coordinator may schedule");
    assert!(!tasks.body.contains("name=\"version\""), "the task list has no form");
    // CHAIR-01: the social worker's own manager is refused, with the reason, keeping what was typed.
    let page = coord.get(&format!("{conf}/schedule")).await;
    let v = version(&page);
    let slot = |chair: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![("date", "2026-11-20"), ("time", "10:00"), ("venue", "Room 4, Civic Centre"), ("chair_id", chair)]
    };
    let tm: &'static str = Box::leak(w.tm.clone().into_boxed_str());
    let mut fields = vec![("version", v.as_str())];
    fields.extend(slot(tm));
    let refused = coord.submit(&page, &format!("{conf}/schedule"), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("govuk-error-summary"));
    assert!(refused.body.contains("cannot chair this conference"), "{}", error_summary(&refused.body));
    assert!(refused.body.contains("management line"), "the reason is shown");
    assert!(refused.body.contains("href=\"#schedule-chair_id\""), "the summary links to the chair field");
    assert!(refused.body.contains("value=\"Room 4, Civic Centre\""), "the venue typed is kept");
    assert!(refused.body.contains(&format!("value=\"{tm}\" selected")), "the chair chosen is kept");

    let chair: &'static str = Box::leak(w.chair.clone().into_boxed_str());
    let notes: &'static str = Box::leak(w.notes.clone().into_boxed_str());
    let mut ok = slot(chair);
    ok.push(("note_taker_id", notes));
    step(&mut coord, &format!("{conf}/schedule"), &format!("{conf}/schedule"), &ok).await;
    for invitee in ["family-member:fam1-mum", "professional:p-sw", "professional:p-school", "professional:p-police"] {
        step(&mut coord, &format!("{conf}/invitations"), &format!("{conf}/invitations"), &[("invitee", invitee)]).await;
    }
    // INV-04: the coordinator records the mother's answer; a decline needs a reason.
    let page = coord.get(&format!("{conf}/invitations")).await;
    let v = version(&page);
    let no_reason = coord
        .submit(&page, &format!("{conf}/answers"), &[("version", &v), ("invitation", "1"), ("answer", "declined")])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("the reason for declining"), "{}", error_summary(&no_reason.body));
    step(
        &mut coord,
        &format!("{conf}/invitations"),
        &format!("{conf}/answers"),
        &[("invitation", "1"), ("answer", "in-person")],
    )
    .await;
    let list = coord.get("/conferences").await;
    assert!(list.body.contains("Coming up"), "{}", list.body);
    // Issue 12: the row's time and where its invitations stand (INV-04) come from the
    // conference's list summary, rewritten with every save: four invited, one attending,
    // three without an answer.
    let coming_up = |body: &str| -> String {
        let rest = &body[body.find("Coming up").expect("the Coming up group")..];
        rest[..rest.find("</table>").expect("its table")].to_owned()
    };
    let coming = coming_up(&list.body);
    assert!(coming.contains(" 10:00</td>"), "the time: {coming}");
    assert!(coming.contains("<td class=\"govuk-table__cell\">4</td>"), "four invited: {coming}");
    assert!(coming.contains("<td class=\"govuk-table__cell\">1</td>"), "one attending: {coming}");
    assert!(coming.contains("govuk-tag--orange\">3</strong>"), "three without an answer: {coming}");
    // Conferences saved before the summaries were kept are summarised at startup, the same.
    sqlx::query("DELETE FROM conference_summary").execute(w.app.db.pool()).await.unwrap();
    assert!(confer_store::list_summary::backfill(&w.app.db).await.unwrap() >= 1);
    let again = coord.get("/conferences").await;
    assert_eq!(coming_up(&again.body), coming, "the backfilled summary shows the same row");

    // MEET-01: the chair meets the mother the day before.
    w.clock.set(at("2026-11-19 09:00"));
    let mut chair_b = w.as_user(&w.chair).await;
    step(
        &mut chair_b,
        &format!("{conf}/pre-meetings"),
        &format!("{conf}/pre-meetings"),
        &[("adult_id", "fam1-mum"), ("outcome", "held"), ("mode", "virtual")],
    )
    .await;

    // The day: the chair's dashboard shows it today; the chair starts it.
    w.clock.set(at("2026-11-20 10:00"));
    let dash = chair_b.get("/conferences/chair").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("fam1 family") && dash.body.contains(&meeting), "{}", dash.body);
    step(&mut chair_b, &meeting, &format!("{conf}/start"), &[]).await;

    // MEET-02, MEET-05, MEET-06, DEC-02: the note taker records as it happens.
    let mut notes_b = w.as_user(&w.notes).await;
    for n in ["1", "2", "3", "4"] {
        step(
            &mut notes_b,
            &format!("{meeting}/attendance"),
            &format!("{conf}/attendance"),
            &[("invitation", n), ("presence", "in-person")],
        )
        .await;
    }
    step(
        &mut notes_b,
        &format!("{meeting}/discussion"),
        &format!("{conf}/discussion"),
        &[("heading", "worries"), ("text", "AMY-ARRIVES-HUNGRY"), ("child_id", "amy")],
    )
    .await;
    step(
        &mut notes_b,
        &format!("{meeting}/discussion"),
        &format!("{conf}/discussion"),
        &[("heading", "history"), ("text", "RESTRICTED-POLICE-DETAIL"), ("restricted", "yes")],
    )
    .await;
    step(
        &mut notes_b,
        &format!("{meeting}/views"),
        &format!("{conf}/parent-views"),
        &[("adult_id", "fam1-mum"), ("views", "We are trying our best.")],
    )
    .await;
    step(
        &mut notes_b,
        &format!("{meeting}/plan"),
        &format!("{conf}/actions"),
        &[
            ("children", "amy"),
            ("what", "BREAKFAST-CLUB daily"),
            ("owner", "professional:p-school"),
            ("due", "2026-11-30"),
        ],
    )
    .await;

    // DEC-02: no decision before each professional present has given a view.
    let page = chair_b.get(&format!("{meeting}/decisions")).await;
    let v = version(&page);
    let early = chair_b
        .submit(
            &page,
            &format!("{conf}/decisions"),
            &[
                ("version", &v),
                ("child_id", "amy"),
                ("outcome", "child-protection-plan"),
                ("category", "neglect"),
                ("continuing_risk", "yes"),
            ],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("govuk-error-summary"), "{}", error_summary(&early.body));
    assert!(
        early.body.contains("<h1 class=\"govuk-heading-l\">The decision for each child</h1>"),
        "refused, the form comes back on its task's page"
    );
    assert!(early.body.contains("value=\"child-protection-plan\" checked"), "the decision chosen is kept");
    for p in ["p-sw", "p-school", "p-police"] {
        step(
            &mut chair_b,
            &format!("{meeting}/views"),
            &format!("{conf}/professional-views"),
            &[("professional_id", p), ("child_id", "amy"), ("view", "plan"), ("reasons", "From my report.")],
        )
        .await;
    }
    step(
        &mut chair_b,
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
    // MEET-07: what was recorded is on the page in the order it was agreed.
    let live = chair_b.get(&format!("{meeting}/discussion")).await;
    let pos = |s: &str| live.body.find(s).unwrap_or_else(|| panic!("{s} is on the meeting's discussion page"));
    assert!(pos("AMY-ARRIVES-HUNGRY") < pos("RESTRICTED-POLICE-DETAIL"));
    assert!(pos("BREAKFAST-CLUB") < pos("Decision for AMY Brook"));
    // The meeting's summary: who is present and the task list, in the order a chair runs it,
    // each with its status from the domain (issue 11); no form but the chair's.
    let summary = chair_b.get(&meeting).await;
    assert!(summary.body.contains("govuk-task-list"), "{}", summary.body);
    assert!(summary.body.contains("Mia Brook (Family: Mother)"), "who is present");
    let pos = |s: &str| summary.body.find(s).unwrap_or_else(|| panic!("{s} is on the meeting's task list"));
    assert!(pos("id=\"task-attendance\"") < pos("id=\"task-views\""));
    assert!(pos("id=\"task-views\"") < pos("id=\"task-decisions\""));
    assert!(pos("id=\"task-decisions\"") < pos("id=\"task-close\""));
    assert_eq!(task_status(&summary.body, "decisions"), "Completed");
    assert_eq!(task_status(&summary.body, "attendance"), "Completed");
    assert_eq!(task_status(&summary.body, "discussion"), "In progress", "two of the six headings");
    assert_eq!(task_status(&summary.body, "close"), "Not yet started");
    assert!(summary.body.contains(&format!("href=\"{meeting}/close\"")));
    assert!(!summary.body.contains("name=\"version\""), "the task list has no form once started");
    // One thing per page: each meeting task's page carries its own forms only.
    let forms_of = |body: &str| -> Vec<String> {
        body.split("method=\"post\" action=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or("").to_owned())
            .filter(|a| a != "/sign-out")
            .collect()
    };
    for (task, forms) in [
        ("attendance", &["attendance"][..]),
        ("pre-meetings", &[][..]),
        ("consent", &[][..]),
        ("childrens-views", &[][..]),
        ("views", &["professional-views", "parent-views"][..]),
        ("discussion", &["discussion", "corrections"][..]),
        ("decisions", &["decisions"][..]),
        ("dissent", &["dissents"][..]),
        ("plan", &["actions"][..]),
        ("recommendations", &["legal-recommendations"][..]),
        ("close", &["close"][..]),
    ] {
        let page = chair_b.get(&format!("{meeting}/{task}")).await;
        assert_eq!(page.status, StatusCode::OK, "{task}");
        let want: Vec<String> = forms.iter().map(|f| format!("{conf}/{f}")).collect();
        assert_eq!(forms_of(&page.body), want, "the forms of the {task} page");
    }
    step(&mut chair_b, &format!("{meeting}/close"), &format!("{conf}/close"), &[]).await;

    // MIN-02: drafted by the note taker, approved by the chair, sent by the coordinator.
    step(&mut notes_b, &format!("{conf}/record/draft"), &format!("{conf}/record/draft"), &[]).await;
    let page = coord.get(&conf).await;
    assert!(page.body.contains("waiting for the chair"), "{}", page.body);
    assert_eq!(task_status(&page.body, "record"), "In progress", "the record's task");
    let dash = chair_b.get("/conferences/chair").await;
    assert!(dash.body.contains("Draft ready to approve") && dash.body.contains("fam1 family"), "{}", dash.body);
    step(&mut chair_b, &format!("{conf}/record/approve"), &format!("{conf}/record/approve"), &[]).await;
    let dash = chair_b.get("/conferences/chair").await;
    assert!(dash.body.contains("No records are waiting for you"), "{}", dash.body);
    step(
        &mut coord,
        &format!("{conf}/record/distribute"),
        &format!("{conf}/record/distribute"),
        &[("recipient", "family-member:fam1-mum"), ("language", "en")],
    )
    .await;
    step(
        &mut coord,
        &format!("{conf}/record/distribute"),
        &format!("{conf}/record/distribute"),
        &[("recipient", "professional:p-police")],
    )
    .await;
    // EXC-06, REP-03, MEET-04: the mother's copy leaves out the restricted point.
    let mum = coord.get(&format!("{conf}/record/copies/1")).await;
    assert_eq!(mum.status, StatusCode::OK);
    assert!(mum.body.contains("AMY-ARRIVES-HUNGRY"));
    assert!(!mum.body.contains("RESTRICTED-POLICE-DETAIL"), "restricted content never reaches the family");
    assert!(mum.body.contains("Some parts of the record were left out"));
    let police = coord.get(&format!("{conf}/record/copies/2")).await;
    assert!(police.body.contains("RESTRICTED-POLICE-DETAIL"), "professionals see restricted content");
    // ROLE-11: each read of a copy is logged as a read of the family's record.
    let copies_read = confer_store::audit::for_entity(&w.app.db, w.app.authority.id.as_str(), "family", "fam1", 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "conference.record-copy.read" && e.actor == w.coord && e.after.contains(&id))
        .count();
    assert_eq!(copies_read, 2, "both copies read are logged");
}

#[tokio::test]
async fn a_change_from_a_page_someone_else_saved_first_is_shown_as_a_conflict_with_the_form_kept() {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let mut first = w.as_user(&w.coord).await;
    let mut second = w.as_user(&w.coord).await;
    let chair: &str = &w.chair;
    let slot =
        [("date", "2026-11-20"), ("time", "10:00"), ("video_link", "https://meet.example.org/x"), ("chair_id", chair)];
    step(&mut first, &format!("{conf}/schedule"), &format!("{conf}/schedule"), &slot).await;
    let a = first.get(&format!("{conf}/invitations")).await;
    let b = second.get(&format!("{conf}/invitations")).await;
    let va = version(&a);
    let done = first
        .submit(&a, &format!("{conf}/invitations"), &[("version", &va), ("invitee", "family-member:fam1-mum")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let vb = version(&b);
    let clash = second
        .submit(&b, &format!("{conf}/invitations"), &[("version", &vb), ("invitee", "professional:p-police")])
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.body.contains("Someone else changed this conference"), "{}", error_summary(&clash.body));
    assert!(clash.body.contains("value=\"professional:p-police\" selected"), "the choice is kept");
    assert!(clash.body.contains("Mia Brook"), "and the page shows their change");
    // Sending it again from the page now shown works.
    let again = second
        .submit(
            &clash,
            &format!("{conf}/invitations"),
            &[("version", &version(&clash)), ("invitee", "professional:p-police")],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", error_summary(&again.body));
}

#[tokio::test]
async fn another_familys_conference_answers_404_on_every_page_role_11() {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let mut other = w.as_user(&w.other_sw).await;
    for path in [conf.clone(), format!("{conf}/meeting"), format!("{conf}/record/copies/1")] {
        assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let home = other.get("/families/fam2").await;
    let res = other
        .submit(&home, &format!("{conf}/invitations"), &[("version", "1"), ("invitee", "family-member:fam1-mum")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("Mia"), "nothing of the conference leaks");
    assert_eq!(other.get("/families/fam1/conferences/new").await.status, StatusCode::NOT_FOUND);
    // The chair not chairing it cannot see it either.
    let mut chair = w.as_user(&w.chair).await;
    assert_eq!(chair.get(&conf).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_chair_excludes_a_parent_from_a_part_and_views_are_recorded_before_the_meeting_exc_01_exc_02_exc_03_child_03(
) {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let mut coord = w.as_user(&w.coord).await;
    let chair: &str = &w.chair;
    let slot =
        [("date", "2026-11-20"), ("time", "10:00"), ("video_link", "https://meet.example.org/x"), ("chair_id", chair)];
    step(&mut coord, &format!("{conf}/schedule"), &format!("{conf}/schedule"), &slot).await;
    // Only the chair excludes (EXC-01): the coordinator is not shown the form.
    let page = coord.get(&format!("{conf}/exclusions")).await;
    assert_eq!(page.status, StatusCode::OK, "the coordinator reads the exclusions");
    assert!(!page.body.contains("Record the exclusion"));
    let mut chair_b = w.as_user(&w.chair).await;
    let page = chair_b.get(&format!("{conf}/exclusions")).await;
    let v = version(&page);
    let part = [
        ("version", v.as_str()),
        ("adult_id", "fam1-mum"),
        ("scope", "part"),
        ("part", "complicating-factors"),
        ("part_kind", "domestic-abuse-between-parents"),
        ("will_see", "The decisions and the plan"),
        ("will_not_see", "What was said about the abuse"),
        ("detail", "Threats reported by the police."),
        ("views_by", "letter-to-chair"),
    ];
    // EXC-02: the reasons come from the list; without one the domain refuses, keeping the form.
    let refused = chair_b.submit(&page, &format!("{conf}/exclusions"), &part).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("govuk-error-summary"), "{}", refused.body.chars().take(400).collect::<String>());
    assert!(refused.body.contains("value=\"complicating-factors\" selected"), "the part chosen is kept");
    let mut with_reason = part.to_vec();
    with_reason.push(("reasons", "risk-of-violence"));
    // EXC-03: the part is chosen, never typed: a typed part is refused, what was written kept.
    let mut typed = with_reason.clone();
    typed[3] = ("part", "Domestic abuse");
    let refused_typed = chair_b.submit(&page, &format!("{conf}/exclusions"), &typed).await;
    assert_eq!(refused_typed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused_typed.body.contains("Choose the part of the conference they are excluded from"));
    assert!(refused_typed.body.contains("What was said about the abuse"), "what was written is kept");
    let done = chair_b.submit(&refused, &format!("{conf}/exclusions"), &with_reason).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    assert_eq!(done.location.as_deref(), Some(format!("{conf}/exclusions?done=exclude").as_str()));
    let shown = chair_b.get(&format!("{conf}/exclusions")).await;
    assert!(
        shown.body.contains("The part &#34;Complicating factors&#34;")
            || shown.body.contains("The part &quot;Complicating factors&quot;"),
        "{}",
        shown.body
    );
    // CHILD-03: the child's views, how they were obtained and by whom.
    step(
        &mut coord,
        &format!("{conf}/views"),
        &format!("{conf}/views"),
        &[
            ("whose", "child:amy"),
            ("form", "drawing"),
            ("summary", "AMY-DRAWS-HER-HOME"),
            ("how_obtained", "At school"),
            ("obtained_by", "Sam Social"),
        ],
    )
    .await;
    let shown = coord.get(&format!("{conf}/views")).await;
    assert!(shown.body.contains("AMY-DRAWS-HER-HOME") && shown.body.contains("obtained by Sam Social"));
}

/// Scheduling shows clashes: the same chair or the same room (however it is typed) within two
/// hours on the same day. The coordinator keeps the time only by ticking that they have seen
/// them (what was typed is kept meanwhile); the conference page then shows the clashes; moving
/// it clear of the other conference needs no tick (issue 6, step 2).
#[tokio::test]
async fn clashes_of_the_chair_and_the_room_are_shown_before_a_time_is_kept() {
    let w = world().await;
    let first = request(&w).await;
    let mut coord = w.as_user(&w.coord).await;
    let chair: &str = &w.chair;
    let one = format!("/conferences/{first}");
    step(
        &mut coord,
        &format!("{one}/schedule"),
        &format!("{one}/schedule"),
        &[("date", "2026-11-20"), ("time", "10:00"), ("venue", "Room 2, Civic Centre"), ("chair_id", chair)],
    )
    .await;

    let form = coord.get("/families/fam2/conferences/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let done = coord
        .submit(
            &form,
            "/families/fam2/conferences/new",
            &[
                ("children", "dot"),
                ("strategy_discussion_on", "2026-11-02"),
                ("enquiry", "section-47"),
                ("harm_finding", "suffering"),
                ("concerns", "neglect"),
                ("family_members", "fam2-mum"),
                ("reason", "Neglect."),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    let two = done.location.unwrap().split('?').next().unwrap().to_owned();
    let page = coord.get(&format!("{two}/schedule")).await;
    let slot = [("date", "2026-11-20"), ("time", "11:00"), ("venue", "  room 2 civic centre"), ("chair_id", chair)];
    let mut fields = vec![("version", "1")];
    fields.extend_from_slice(&slot);
    let refused = coord.submit(&page, &format!("{two}/schedule"), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let said = error_summary(&refused.body);
    assert!(said.contains("The chair is also chairing the conference for the fam1 family at 10:00"), "{said}");
    assert!(said.contains("The room is also booked for the conference for the fam1 family at 10:00"), "{said}");
    assert!(!said.contains("social worker"), "fam2 has another social worker: {said}");
    assert!(refused.body.contains("name=\"accept_clashes\""), "the tick box to keep the time is offered");
    assert!(refused.body.contains("value=\"11:00\""), "what was typed is kept");

    fields.push(("accept_clashes", "yes"));
    let kept = coord.submit(&refused, &format!("{two}/schedule"), &fields).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", error_summary(&kept.body));
    let shown = coord.get(&two).await;
    assert!(shown.body.contains("This time clashes with other conferences"), "{}", shown.body);
    assert!(shown.body.contains("The chair is also chairing the conference for the fam1 family at 10:00."));
    // The other conference names this family only to those the access policy lets see it: the
    // coordinator does; the school's professional, of fam1's conference only, is told of
    // "another conference" and never fam2's name.
    let for_coord = coord.get(&one).await;
    assert!(for_coord.body.contains("The chair is also chairing the conference for the fam2 family at 11:00."));
    step(
        &mut coord,
        &format!("{one}/invitations"),
        &format!("{one}/invitations"),
        &[("invitee", "professional:p-school")],
    )
    .await;
    let mut teacher = w.as_user(&w.teacher).await;
    let for_teacher = teacher.get(&one).await;
    assert_eq!(for_teacher.status, StatusCode::OK, "{}", for_teacher.body);
    assert!(
        for_teacher.body.contains("The chair is also chairing another conference at 11:00."),
        "{}",
        for_teacher.body
    );
    assert!(!for_teacher.body.contains("fam2"), "no other family's name");
    // Through the API, fam1's social worker (who may not see fam2's conference) is not given
    // its id; the coordinator, who may, is.
    let other_id = two.trim_start_matches("/conferences/");
    let api_get = |user: String| {
        let (db, base, authority, path) =
            (w.app.db.clone(), w.app.base.clone(), w.app.authority.id.clone(), one.clone());
        async move {
            let scopes = [confer_store::tokens::Scope::Read];
            let (_, token) =
                confer_store::tokens::create(&db, &user, authority.as_str(), "api", &scopes, "test").await.unwrap();
            let res =
                reqwest::Client::new().get(format!("{base}/api/v1{path}")).bearer_auth(token).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, body) = api_get(w.sw.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"clashes\":[{") && body.contains("\"conference_id\":null"), "{body}");
    assert!(!body.contains(other_id), "another conference's id is not shown: {body}");
    let (_, body) = api_get(w.coord.clone()).await;
    assert!(body.contains(&format!("\"conference_id\":\"{other_id}\"")), "{body}");
    assert_eq!(teacher.get(&two).await.status, StatusCode::NOT_FOUND, "the policy: not his conference");

    step(
        &mut coord,
        &format!("{two}/schedule"),
        &format!("{two}/reschedule"),
        &[
            ("date", "2026-11-20"),
            ("time", "14:00"),
            ("venue", "Room 2, Civic Centre"),
            ("chair_id", chair),
            ("reason", "To give the chair time between conferences."),
        ],
    )
    .await;
    let moved = coord.get(&two).await;
    assert!(!moved.body.contains("This time clashes"), "two hours apart is not a clash");
    let moved = coord.get(&format!("{two}/schedule")).await;
    assert!(!moved.body.contains("This time clashes"), "nor on the schedule page");
}

/// The status of one task as the task list shows it.
fn task_status(body: &str, task: &str) -> String {
    let marker = format!("id=\"task-{task}-status\"");
    let at = body.find(&marker).unwrap_or_else(|| panic!("no task {task} in the list"));
    let rest = &body[at + marker.len()..];
    let end = rest.find("</div>").unwrap();
    rest[..end]
        .replace("<strong class=\"govuk-tag govuk-tag--blue\">", "")
        .replace("<strong class=\"govuk-tag govuk-tag--light-blue\">", "")
        .replace("</strong>", "")
        .trim_start_matches('>')
        .to_owned()
}

/// Every form's action on a page.
fn form_actions(body: &str) -> Vec<String> {
    body.split("<form method=\"post\" action=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .filter(|a| a != "/sign-out")
        .collect()
}

#[tokio::test]
async fn the_task_list_shows_each_tasks_status_as_the_domain_decides_it_meet_01_rep_01_inv_01() {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let mut coord = w.as_user(&w.coord).await;
    let list = coord.get(&conf).await;
    assert_eq!(task_status(&list.body, "schedule"), "Not yet started");
    assert_eq!(task_status(&list.body, "children"), "Completed");
    assert_eq!(task_status(&list.body, "invitations"), "Not yet started");
    // MEET-01: the chair's pre-meetings wait for a date; REP-01: sharing waits for a report.
    assert_eq!(task_status(&list.body, "pre-meetings"), "Cannot start yet");
    assert!(list.body.contains("Schedule the conference first"));
    assert_eq!(task_status(&list.body, "sharing"), "Cannot start yet");
    assert_eq!(task_status(&list.body, "meeting"), "Cannot start yet");
    assert!(list.body.contains("govuk-task-list__status--cannot-start-yet"));
    assert_eq!(form_actions(&list.body), Vec::<String>::new(), "the task list has no form");

    let chair: &str = &w.chair;
    let slot =
        [("date", "2026-11-20"), ("time", "10:00"), ("video_link", "https://meet.example.org/x"), ("chair_id", chair)];
    let done = step(&mut coord, &format!("{conf}/schedule"), &format!("{conf}/schedule"), &slot).await;
    assert_eq!(done.location.as_deref(), Some(format!("{conf}?done=schedule").as_str()), "back to the task list");
    // INV-01: the mother invited, not yet answered: in progress; the invitation form stays at hand.
    let done = step(
        &mut coord,
        &format!("{conf}/invitations"),
        &format!("{conf}/invitations"),
        &[("invitee", "family-member:fam1-mum")],
    )
    .await;
    assert_eq!(done.location.as_deref(), Some(format!("{conf}/invitations?done=invite").as_str()));
    let page = coord.get(done.location.as_deref().unwrap()).await;
    assert!(page.body.contains("The invitation has been recorded."), "the notice is on the task page");
    let list = coord.get(&conf).await;
    assert_eq!(task_status(&list.body, "schedule"), "Completed");
    assert_eq!(task_status(&list.body, "invitations"), "In progress");
    assert_eq!(task_status(&list.body, "pre-meetings"), "Not yet started");
    assert_eq!(task_status(&list.body, "meeting"), "Not yet started");
    assert_eq!(task_status(&list.body, "record"), "Cannot start yet");
}

#[tokio::test]
async fn each_task_page_shows_only_its_own_forms_under_a_heading_naming_the_task() {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let mut coord = w.as_user(&w.coord).await;
    let chair: &str = &w.chair;
    let slot =
        [("date", "2026-11-20"), ("time", "10:00"), ("video_link", "https://meet.example.org/x"), ("chair_id", chair)];
    step(&mut coord, &format!("{conf}/schedule"), &format!("{conf}/schedule"), &slot).await;
    step(
        &mut coord,
        &format!("{conf}/invitations"),
        &format!("{conf}/invitations"),
        &[("invitee", "family-member:fam1-mum")],
    )
    .await;
    let mut chair_b = w.as_user(&w.chair).await;
    for (as_chair, task, h1, forms) in [
        (false, "schedule", "Move the conference", vec!["reschedule"]),
        (false, "invitations", "Invitations and answers", vec!["invitations", "answers"]),
        (false, "supporters", "Supporters, advocates and solicitors", vec!["supporters"]),
        (false, "needs", "Interpreters and practical needs", vec!["interpreters"]),
        (false, "reports", "Reports to the chair", vec!["reports", "reports/upload"]),
        (false, "views", "Views gathered before the conference", vec!["views"]),
        (false, "recording", "Audio recording", vec!["recording-consents"]),
        (false, "cancel", "Cancel the conference", vec!["cancel"]),
        // (fam1's only child is in the conference: nothing to add, and the last is not taken out.)
        (false, "children", "Children", vec![]),
        (true, "exclusions", "Exclusions", vec!["exclusions"]),
        (true, "pre-meetings", "The chair&#39;s meetings with parents before the conference", vec!["pre-meetings"]),
    ] {
        let b = if as_chair { &mut chair_b } else { &mut coord };
        let page = b.get(&format!("{conf}/{task}")).await;
        assert_eq!(page.status, StatusCode::OK, "{task}: {}", page.body);
        let title = page.body.split("<h1 class=\"govuk-heading-l\">").nth(1).unwrap().split("</h1>").next().unwrap();
        assert_eq!(title, h1, "{task}: the heading names the task");
        let want: Vec<String> = forms.iter().map(|f| format!("{conf}/{f}")).collect();
        assert_eq!(form_actions(&page.body), want, "{task}: only its own forms");
        assert!(page.body.contains(&format!("href=\"{conf}\" class=\"govuk-back-link\"")), "{task}: a back link");
        assert!(page.body.contains("fam1 family</span>"), "{task}: the caption names the family");
    }
}

#[tokio::test]
async fn a_refused_form_comes_back_on_its_task_page_with_the_error_and_what_was_typed() {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let mut coord = w.as_user(&w.coord).await;
    let page = coord.get(&format!("{conf}/views")).await;
    let v = version(&page);
    let res = coord
        .submit(
            &page,
            &format!("{conf}/views"),
            &[("version", &v), ("form", "drawing"), ("summary", "TYPED-VIEWS-KEPT"), ("obtained_by", "Sam Social")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_summary(&res.body).contains("Select whose views these are"), "{}", error_summary(&res.body));
    assert!(res.body.contains("href=\"#views-whose\""), "the summary links to the field");
    assert!(res.body.contains("TYPED-VIEWS-KEPT") && res.body.contains("value=\"drawing\" selected"), "kept");
    assert!(res.body.contains(">Views gathered before the conference</h1>"), "on the views task's page");
    assert_eq!(form_actions(&res.body), vec![format!("{conf}/views")], "with its own form only");
}

#[tokio::test]
async fn a_person_who_may_not_do_a_task_sees_no_link_to_it_and_is_refused_its_page_role_11() {
    let w = world().await;
    let id = request(&w).await;
    let conf = format!("/conferences/{id}");
    let mut coord = w.as_user(&w.coord).await;
    let chair: &str = &w.chair;
    let slot =
        [("date", "2026-11-20"), ("time", "10:00"), ("video_link", "https://meet.example.org/x"), ("chair_id", chair)];
    step(&mut coord, &format!("{conf}/schedule"), &format!("{conf}/schedule"), &slot).await;
    step(
        &mut coord,
        &format!("{conf}/invitations"),
        &format!("{conf}/invitations"),
        &[("invitee", "professional:p-school")],
    )
    .await;
    // The school's professional, invited: sees the conference and reads what each task has
    // recorded, but does not schedule or cancel it, nor share reports he did not write.
    let mut teacher = w.as_user(&w.teacher).await;
    let list = teacher.get(&conf).await;
    assert_eq!(list.status, StatusCode::OK);
    for task in ["schedule", "cancel"] {
        assert!(!list.body.contains(&format!("href=\"{conf}/{task}\"")), "no link to {task}");
        assert_eq!(teacher.get(&format!("{conf}/{task}")).await.status, StatusCode::FORBIDDEN, "{task}");
    }
    for task in [
        "children",
        "invitations",
        "supporters",
        "needs",
        "reports",
        "views",
        "exclusions",
        "pre-meetings",
        "recording",
    ] {
        assert!(list.body.contains(&format!("href=\"{conf}/{task}\"")), "a link to {task}");
        let page = teacher.get(&format!("{conf}/{task}")).await;
        assert_eq!(page.status, StatusCode::OK, "{task}");
        // (He may submit a report and record an answer to an invitation.)
        if !["reports", "invitations"].contains(&task) {
            assert_eq!(form_actions(&page.body), Vec::<String>::new(), "{task}: read only, none of its forms");
        }
    }
    // The social worker holds the case but does not arrange: no scheduling.
    let mut sw = w.as_user(&w.sw).await;
    assert!(!sw.get(&conf).await.body.contains(&format!("href=\"{conf}/schedule\"")));
    assert_eq!(sw.get(&format!("{conf}/schedule")).await.status, StatusCode::FORBIDDEN);
    let invitations = teacher.get(&format!("{conf}/invitations")).await;
    assert!(form_actions(&invitations.body).iter().all(|a| !a.ends_with("/invitations")), "he does not invite");
    // Another family's social worker: every task page of this conference answers 404.
    let mut other = w.as_user(&w.other_sw).await;
    for task in [
        "schedule",
        "children",
        "invitations",
        "supporters",
        "needs",
        "reports",
        "sharing",
        "views",
        "exclusions",
        "pre-meetings",
        "recording",
        "cancel",
    ] {
        let page = other.get(&format!("{conf}/{task}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{task}");
        assert!(!page.body.contains("Mia"), "{task}: nothing of the conference leaks");
    }
}
