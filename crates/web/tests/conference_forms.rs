//! The conference page's forms before the meeting (issue 6), driven as a browser without
//! JavaScript would: forms with the session's CSRF token, POST then redirect with a notice.
//! The request page for every kind (review, transfer-in, pre-birth), cancelling, adding and
//! removing a child, supporters and the chair's decision on a late one, interpreters (a
//! family member refused) and needs met, consent to audio recording, reports typed and sent
//! as a file (checked by content and size, downloaded only by those allowed, each download
//! audited), sharing with parents (late needs a reason), how an excluded parent was told and
//! the chair's fresh decision on the previous conference's exclusions.
//! Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use common::*;
use confer_domain::Role;
use reqwest::header::COOKIE;
use reqwest::StatusCode;

struct World {
    app: App,
    clock: confer_web::clock::Clock,
    coord: String,
    chair: String,
    notes: String,
    sw: String,
    other_sw: String,
}

/// An authority with a coordinator, a chair, a note taker, a social worker (and one of another
/// family), three agencies' professionals; fam1 (Amy and Ben, their mother Mia), fam2 (another
/// social worker's) and fam3 (an unborn baby, their mother Zoe).
async fn world() -> World {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let (coord, _) = staff(&app, "coord", &[Role::Coordinator], None).await;
    let (chair, _) = staff(&app, "chair", &[Role::Chair], None).await;
    let (notes, _) = staff(&app, "notes", &[Role::NoteTaker], None).await;
    let (tm, _) = staff(&app, "tm", &[Role::TeamManager], None).await;
    let (sw, _) = staff(&app, "sw", &[Role::SocialWorker], Some(&tm)).await;
    let (other_sw, _) = staff(&app, "othersw", &[Role::SocialWorker], None).await;
    let w = &app.world;
    w.professional("p-sw", Some(&sw)).await;
    w.professional("p-school", None).await;
    w.professional("p-police", None).await;
    let pros = ["p-sw", "p-school", "p-police"];
    w.family("fam1")
        .worker(&sw)
        .child("amy", "AMY", "2013-05-01")
        .child("ben", "BEN", "2016-02-01")
        .mother("fam1-mum", "Mia")
        .professionals(&pros)
        .create()
        .await;
    w.family("fam2").worker(&other_sw).child("dot", "DOT", "2015-01-01").mother("fam2-mum", "Dee").create().await;
    w.family("fam3")
        .worker(&sw)
        .unborn("bump", "BABY", "2027-03-01")
        .mother("fam3-mum", "Zoe")
        .professionals(&pros)
        .create()
        .await;
    World { app, clock, coord, chair, notes, sw, other_sw }
}

impl World {
    async fn as_user(&self, user: &str) -> Browser {
        self.app.as_user(user).await
    }
}

/// The social worker requests an initial conference for fam1 (Amy and Ben) through the page.
async fn request_initial(w: &World) -> String {
    let mut sw = w.as_user(&w.sw).await;
    let form = sw.get("/families/fam1/conferences/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let done = sw
        .submit(
            &form,
            "/families/fam1/conferences/new",
            &[
                ("kind", "initial"),
                ("children", "amy"),
                ("children", "ben"),
                ("strategy_discussion_on", "2026-11-02"),
                ("enquiry", "section-47"),
                ("harm_finding", "suffering"),
                ("concerns", "neglect"),
                ("reason", "Neglect at home."),
                ("family_members", "fam1-mum"),
                ("needs_fam1-mum", "childcare"),
                ("needs_fam1-mum_detail", "TWO-TODDLERS at home"),
                ("professionals", "p-sw"),
                ("professionals", "p-school"),
                ("professionals", "p-police"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    done.location.unwrap().trim_start_matches("/conferences/").split('?').next().unwrap().to_owned()
}

/// The coordinator schedules it for Friday 20 November with the chair and note taker, and
/// invites the mother and the three professionals (invitations 1 to 4).
async fn schedule_and_invite(w: &World, conf: &str) {
    let mut coord = w.as_user(&w.coord).await;
    let (chair, notes): (&str, &str) = (&w.chair, &w.notes);
    step(
        &mut coord,
        &format!("{conf}/schedule"),
        &format!("{conf}/schedule"),
        &[
            ("date", "2026-11-20"),
            ("time", "10:00"),
            ("venue", "Room 4"),
            ("chair_id", chair),
            ("note_taker_id", notes),
        ],
    )
    .await;
    for invitee in ["family-member:fam1-mum", "professional:p-sw", "professional:p-school", "professional:p-police"] {
        step(&mut coord, &format!("{conf}/invitations"), &format!("{conf}/invitations"), &[("invitee", invitee)]).await;
    }
}

#[tokio::test]
async fn the_request_page_offers_every_kind_and_asks_each_for_what_it_needs_s47_01_time_02_time_03() {
    let w = world().await;
    let mut sw = w.as_user(&w.sw).await;
    // The chooser works without JavaScript: a GET form whose answer shows the right fields.
    let initial = sw.get("/families/fam1/conferences/new").await;
    assert!(initial.body.contains("name=\"kind\" type=\"radio\" value=\"transfer-in\""), "{}", initial.body);
    assert!(initial.body.contains("Date of the strategy discussion"));
    let transfer = sw.get("/families/fam1/conferences/new?kind=transfer-in").await;
    assert_eq!(transfer.status, StatusCode::OK);
    assert!(transfer.body.contains("Request a transfer-in conference"));
    assert!(transfer.body.contains("The authority the child moved from"));
    assert!(!transfer.body.contains("Date of the strategy discussion"), "the initial's fields are not asked");

    // TIME-02: the authority is required; what was typed is kept.
    let fields = [
        ("kind", "transfer-in"),
        ("children", "amy"),
        ("plan_amy", "neglect"),
        ("transfer_notified_on", "2026-11-02"),
        ("plan_started_on", "2026-06-01"),
        ("reason", "Moved in from Otherton on a plan."),
        ("concerns", "neglect"),
        ("family_members", "fam1-mum"),
        ("professionals", "p-sw"),
    ];
    let no_authority = sw.submit(&transfer, "/families/fam1/conferences/new", &fields).await;
    assert_eq!(no_authority.status, StatusCode::OK);
    assert!(
        no_authority.body.contains("the name of the authority the child moved from"),
        "{}",
        error_summary(&no_authority.body)
    );
    assert!(no_authority.body.contains("value=\"2026-06-01\""), "the plan date typed is kept");
    assert!(no_authority.body.contains("value=\"neglect\" selected"), "the plan category is kept");
    let mut with = fields.to_vec();
    with.push(("transfer_authority", "Otherton Council"));
    let done = sw.submit(&no_authority, "/families/fam1/conferences/new", &with).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    let location = done.location.clone().unwrap();
    let page = sw.get(&location).await;
    assert!(page.body.contains("Transfer-in conference"), "{}", page.body);
    // The request and where the plan was made are stored together, in one transaction.
    let id = location.trim_start_matches("/conferences/").split('?').next().unwrap();
    let stored = confer_store::conferences::load(&w.app.db, id).await.unwrap();
    assert_eq!(stored.version, 1);
    assert!(stored.conference.transfer_from().is_some());
    assert!(
        page.body.contains("Otherton Council") && page.body.contains("1 June 2026"),
        "where the plan was made is shown"
    );
    // TIME-02: 15 working days after Monday 2 November.
    assert!(page.body.contains("It must be held by 23 November 2026 (TIME-02)"), "{}", page.body);

    // TIME-03: the pre-birth page shows the unborn child's dates, and so does the conference.
    let pre = sw.get("/families/fam3/conferences/new?kind=pre-birth").await;
    assert!(pre.body.contains("Request a pre-birth conference"));
    assert!(pre.body.contains("expected 1 March 2027") && pre.body.contains("never later than"), "{}", pre.body);
    let done = sw
        .submit(
            &pre,
            "/families/fam3/conferences/new",
            &[
                ("kind", "pre-birth"),
                ("children", "bump"),
                ("strategy_discussion_on", "2026-11-02"),
                ("enquiry", "section-47"),
                ("harm_finding", "likely-to-suffer"),
                ("concerns", "neglect"),
                ("reason", "Concerns for the baby."),
                ("family_members", "fam3-mum"),
                ("professionals", "p-sw"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    let page = sw.get(done.location.as_deref().unwrap()).await;
    assert!(page.body.contains("pre-birth dates, TIME-03"), "{}", page.body);
    assert!(page.body.contains("never later than 15 February 2027"), "10 working days before 1 March 2027");

    // A review needs the conference it follows: none has been held, and the page says so.
    let review = sw.get("/families/fam1/conferences/new?kind=review").await;
    assert!(review.body.contains("nothing to review"), "{}", review.body);
    let no_previous = sw
        .submit(
            &review,
            "/families/fam1/conferences/new",
            &[("kind", "review"), ("children", "amy"), ("reason", "Review."), ("concerns", "neglect")],
        )
        .await;
    assert_eq!(no_previous.status, StatusCode::OK);
    assert!(
        no_previous.body.contains("Select the conference this review follows"),
        "{}",
        error_summary(&no_previous.body)
    );
}

#[tokio::test]
async fn children_supporters_interpreters_needs_and_consent_before_the_meeting_inv_05_inv_08_lang_01_meet_03() {
    let w = world().await;
    let id = request_initial(&w).await;
    let conf = format!("/conferences/{id}");
    schedule_and_invite(&w, &conf).await;
    let mut coord = w.as_user(&w.coord).await;

    // A child taken out needs a reason; the reason and the child are kept in the history.
    let no_reason =
        refused(&mut coord, &format!("{conf}/children"), &format!("{conf}/children/remove"), &[("child_id", "ben")])
            .await;
    assert!(no_reason.body.contains("the reason for removing the child"), "{}", error_summary(&no_reason.body));
    assert!(no_reason.body.contains("value=\"ben\" selected"), "the child chosen is kept");
    step(
        &mut coord,
        &format!("{conf}/children"),
        &format!("{conf}/children/remove"),
        &[("child_id", "ben"), ("reason", "BEN-LIVES-WITH-DAD")],
    )
    .await;
    let page = coord.get(&format!("{conf}?done=remove-child")).await;
    assert!(page.body.contains("The child has been taken out"));
    let page = coord.get(&format!("{conf}/children")).await;
    assert!(page.body.contains("Children taken out of this conference") && page.body.contains("BEN-LIVES-WITH-DAD"));
    // ... and added back.
    step(&mut coord, &format!("{conf}/children"), &format!("{conf}/children"), &[("child_id", "ben")]).await;
    let page = coord.get(&format!("{conf}/children")).await;
    assert!(page.body.contains("<li>BEN Brook</li>"), "{}", page.body);

    // INV-05: a supporter named in time needs no decision; one named late is flagged to the chair.
    step(
        &mut coord,
        &format!("{conf}/supporters"),
        &format!("{conf}/supporters"),
        &[("supports", "fam1-mum"), ("name", "Sol Icitor"), ("kind", "solicitor")],
    )
    .await;
    w.clock.set(at("2026-11-19 09:00"));
    step(
        &mut coord,
        &format!("{conf}/supporters"),
        &format!("{conf}/supporters"),
        &[("supports", "fam1-mum"), ("name", "Fran Friend"), ("kind", "friend")],
    )
    .await;
    let page = coord.get(&format!("{conf}/supporters")).await;
    assert!(page.body.contains("Sol Icitor (Solicitor)") && page.body.contains("Named late"), "{}", page.body);
    assert!(!page.body.contains("Decide on a supporter named late"), "only the chair decides");
    let mut chair = w.as_user(&w.chair).await;
    let page = chair.get(&format!("{conf}/supporters")).await;
    assert!(page.body.contains("Decide on a supporter named late"));
    assert!(
        page.body.contains("Waiting for the chair&#39;s decision")
            || page.body.contains("Waiting for the chair's decision")
    );
    let no_reason = refused(
        &mut chair,
        &format!("{conf}/supporters"),
        &format!("{conf}/supporters/late"),
        &[("invitation", "6"), ("allowed", "yes")],
    )
    .await;
    assert!(no_reason.body.contains("the reason for your decision"), "{}", error_summary(&no_reason.body));
    step(
        &mut chair,
        &format!("{conf}/supporters"),
        &format!("{conf}/supporters/late"),
        &[("invitation", "6"), ("allowed", "yes"), ("reason", "Mia asked for her friend for support.")],
    )
    .await;
    let page = chair.get(&format!("{conf}/supporters")).await;
    assert!(page.body.contains("Allowed by the chair on 19 November 2026: Mia asked for her friend"), "{}", page.body);

    // LANG-01: the mother's own name as interpreter is refused with the reason, the form kept.
    let family = refused(
        &mut coord,
        &format!("{conf}/needs"),
        &format!("{conf}/interpreters"),
        &[("for_person", "family-member:fam1-mum"), ("language", "Polish"), ("interpreter_name", "mia brook")],
    )
    .await;
    assert!(
        family.body.contains("is a member of the family and cannot act as interpreter"),
        "{}",
        error_summary(&family.body)
    );
    assert!(family.body.contains("value=\"Polish\""), "the language typed is kept");
    step(
        &mut coord,
        &format!("{conf}/needs"),
        &format!("{conf}/interpreters"),
        &[
            ("for_person", "family-member:fam1-mum"),
            ("language", "Polish"),
            ("interpreter_name", "Ola Nowak"),
            ("organisation", "Language Line"),
        ],
    )
    .await;
    let page = coord.get(&format!("{conf}/needs")).await;
    assert!(page.body.contains("Ola Nowak, Language Line"), "{}", page.body);

    // INV-08: the mother's need from the request is met, and how.
    let page = coord.get(&format!("{conf}/needs")).await;
    assert!(page.body.contains("TWO-TODDLERS at home") && page.body.contains("Not met yet"), "{}", page.body);
    let no_how =
        refused(&mut coord, &format!("{conf}/needs"), &format!("{conf}/needs-met"), &[("need", "fam1-mum|childcare")])
            .await;
    assert!(no_how.body.contains("how the need was met"), "{}", error_summary(&no_how.body));
    step(
        &mut coord,
        &format!("{conf}/needs"),
        &format!("{conf}/needs-met"),
        &[("need", "fam1-mum|childcare"), ("how", "CRECHE-BOOKED on site")],
    )
    .await;
    let page = coord.get(&format!("{conf}/needs")).await;
    assert!(page.body.contains("CRECHE-BOOKED on site") && !page.body.contains("Not met yet"), "{}", page.body);

    // MEET-03: the note taker records the mother's consent to audio recording.
    let mut notes = w.as_user(&w.notes).await;
    step(
        &mut notes,
        &format!("{conf}/recording"),
        &format!("{conf}/recording-consents"),
        &[("adult_id", "fam1-mum"), ("consents", "yes")],
    )
    .await;
    let page = notes.get(&format!("{conf}/recording")).await;
    assert!(page.body.contains("Consents to audio recording"), "{}", page.body);

    // The social worker sees none of the coordinator's forms and may not post them.
    let mut sw = w.as_user(&w.sw).await;
    let page = sw.get(&conf).await;
    assert!(!page.body.contains("Book an interpreter") && !page.body.contains("Cancel the conference"));
    assert!(!page.body.contains(&format!("href=\"{conf}/cancel\"")), "no link to a task they may not do");
    assert_eq!(sw.get(&format!("{conf}/cancel")).await.status, StatusCode::FORBIDDEN);
    let needs = sw.get(&format!("{conf}/needs")).await;
    assert!(needs.body.contains("Ola Nowak") && !needs.body.contains("Book an interpreter"), "read, no form");
    // (The page has no form for them, so the version is read from the store.)
    let v = confer_store::conferences::load(&w.app.db, &id).await.unwrap().version.to_string();
    let res = sw.submit(&needs, &format!("{conf}/cancel"), &[("version", &v), ("reason", "x")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn cancelling_needs_a_reason_keeps_the_history_and_tells_everyone_invited() {
    let w = world().await;
    let id = request_initial(&w).await;
    let conf = format!("/conferences/{id}");
    schedule_and_invite(&w, &conf).await;
    let mut coord = w.as_user(&w.coord).await;
    let no_reason = refused(&mut coord, &format!("{conf}/cancel"), &format!("{conf}/cancel"), &[]).await;
    assert!(no_reason.body.contains("the reason for cancelling"), "{}", error_summary(&no_reason.body));
    assert!(no_reason.body.contains("href=\"#cancel-reason\""), "the summary links to the field");
    // Two people: the second, from a page made before the first saved, is told of the conflict.
    let stale = coord.get(&format!("{conf}/cancel")).await;
    step(
        &mut coord,
        &format!("{conf}/needs"),
        &format!("{conf}/interpreters"),
        &[("for_person", "family-member:fam1-mum"), ("language", "Urdu"), ("interpreter_name", "Ali Khan")],
    )
    .await;
    let clash = coord
        .submit(&stale, &format!("{conf}/cancel"), &[("version", &version(&stale)), ("reason", "FAMILY-MOVED-AWAY")])
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.body.contains("Someone else changed this conference"), "{}", error_summary(&clash.body));
    assert!(clash.body.contains("FAMILY-MOVED-AWAY"), "the reason typed is kept");
    step(&mut coord, &format!("{conf}/cancel"), &format!("{conf}/cancel"), &[("reason", "FAMILY-MOVED-AWAY")]).await;
    let page = coord.get(&format!("{conf}?done=cancel")).await;
    assert!(page.body.contains("This conference was cancelled"), "{}", page.body);
    assert!(page.body.contains("FAMILY-MOVED-AWAY") && page.body.contains("Test coord"), "why and by whom");
    assert!(page.body.contains("3 November 2026"), "when");
    assert!(coord.get(&format!("{conf}/needs")).await.body.contains("Ali Khan"), "what was recorded before is kept");
    assert!(!page.body.contains("Cancel the conference</button>"), "a cancelled conference cannot be cancelled again");
    let told = confer_store::otp::outbox_for(&w.app.db, "p-school@example.org").await.unwrap();
    assert!(told.iter().any(|(subject, _)| subject.contains("cancelled")), "{told:?}");
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "confer-test-boundary-7f3a";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    if let Some((name, mime, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    b: &Browser,
    conf: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> reqwest::Response {
    let (ct, body) = multipart(fields, file);
    let cookies = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    b.http
        .post(format!("{}{conf}/reports/upload", b.base))
        .header(COOKIE, cookies)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn reports_typed_or_uploaded_are_checked_downloaded_by_those_allowed_and_shared_in_time_rep_01_rep_02_rep_03_rep_04(
) {
    let w = world().await;
    let id = request_initial(&w).await;
    let conf = format!("/conferences/{id}");
    schedule_and_invite(&w, &conf).await;
    let mut sw = w.as_user(&w.sw).await;
    let page = sw.get(&format!("{conf}/reports")).await;
    // REP-01/02: the dates are on the page (conference Friday 20 November).
    assert!(page.body.contains("Reports to the chair by") && page.body.contains("17 November 2026"), "{}", page.body);
    assert!(page.body.contains("Shared with parents by") && page.body.contains("18 November 2026"));
    assert!(page.body.contains("up to 10.0 MB"), "the size limit is stated");

    // Typed, with a restricted part (REP-03).
    let no_heading = refused(
        &mut sw,
        &format!("{conf}/reports"),
        &format!("{conf}/reports"),
        &[("author", "p-sw"), ("text_1", "Some text")],
    )
    .await;
    assert!(no_heading.body.contains("Enter a heading for part 1"), "{}", error_summary(&no_heading.body));
    assert!(no_heading.body.contains("Some text"), "the text typed is kept");
    step(
        &mut sw,
        &format!("{conf}/reports"),
        &format!("{conf}/reports"),
        &[
            ("author", "p-sw"),
            ("heading_1", "Home conditions"),
            ("text_1", "Visited twice."),
            ("heading_2", "Police information"),
            ("text_2", "POLICE-DETAIL"),
            ("restricted_2", "police-information"),
        ],
    )
    .await;

    // Uploaded: a file that is not what its name says is refused, the other fields kept.
    let page = sw.get(&format!("{conf}/reports")).await;
    assert!(page.body.contains(&format!("action=\"{conf}/reports/upload\"")), "the upload form is on the reports page");
    let (csrf, v) = (page.csrf(), version(&page));
    let fields =
        [("csrf_token", csrf.as_str()), ("version", v.as_str()), ("author", "p-sw"), ("summary", "MY-SUMMARY")];
    let res = upload(&sw, &conf, &fields, Some(("report.pdf", "application/pdf", b"MZ\x90\x00not a pdf"))).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("named as PDF but its content is not"), "{}", error_summary(&body));
    assert!(body.contains("MY-SUMMARY"), "the summary typed is kept");
    assert!(body.contains("href=\"#upload-file\""), "the summary links to the file field");
    // An over-size file gets the form's error, not a bare 413.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 4096, b' ');
    let res = upload(&sw, &conf, &fields, Some(("big.pdf", "application/pdf", &big))).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", error_summary(&body));
    assert!(body.contains("more than the largest file taken (10.0 MB)"), "{}", error_summary(&body));
    assert!(body.contains("MY-SUMMARY"));
    // Beyond what the server takes at all (12 MiB), a calm page says what to do, not a bare 413.
    big.resize(13 * 1024 * 1024, b' ');
    let res = upload(&sw, &conf, &fields, Some(("huge.pdf", "application/pdf", &big))).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = res.text().await.unwrap();
    assert!(body.contains("The file is too large") && body.contains("up to 10 MB"), "{body}");
    // No file chosen.
    let res = upload(&sw, &conf, &fields, None).await;
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Choose the report&#39;s file") || body.contains("Choose the report's file"),
        "{}",
        error_summary(&body)
    );
    // A form without the CSRF token is refused.
    let res = upload(&sw, &conf, &fields[1..], Some(("r.pdf", "application/pdf", b"%PDF-1.7"))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let res = upload(&sw, &conf, &fields, Some(("Home visit report.pdf", "application/pdf", &pdf))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", error_summary(&res.text().await.unwrap()));
    let page = sw.get(&format!("{conf}/reports")).await;
    assert!(page.body.contains("Download Home visit report.pdf"), "{}", page.body);
    assert!(page.body.contains(&format!("PDF, {} bytes", pdf.len())), "type and size are shown");
    // The report's number, from the download link (numbers are shared with invitations).
    let link = page.body.split(&format!("href=\"{conf}/reports/")).nth(1).expect("a download link");
    let file_no = link.split('/').next().unwrap().to_owned();
    let typed_no = (file_no.parse::<u32>().unwrap() - 1).to_string();
    let file_path = format!("{conf}/reports/{file_no}/file");
    let file = sw.get(&file_path).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body.as_bytes(), pdf.as_slice(), "the stored bytes come back unchanged");
    let res = {
        let cookies = sw.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        sw.http.get(format!("{}{file_path}", sw.base)).header(COOKIE, cookies).send().await.unwrap()
    };
    let h = res.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert!(h["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"Home visit report.pdf\""));
    assert_eq!(h["x-content-type-options"], "nosniff");
    // Each download is a read in the audit trail; the upload is audited with its SHA-256.
    use sqlx::Row;
    let rows =
        sqlx::query("SELECT action, after_json FROM audit_event WHERE action IN ('document.read', 'document.upload')")
            .fetch_all(w.app.db.pool())
            .await
            .unwrap();
    let actions: Vec<String> = rows.iter().map(|r| r.try_get::<String, _>("action").unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| *a == "document.read").count(), 2, "{actions:?}");
    assert!(rows.iter().any(|r| r.try_get::<String, _>("after_json").unwrap().contains("\"sha256\"")));
    // Another family's social worker gets nothing.
    let mut other = w.as_user(&w.other_sw).await;
    assert_eq!(other.get(&file_path).await.status, StatusCode::NOT_FOUND);
    // A number with no file goes back to the reports.
    assert_eq!(sw.get(&format!("{conf}/reports/{typed_no}/file")).await.status, StatusCode::SEE_OTHER);

    // REP-01, REP-04: shared with the mother in time, then another report late (reason needed).
    step(
        &mut sw,
        &format!("{conf}/sharing"),
        &format!("{conf}/reports/share"),
        &[("report", &typed_no), ("recipient", "family-member:fam1-mum"), ("discussed", "yes")],
    )
    .await;
    w.clock.set(at("2026-11-19 09:00"));
    let late = refused(
        &mut sw,
        &format!("{conf}/sharing"),
        &format!("{conf}/reports/share"),
        &[("report", &file_no), ("recipient", "family-member:fam1-mum")],
    )
    .await;
    assert!(late.body.contains("18 November 2026"), "the due date is in the reason: {}", error_summary(&late.body));
    step(
        &mut sw,
        &format!("{conf}/sharing"),
        &format!("{conf}/reports/share"),
        &[
            ("report", &file_no),
            ("recipient", "family-member:fam1-mum"),
            ("late_reason", "The report was finished late."),
        ],
    )
    .await;
    let page = sw.get(&format!("{conf}/sharing")).await;
    assert!(page.body.contains("Reports shared with the family"));
    assert!(page.body.contains("The report was finished late."), "{}", page.body);
}

#[tokio::test]
async fn exclusion_told_audio_recording_and_the_previous_exclusions_decided_again_at_the_review_exc_04_exc_05_meet_03_chair_02(
) {
    let w = world().await;
    let id = request_initial(&w).await;
    let conf = format!("/conferences/{id}");
    schedule_and_invite(&w, &conf).await;
    let mut chair = w.as_user(&w.chair).await;
    step(
        &mut chair,
        &format!("{conf}/exclusions"),
        &format!("{conf}/exclusions"),
        &[
            ("adult_id", "fam1-mum"),
            ("scope", "part"),
            ("part", "professionals-only"),
            ("part_kind", "other"),
            ("will_see", "The plan"),
            ("will_not_see", "The police information"),
            ("reasons", "risk-of-violence"),
            ("detail", "Threats made to staff."),
            ("views_by", "letter-to-chair"),
        ],
    )
    .await;
    // EXC-04: the social worker records how and when she was told; a date in the future is refused.
    let mut sw = w.as_user(&w.sw).await;
    let future = refused(
        &mut sw,
        &format!("{conf}/exclusions"),
        &format!("{conf}/exclusions/told"),
        &[("adult_id", "fam1-mum"), ("how", "letter"), ("on", "2026-12-01")],
    )
    .await;
    assert!(future.body.contains("is in the future"), "{}", error_summary(&future.body));
    step(
        &mut sw,
        &format!("{conf}/exclusions"),
        &format!("{conf}/exclusions/told"),
        &[("adult_id", "fam1-mum"), ("how", "letter"), ("on", "2026-11-03")],
    )
    .await;
    let page = sw.get(&format!("{conf}/exclusions")).await;
    assert!(page.body.contains("Told by letter on 3 November 2026"), "{}", page.body);

    // The conference is held and closed (MEET-01: the chair meets the mother first).
    w.clock.set(at("2026-11-19 09:00"));
    step(
        &mut chair,
        &format!("{conf}/pre-meetings"),
        &format!("{conf}/pre-meetings"),
        &[("adult_id", "fam1-mum"), ("outcome", "held"), ("mode", "phone")],
    )
    .await;
    w.clock.set(at("2026-11-20 10:00"));
    let meeting = format!("{conf}/meeting");
    step(&mut chair, &meeting, &format!("{conf}/start"), &[]).await;
    // MEET-03: no audio recording without every parent's consent; the chair is told whose is missing.
    let no_consent = refused(&mut chair, &format!("{conf}/recording"), &format!("{conf}/audio-recording"), &[]).await;
    assert!(
        no_consent.body.contains("consent has not been recorded for Mia Brook"),
        "{}",
        error_summary(&no_consent.body)
    );
    let mut notes = w.as_user(&w.notes).await;
    step(
        &mut notes,
        &format!("{conf}/recording"),
        &format!("{conf}/recording-consents"),
        &[("adult_id", "fam1-mum"), ("consents", "yes")],
    )
    .await;
    step(&mut chair, &format!("{conf}/recording"), &format!("{conf}/audio-recording"), &[]).await;
    assert!(chair.get(&format!("{conf}/recording")).await.body.contains("Being recorded"));
    for n in ["2", "3", "4"] {
        step(
            &mut notes,
            &format!("{meeting}/attendance"),
            &format!("{conf}/attendance"),
            &[("invitation", n), ("presence", "in-person")],
        )
        .await;
    }
    for child in ["amy", "ben"] {
        for p in ["p-sw", "p-school", "p-police"] {
            step(
                &mut chair,
                &format!("{meeting}/views"),
                &format!("{conf}/professional-views"),
                &[("professional_id", p), ("child_id", child), ("view", "plan"), ("reasons", "From my report.")],
            )
            .await;
        }
        step(
            &mut chair,
            &format!("{meeting}/decisions"),
            &format!("{conf}/decisions"),
            &[
                ("child_id", child),
                ("outcome", "child-protection-plan"),
                ("category", "neglect"),
                ("continuing_risk", "yes"),
            ],
        )
        .await;
    }
    step(&mut chair, &format!("{meeting}/close"), &format!("{conf}/close"), &[]).await;

    // The review follows it: the chair is suggested again (CHAIR-02) and the exclusion is shown
    // to be decided again, never carried over (EXC-05).
    w.clock.set(at("2026-12-01 09:00"));
    let form = sw.get("/families/fam1/conferences/new?kind=review").await;
    assert!(form.body.contains(&format!("value=\"{id}\"")), "the held conference is offered: {}", form.body);
    let done = sw
        .submit(
            &form,
            "/families/fam1/conferences/new",
            &[
                ("kind", "review"),
                ("previous_conference_id", &id),
                ("children", "amy"),
                ("children", "ben"),
                ("reason", "First review."),
                ("concerns", "neglect"),
                ("family_members", "fam1-mum"),
                ("professionals", "p-sw"),
                ("professionals", "p-school"),
                ("professionals", "p-police"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", error_summary(&done.body));
    let review = done.location.unwrap().split('?').next().unwrap().to_owned();
    let mut coord = w.as_user(&w.coord).await;
    let page = coord.get(&review).await;
    assert!(page.body.contains("Review child protection conference"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"{conf}\"")), "the review links to the conference it follows");
    assert!(page.body.contains("Test chair, who chaired the conference before"), "CHAIR-02 suggestion shown");
    let schedule = coord.get(&format!("{review}/schedule")).await;
    assert!(schedule.body.contains(&format!("value=\"{}\" selected", w.chair)), "and chosen in the scheduling form");
    let exclusions = coord.get(&format!("{review}/exclusions")).await;
    assert!(exclusions.body.contains("Exclusions at the previous conference"), "{}", exclusions.body);
    assert!(exclusions.body.contains("Not decided yet"));
    let chair_id: &str = &w.chair;
    step(
        &mut coord,
        &format!("{review}/schedule"),
        &format!("{review}/schedule"),
        &[("date", "2027-01-15"), ("time", "10:00"), ("venue", "Room 4"), ("chair_id", chair_id)],
    )
    .await;
    // Excluding again needs a fresh exclusion first: the domain says so.
    let again = refused(
        &mut chair,
        &format!("{review}/exclusions"),
        &format!("{review}/exclusions/previous"),
        &[("adult_id", "fam1-mum"), ("outcome", "excluded-again")],
    )
    .await;
    assert!(again.body.contains("the new exclusion for this conference"), "{}", error_summary(&again.body));
    step(
        &mut chair,
        &format!("{review}/exclusions"),
        &format!("{review}/exclusions/previous"),
        &[("adult_id", "fam1-mum"), ("outcome", "not-excluded")],
    )
    .await;
    let page = chair.get(&format!("{review}/exclusions")).await;
    assert!(page.body.contains("Not excluded from this conference (decided 1 December 2026)"), "{}", page.body);
    // Children cannot be taken out once the meeting has started: no form, and the domain's
    // reason if the form is sent anyway.
    let mut coord = w.as_user(&w.coord).await;
    let closed = coord.get(&format!("{conf}/children")).await;
    assert_eq!(closed.status, StatusCode::OK);
    assert!(!closed.body.contains("Take a child out of this conference"));
    // (No form on the page, so the version is read from the store.)
    let stored_version = confer_store::conferences::load(&w.app.db, &id).await.unwrap().version.to_string();
    let res = coord
        .submit(
            &closed,
            &format!("{conf}/children/remove"),
            &[("version", &stored_version), ("child_id", "ben"), ("reason", "Moved away.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("only before the meeting starts"), "{}", error_summary(&res.body));
}
