//! Translations and other formats (issue 14; LANG-02, LANG-03): a parent asks in the family
//! portal (English and Welsh) for her invitation in large print; asked twice it is one request;
//! the coordinator meets it on the conference's formats page and confer makes the large print
//! PDF and puts it on the print list, logged in the documents log with its audit events in one
//! transaction; the portal and the family's record show it. The social worker records a Braille
//! request for her; met, it needs what was sent. A stale form is a conflict, nothing lost. A
//! parent who asked for letters by post gets the next invitation news on the print list.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::portal::PortalPerson;
use confer_domain::{AdultId, Role};
use confer_store::documents_sent;
use reqwest::StatusCode;
use sqlx::Row;

struct Fixture {
    app: App,
    conf: String,
    coord: String,
    sw: String,
    mum: String,
}

async fn fixture() -> Fixture {
    let (app, _clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    let coord = w.staff_named("coord", &[Role::Coordinator]).await;
    let sw = w.staff_named("sw", &[Role::SocialWorker]).await;
    let f = w
        .family("fam-f")
        .worker(sw.as_str())
        .child("amy", "Amy", "2013-05-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy@family.example".into()))
        .create()
        .await;
    let made = f.invited_conference(w).await;
    let mum = confer_store::portal::give_access(
        &app.db,
        &confer_store::portal::Access {
            authority_id: &app.authority.id,
            family_id: "fam-f",
            person: &PortalPerson::Adult(AdultId("mum".into())),
            display_name: "Mandy",
            email: "mandy@family.example",
            role: Role::Parent,
        },
        "test",
    )
    .await
    .unwrap();
    Fixture {
        conf: made.id,
        coord: coord.as_str().to_owned(),
        sw: sw.as_str().to_owned(),
        mum: mum.as_str().to_owned(),
        app,
    }
}

async fn actions(app: &App, like: &str) -> Vec<String> {
    sqlx::query("SELECT action FROM audit_event WHERE action LIKE $1 ORDER BY seq")
        .bind(like)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("action").unwrap())
        .collect()
}

#[tokio::test]
async fn a_parent_asks_for_large_print_in_the_portal_and_confer_makes_it_lang_03() {
    let fx = fixture().await;
    let portal_path = format!("/portal/conferences/{}", fx.conf);
    let action = format!("/portal/conferences/{}/formats", fx.conf);
    let mut mum = fx.app.as_user(&fx.mum).await;

    // The form is there, in English and in Welsh.
    let page = mum.get(&portal_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Your documents in another language or format"), "{}", page.body);
    let cy = mum.get(&format!("{portal_path}?lang=cy")).await;
    assert!(cy.body.contains("Eich dogfennau mewn iaith neu fformat arall"));
    assert!(cy.body.contains("Print bras"));

    // No format chosen: refused in her language, her choice of document kept.
    let v = version(&cy);
    let bad = mum.submit(&cy, &action, &[("version", &v), ("lang", "cy"), ("document", "invitation")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("govuk-error-summary"));
    assert!(bad.body.contains("Dewiswch y fformat rydych ei eisiau"), "{}", error_summary(&bad.body));
    assert!(bad.body.contains("value=\"invitation\" checked"), "what she chose is kept");
    // A translation needs its language.
    let bad = mum
        .submit(
            &page,
            &action,
            &[("version", &v), ("lang", "en"), ("document", "invitation"), ("format", "translation")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter the language you want it in"));

    // Asked: the page says so; asked again, it is one request.
    let ok = mum
        .submit(
            &page,
            &action,
            &[("version", &v), ("lang", "en"), ("document", "invitation"), ("format", "large-print")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", error_summary(&ok.body));
    let after = mum.get(&format!("{portal_path}?lang=en&done=formats")).await;
    assert!(after.body.contains("We have your request"));
    assert!(after.body.contains("The invitation letter, Large print: asked for on"), "{}", after.body);
    let v2 = version(&after);
    let twice = mum
        .submit(
            &after,
            &action,
            &[("version", &v2), ("lang", "en"), ("document", "invitation"), ("format", "large-print")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("You have already asked for this document in this format"));
    assert_eq!(actions(&fx.app, "portal.request-format").await.len(), 1);

    // The coordinator sees it on the conference's formats task and meets it: confer makes it.
    let mut coord = fx.app.as_user(&fx.coord).await;
    let summary = coord.get(&format!("/conferences/{}", fx.conf)).await;
    assert!(summary.body.contains(&format!("/conferences/{}/formats", fx.conf)), "the task list links to it");
    let formats = format!("/conferences/{}/formats", fx.conf);
    let tasks = coord.get(&formats).await;
    assert!(tasks.body.contains("Mandy"), "{}", tasks.body);
    assert!(tasks.body.contains("Large print"));
    assert!(tasks.body.contains("role=\"region\""), "the table scrolls in its own region");
    let number = tasks.body.split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_owned();
    step(&mut coord, &formats, &format!("{formats}/met"), &[("number", &number), ("sent", "")]).await;

    // The documents log: a large print PDF on the print list, for her, audited with the change.
    let log = documents_sent::for_conference(&fx.app.db, &fx.conf).await.unwrap();
    let made: Vec<_> = log.iter().filter(|d| d.print_size == "large").collect();
    assert_eq!(made.len(), 1, "{log:?}");
    let d = made[0];
    assert_eq!(
        (d.kind.as_str(), d.recipient.as_str(), d.format.as_str(), d.channel.as_str()),
        ("invitation-letter", "family-member:mum", "pdf", "post")
    );
    assert_eq!(d.print_state.as_deref(), Some("waiting"));
    let (content,): (Vec<u8>,) = {
        let r = sqlx::query("SELECT content FROM document_sent WHERE id = $1")
            .bind(&d.id)
            .fetch_one(fx.app.db.pool())
            .await
            .unwrap();
        (r.try_get::<Vec<u8>, _>("content").unwrap(),)
    };
    assert!(content.starts_with(b"%PDF"), "a PDF kept for printing");
    assert_eq!(actions(&fx.app, "conference.fulfil-format-request").await.len(), 1);
    assert!(!actions(&fx.app, "document.sent").await.is_empty());
    assert_eq!(confer_store::audit::verify(&fx.app.db).await.unwrap().first_break, None);

    // She sees it sent; the family's record lists it among the documents sent.
    let page = mum.get(&portal_path).await;
    assert!(page.body.contains("The invitation letter, Large print: sent on"), "{}", page.body);
    let family = coord.get("/families/fam-f").await;
    assert!(family.body.contains("Documents sent"));
    assert!(family.body.contains("large print PDF, by post (waiting on the print list)"), "{}", family.body);
}

#[tokio::test]
async fn staff_record_a_braille_request_and_meet_it_with_what_was_sent_lang_03() {
    let fx = fixture().await;
    let formats = format!("/conferences/{}/formats", fx.conf);
    let mut sw = fx.app.as_user(&fx.sw).await;

    // Nothing chosen: the error summary, nothing saved.
    let bad = refused(&mut sw, &formats, &formats, &[("for_person", "family-member:mum"), ("document", "plan")]).await;
    assert!(bad.body.contains("Select the format they asked for"));
    assert!(bad.body.contains("value=\"plan\" selected"), "what was chosen is kept");
    // A translation without its language.
    let bad = refused(
        &mut sw,
        &formats,
        &formats,
        &[("for_person", "family-member:mum"), ("document", "record"), ("format", "translation")],
    )
    .await;
    assert!(bad.body.contains("Enter the language they asked for"));
    step(
        &mut sw,
        &formats,
        &formats,
        &[("for_person", "family-member:mum"), ("document", "plan"), ("format", "braille")],
    )
    .await;
    step(
        &mut sw,
        &formats,
        &formats,
        &[
            ("for_person", "family-member:mum"),
            ("document", "record"),
            ("format", "translation"),
            ("language", "Polish"),
        ],
    )
    .await;
    // The social worker may not record it as met: no form, and the route refuses.
    let page = sw.get(&formats).await;
    assert!(!page.body.contains(&format!("action=\"{formats}/met\"")));
    let v = version(&page);
    let no = sw.submit(&page, &format!("{formats}/met"), &[("version", &v), ("number", "1"), ("sent", "x")]).await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);

    // The coordinator: met without saying what was sent is refused, what was typed kept.
    let mut coord = fx.app.as_user(&fx.coord).await;
    let page = coord.get(&formats).await;
    let braille = page
        .body
        .split("<option value=\"")
        .skip(1)
        .filter_map(|s| s.split_once('"'))
        .find(|(_, rest)| rest.contains("Braille"))
        .map(|(n, _)| n.to_owned())
        .expect("the Braille request is offered");
    assert!(braille.parse::<u32>().is_ok(), "{braille}: {}", page.body);
    let bad = refused(&mut coord, &formats, &format!("{formats}/met"), &[("number", &braille), ("sent", "  ")]).await;
    assert!(bad.body.contains("Enter what was sent"), "{}", error_summary(&bad.body));
    // A stale form: the conflict is said, nothing lost.
    let stale = version(&page);
    step(&mut coord, &formats, &format!("{formats}/met"), &[("number", &braille), ("sent", "Braille plan posted")])
        .await;
    let again = coord
        .submit(&page, &format!("{formats}/met"), &[("version", &stale), ("number", &braille), ("sent", "Again")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("Again"), "what was typed is kept");

    let page = coord.get(&formats).await;
    assert!(page.body.contains("Braille plan posted"));
    let log = documents_sent::for_conference(&fx.app.db, &fx.conf).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].format.as_str(), log[0].channel.as_str()), ("braille", "format-request"));
    assert_eq!(log[0].print_state, None, "not on the print list");
    // The parent sees her requests in the portal: one sent, one being prepared.
    let mut mum = fx.app.as_user(&fx.mum).await;
    let portal = mum.get(&format!("/portal/conferences/{}", fx.conf)).await;
    assert!(portal.body.contains("The plan, Braille: sent on"), "{}", portal.body);
    assert!(portal.body.contains("Translated into another language: Polish: asked for on"));
}

#[tokio::test]
async fn a_parent_who_asked_for_post_gets_invitation_news_on_the_print_list() {
    let fx = fixture().await;
    let mut sw = fx.app.as_user(&fx.sw).await;
    let family = sw.get("/families/fam-f").await;
    assert!(family.body.contains("By e-mail"));
    let v = family.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    // A stale version is a conflict, and nothing changes.
    let stale =
        sw.submit(&family, "/families/fam-f/adults/mum/post", &[("version", "0"), ("prefers_post", "yes")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Someone else changed this record"));
    let ok = sw.submit(&family, "/families/fam-f/adults/mum/post", &[("version", &v), ("prefers_post", "yes")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let family = sw.get("/families/fam-f").await;
    assert!(family.body.contains("By post: they asked for letters by post"));
    assert_eq!(actions(&fx.app, "adult.prefers-post").await.len(), 1);

    // The conference moves: her news goes on the print list, not by e-mail.
    let outbox_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'mandy@family.example'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap();
    let mut coord = fx.app.as_user(&fx.coord).await;
    let chair = fx.app.world.staff_named("chair", &[Role::Chair]).await;
    let schedule = format!("/conferences/{}/schedule", fx.conf);
    step(
        &mut coord,
        &schedule,
        &format!("/conferences/{}/reschedule", fx.conf),
        &[
            ("chair_id", chair.as_str()),
            ("date", "2026-11-20"),
            ("time", "14:00"),
            ("venue", "Civic Centre, Room 2"),
            ("video_link", ""),
            ("reason", "The morning room is not available."),
        ],
    )
    .await;
    let outbox_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'mandy@family.example'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap();
    assert_eq!(outbox_after, outbox_before, "no e-mail to her");
    let waiting = documents_sent::print_requests(&fx.app.db, None).await.unwrap();
    assert!(waiting.iter().any(|r| r.recipient == "family-member:mum"), "{waiting:?}");
}

/// LANG-03, LANG-04 (issue 14): the mother chooses in the portal to get letters by post, in
/// English or Welsh; a form sent without a choice, or from a page made before someone else
/// changed the family's record, changes nothing and says why; the choice is audited, staff see
/// it on the family's page, and her news then goes on the print list instead of by e-mail.
/// Another family's parent cannot choose for her.
#[tokio::test]
async fn lang_03_a_parent_chooses_letters_by_post_in_the_portal_in_english_and_welsh() {
    let fx = fixture().await;
    let mut mum = fx.app.as_user(&fx.mum).await;
    let home = mum.get("/portal").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("How we send you letters") && home.body.contains("How do you want to get letters?"));
    assert!(home.body.contains("value=\"no\" aria-describedby=\"prefers_post-no-hint\" checked"), "e-mail now");
    let cy = mum.get("/portal?lang=cy").await;
    let cy_text = cy.body.replace("&#39;", "'").replace("&#x27;", "'");
    assert!(cy_text.contains("Sut rydym yn anfon llythyrau atoch chi") && cy_text.contains("Drwy'r post"), "{cy_text}");
    let action = "/portal/families/fam-f/letters";

    // No choice: nothing changes, and the page says what to do (in her language).
    let none = mum.submit(&home, action, &[("lang", "en")]).await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    let back = mum.get(none.location.as_deref().unwrap()).await;
    assert!(back.body.contains("Choose by e-mail or by post") && back.body.contains("govuk-form-group--error"));
    let none = mum.submit(&cy, action, &[("lang", "cy")]).await;
    let back = mum.get(none.location.as_deref().unwrap()).await;
    assert!(back.body.contains("Dewiswch drwy e-bost neu drwy"), "{}", back.body);
    assert!(actions(&fx.app, "adult.prefers-post").await.is_empty());

    // Someone else changes the record first: her choice from the older page is not saved.
    let v: i64 = sqlx::query_scalar("SELECT version FROM family WHERE id = 'fam-f'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap();
    let mut sw = fx.app.as_user(&fx.sw).await;
    let family = sw.get("/families/fam-f").await;
    let ok = sw
        .submit(&family, "/families/fam-f/adults/mum/post", &[("version", &v.to_string()), ("prefers_post", "no")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let old = letters_version(&home.body);
    let stale = mum.submit(&home, action, &[("lang", "en"), ("prefers_post", "yes"), ("version", &old)]).await;
    let back = mum.get(stale.location.as_deref().unwrap()).await;
    assert!(back.body.contains("Someone changed your family"), "{}", back.body);
    let post: i64 = sqlx::query_scalar("SELECT prefers_post FROM adult WHERE id = 'mum'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap();
    assert_eq!(post, 0, "nothing was saved from the older page");

    // Chosen in Welsh from the page as it is now: saved, audited as hers, told in Welsh.
    let cy = mum.get("/portal?lang=cy").await;
    let now = letters_version(&cy.body);
    assert_ne!(now, old, "the page carries the record's version as it is now");
    let chosen = mum.submit(&cy, action, &[("lang", "cy"), ("prefers_post", "yes"), ("version", &now)]).await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    let back = mum.get(chosen.location.as_deref().unwrap()).await;
    assert!(back.body.contains("Byddwch yn cael llythyrau drwy"), "{}", back.body);
    assert!(back.body.contains("value=\"yes\" aria-describedby=\"prefers_post-yes-hint\" checked"));
    let audited: Vec<String> = sqlx::query_scalar("SELECT actor FROM audit_event WHERE action = 'adult.prefers-post'")
        .fetch_all(fx.app.db.pool())
        .await
        .unwrap();
    assert_eq!(audited, vec![fx.sw.clone(), fx.mum.clone()], "the social worker's change, then hers");
    let family = sw.get("/families/fam-f").await;
    assert!(family.body.contains("By post: they asked for letters by post"), "staff see her choice");

    // Her news now goes on the print list, not by e-mail.
    let outbox_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'mandy@family.example'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap();
    let mut coord = fx.app.as_user(&fx.coord).await;
    let chair = fx.app.world.staff_named("chair", &[Role::Chair]).await;
    let schedule = format!("/conferences/{}/schedule", fx.conf);
    step(
        &mut coord,
        &schedule,
        &format!("/conferences/{}/reschedule", fx.conf),
        &[
            ("chair_id", chair.as_str()),
            ("date", "2026-11-20"),
            ("time", "14:00"),
            ("venue", "Civic Centre, Room 2"),
            ("video_link", ""),
            ("reason", "The morning room is not available."),
        ],
    )
    .await;
    let outbox_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'mandy@family.example'")
        .fetch_one(fx.app.db.pool())
        .await
        .unwrap();
    assert_eq!(outbox_after, outbox_before, "no e-mail to her");
    let waiting = documents_sent::print_requests(&fx.app.db, None).await.unwrap();
    assert!(waiting.iter().any(|r| r.recipient == "family-member:mum"), "{waiting:?}");

    // Back to e-mail, from the portal.
    let home = mum.get("/portal").await;
    let now = letters_version(&home.body);
    let chosen = mum.submit(&home, action, &[("lang", "en"), ("prefers_post", "no"), ("version", &now)]).await;
    let back = mum.get(chosen.location.as_deref().unwrap()).await;
    assert!(back.body.contains("You will get letters by e-mail."), "{}", back.body);

    // Another family's parent: not found, and nothing changes.
    let w = &fx.app.world;
    w.family("fam-g").child("gina", "Gina", "2014-01-01").mother("gmum", "Gail").create().await;
    let gail = confer_store::portal::give_access(
        &fx.app.db,
        &confer_store::portal::Access {
            authority_id: &fx.app.authority.id,
            family_id: "fam-g",
            person: &PortalPerson::Adult(AdultId("gmum".into())),
            display_name: "Gail",
            email: "gail@family.example",
            role: Role::Parent,
        },
        "test",
    )
    .await
    .unwrap();
    let mut gail = fx.app.as_user(gail.as_str()).await;
    let theirs = gail.get("/portal").await;
    assert!(!theirs.body.contains("fam-f"), "only her own family's letters");
    let refused = gail.submit(&theirs, action, &[("lang", "en"), ("prefers_post", "yes"), ("version", "1")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(actions(&fx.app, "adult.prefers-post").await.len(), 3);
}

/// The family record's version the portal's letters form carries.
fn letters_version(body: &str) -> String {
    let form = body.split("/letters\"").nth(1).expect("the letters form");
    form.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}
