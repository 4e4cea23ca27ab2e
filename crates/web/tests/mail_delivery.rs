//! The outbox delivered by e-mail, end to end: a real SMTP server on loopback (the `mailin`
//! protocol crate driven over real sockets) receives what the delivery worker sends through
//! lettre. A portal sign-in code asked for on the web arrives and signs the person in;
//! invitations, a new date and a cancellation reach every invitee; a relay that refuses or is
//! down leads to retries with backoff, then "failed", and the message is kept and can be tried
//! again; two workers never send the same message twice; a worker that stops mid-send loses
//! nothing. Runs on SQLite, and on PostgreSQL with CONFER_TEST_DATABASE=postgres.

mod common;
use chrono::{Duration as Span, NaiveDate, Utc};
use common::*;
use confer_domain::conference::*;
use confer_domain::*;
use confer_store::conferences::{self, Change};
use confer_store::outbox::{self, Retry};
use confer_store::{otp, users, Db};
use confer_web::mail::{self, MailSettings, Relay, SmtpRelay};
use mailin::{response, Handler, Response};
use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const FROM: &str = "Testshire Conferences <conferences@testshire.example>";

// ---------------------------------------------------------------------------------------
// A real SMTP server on loopback.

/// One message as the server received it.
#[derive(Debug, Clone)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(v) = value.as_mut() {
                    v.push_str(line.trim_start_matches(['\t']));
                }
                continue;
            }
            if value.is_some() {
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                if n.eq_ignore_ascii_case(name) {
                    value = Some(v.trim().to_owned());
                }
            }
        }
        value
    }

    /// The body as the person reads it (quoted-printable decoded): the text part of a
    /// message with a calendar invitation.
    fn body(&self) -> String {
        match self.parts() {
            None => {
                let raw = self.data.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
                decode_part(self.data.split("\r\n\r\n").next().unwrap_or(""), raw)
            }
            Some(parts) => {
                let (head, body) = parts
                    .iter()
                    .find(|(h, _)| header_in(h, "Content-Type").is_some_and(|t| t.starts_with("text/plain")))
                    .expect("a text part");
                decode_part(head, body)
            }
        }
    }

    /// The parts of a multipart message (head, raw body), or None for a single part.
    fn parts(&self) -> Option<Vec<(String, String)>> {
        let content_type = self.header("Content-Type")?;
        if !content_type.starts_with("multipart/") {
            return None;
        }
        let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"').to_owned();
        let delimiter = format!("--{boundary}");
        let raw = self.data.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        let mut out = Vec::new();
        for chunk in raw.split(delimiter.as_str()).skip(1) {
            if chunk.starts_with("--") {
                break;
            }
            let chunk = chunk.trim_start_matches("\r\n");
            let (head, body) = chunk.split_once("\r\n\r\n").unwrap_or((chunk, ""));
            out.push((head.to_owned(), body.trim_end_matches("\r\n").to_owned()));
        }
        Some(out)
    }

    /// The calendar invitation attached (Content-Type, the .ics text), if any.
    fn calendar(&self) -> Option<(String, String)> {
        let parts = self.parts()?;
        let (head, body) =
            parts.iter().find(|(h, _)| header_in(h, "Content-Type").is_some_and(|t| t.starts_with("text/calendar")))?;
        Some((header_in(head, "Content-Type").unwrap(), decode_part(head, body)))
    }
}

/// A header of a head (folded lines joined).
fn header_in(head: &str, name: &str) -> Option<String> {
    let mut value: Option<String> = None;
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = value.as_mut() {
                v.push_str(line.trim_start_matches(['\t']));
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((n, v)) = line.split_once(':') {
            if n.eq_ignore_ascii_case(name) {
                value = Some(v.trim().to_owned());
            }
        }
    }
    value
}

/// A part's body as text: quoted-printable or base64 decoded, CRLF kept as sent for
/// calendars and made LF for text.
fn decode_part(head: &str, raw: &str) -> String {
    let encoding = header_in(head, "Content-Transfer-Encoding").unwrap_or_default().to_ascii_lowercase();
    let is_text = !header_in(head, "Content-Type").is_some_and(|t| t.starts_with("text/calendar"));
    if is_text {
        assert_ne!(encoding, "base64", "plain text is readable as sent");
    }
    let bytes: Vec<u8> = match encoding.as_str() {
        "quoted-printable" => {
            let joined = raw.replace("=\r\n", "");
            let b = joined.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'=' {
                    if let Some(Ok(x)) = joined.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                        out.push(x);
                        i += 3;
                        continue;
                    }
                }
                out.push(b[i]);
                i += 1;
            }
            out
        }
        "base64" => base64_decode(&raw.replace("\r\n", "")),
        _ => raw.as_bytes().to_vec(),
    };
    let text = String::from_utf8(bytes).unwrap();
    if is_text {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[derive(Default)]
struct Shared {
    /// Refuse every recipient with this code (a relay that says no).
    refuse: Mutex<Option<u16>>,
    received: Mutex<Vec<Received>>,
    connections: Mutex<usize>,
}

#[derive(Clone)]
struct Recorder {
    shared: Arc<Shared>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.from = from.to_owned();
        self.to.clear();
        self.data.clear();
        response::OK
    }
    fn rcpt(&mut self, to: &str) -> Response {
        if let Some(code) = *self.shared.refuse.lock().unwrap() {
            return Response::custom(code, "5.7.1 Relaying denied".into());
        }
        self.to.push(to.to_owned());
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let data = String::from_utf8_lossy(&self.data).into_owned();
        self.shared.received.lock().unwrap().push(Received { from: self.from.clone(), to: self.to.clone(), data });
        response::OK
    }
}

struct SmtpServer {
    port: u16,
    shared: Arc<Shared>,
}

impl SmtpServer {
    async fn start() -> SmtpServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, peer)) = listener.accept().await else { return };
                *s.connections.lock().unwrap() += 1;
                let handler = Recorder { shared: s.clone(), from: String::new(), to: vec![], data: vec![] };
                tokio::spawn(async move {
                    let mut session = mailin::SessionBuilder::new("smtp.test").build(peer.ip(), handler);
                    let (read, mut write) = socket.into_split();
                    let mut read = BufReader::new(read);
                    let _ = write.write_all(&session.greeting().buffer().unwrap()).await;
                    let mut line = Vec::new();
                    loop {
                        line.clear();
                        match read.read_until(b'\n', &mut line).await {
                            Ok(0) | Err(_) => return,
                            Ok(_) => {}
                        }
                        let res = session.process(&line);
                        if res.action != mailin::Action::NoReply {
                            let _ = write.write_all(&res.buffer().unwrap()).await;
                        }
                        if res.action == mailin::Action::Close {
                            return;
                        }
                    }
                });
            }
        });
        SmtpServer { port, shared }
    }

    fn refuse(&self, code: Option<u16>) {
        *self.shared.refuse.lock().unwrap() = code;
    }

    fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    fn connections(&self) -> usize {
        *self.shared.connections.lock().unwrap()
    }

    /// Waits (at most 20 s) until `n` messages have arrived.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} messages, the SMTP server has {}", self.received().len());
    }

    fn settings(&self) -> MailSettings {
        settings_for(self.port)
    }
}

fn settings_for(port: u16) -> MailSettings {
    let relay = SmtpRelay::parse(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap();
    let mut s = MailSettings::new(Relay::Smtp(relay), FROM).unwrap();
    s.poll = Duration::from_millis(100);
    s
}

/// A delivery worker running until the test ends.
struct Worker {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    fn start(db: &Db, settings: MailSettings) -> Worker {
        let (stop, rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(mail::run(db.clone(), settings, rx));
        Worker { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

fn message_id_of(outbox_id: &str) -> String {
    format!("<{outbox_id}@testshire.example>")
}

// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_portal_sign_in_code_asked_for_on_the_web_arrives_by_smtp_and_signs_the_person_in() {
    let app = start().await;
    staff(&app, "parent.one", &[Role::Parent], None).await;
    let email = "parent.one@council.example";
    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());

    let mut b = Browser::new(&app);
    let page = b.get("/portal/sign-in").await;
    let res = b.submit(&page, "/portal/sign-in", &[("email", email), ("lang", "en")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    let got = smtp.wait_for(1).await;
    let m = &got[0];
    assert_eq!(m.to, vec![email.to_owned()]);
    assert!(m.from.contains("conferences@testshire.example"), "{}", m.from);
    assert_eq!(m.header("Subject").as_deref(), Some("Your confer sign-in code / Eich cod mewngofnodi confer"));
    assert!(m.header("From").unwrap().contains("conferences@testshire.example"));
    assert_eq!(m.header("To").as_deref(), Some(email));
    let ids = outbox::ids_for(&app.db, email).await.unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(m.header("Message-ID"), Some(message_id_of(&ids[0])), "the Message-ID comes from the outbox row");
    let body = m.body();
    assert!(body.contains("Eich cod mewngofnodi yw"), "{body}");
    let code: String = body.split("code is ").nth(1).unwrap().chars().take(6).collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{code}");

    // The code from the e-mail signs the person in.
    let code_page = b.get(res.location.as_deref().unwrap()).await;
    let ok = b.submit(&code_page, "/portal/sign-in/code", &[("email", email), ("code", &code), ("lang", "en")]).await;
    assert_eq!(ok.location.as_deref(), Some("/portal"));

    let state = outbox::state(&app.db, &ids[0]).await.unwrap().unwrap();
    assert_eq!((state.status.as_str(), state.attempts), ("sent", 1));
    worker.stop().await;
    assert_eq!(smtp.received().len(), 1, "sent once");
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Weekdays;
impl confer_domain::calendar::WorkingCalendar for Weekdays {
    fn is_working_day(&self, _: NaiveDate) -> bool {
        true
    }
    fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        from + chrono::Days::new(days.into())
    }
    fn subtract_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        from - chrono::Days::new(days.into())
    }
}

/// A requested conference for Amy Brook: her mother (with an e-mail address), her father
/// (without) and her teacher (with). Returns the chair's id.
async fn conference(app: &App) -> String {
    let (sw, _) = staff(app, "sw", &[Role::SocialWorker], None).await;
    let (chair, _) = staff(app, "chair", &[Role::Chair], None).await;
    let w = &app.world;
    let school = Agency {
        id: AgencyId::from("ag-school"),
        authority_id: app.authority.id.clone(),
        name: "Brook Primary".into(),
        kind: AgencyKind::Education,
    };
    let teacher = Professional {
        id: "p-teacher".into(),
        agency_id: school.id.clone(),
        name: "Tess Teacher".into(),
        job_title: "Class teacher".into(),
        email: "tess.teacher@school.example".into(),
        user_id: None,
    };
    w.add_professional(school, teacher).await;
    let brooks = w
        .family("fam")
        .named("Brook")
        .worker(&sw)
        .case_id("case")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| a.email = Some("mandy.brook@family.example".into()))
        .father("dad", "Dan")
        .professionals(&["p-teacher"])
        .create()
        .await;
    brooks.requested_conference(w).await;
    chair
}

fn coordinator() -> Acting {
    Acting::new("coord", &[Role::Coordinator], &[])
}

#[tokio::test]
async fn invitations_a_new_date_and_a_cancellation_reach_every_invitee_by_smtp_inv_01_inv_02() {
    let app = start().await;
    let chair = conference(&app).await;
    let chair_account = users::by_id(&app.db, &UserId::from(chair.as_str())).await.unwrap().account;
    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    let slot = |date: &str, hour: u32, venue: &str| Slot {
        date: d(date),
        time: chrono::NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
        venue: Some(venue.into()),
        video_link: Some("https://meet.example.org/brook-family-room".into()),
        chair: chair.as_str().into(),
    };
    let first = slot("2026-11-20", 10, "Room 1, Civic Centre");
    let ((), v) = conferences::save(&app.db, "conf", 1, Change::new("coord", "conference.schedule"), |c| {
        c.schedule(&coordinator(), first, &chair_account, |_| None, None, &Weekdays, d("2026-11-03"), Utc::now())
    })
    .await
    .unwrap();
    // The coordinator invites the family and the teacher; each change sends its invitations.
    let (_, v) = conferences::save(&app.db, "conf", v, Change::new("coord", "conference.invite"), |c| {
        c.invite_family_member(&coordinator(), &"mum".into(), d("2026-11-04"))?;
        c.invite_family_member(&coordinator(), &"dad".into(), d("2026-11-04"))?;
        c.invite_professional(&coordinator(), &"p-teacher".into(), d("2026-11-04"))
    })
    .await
    .unwrap();
    let got = smtp.wait_for(2).await;
    let to_mum = got.iter().find(|m| m.to == ["mandy.brook@family.example"]).expect("the mother is invited");
    let to_teacher = got.iter().find(|m| m.to == ["tess.teacher@school.example"]).expect("the teacher is invited");
    assert_eq!(
        to_mum.header("Subject").as_deref(),
        Some("Invitation to a child protection conference on Friday 20 November 2026")
    );
    let body = to_mum.body();
    for needed in [
        "Testshire County Council invites you",
        "When: Friday 20 November 2026 at 10:00",
        "Room 1, Civic Centre",
        "bring someone to support you",
        "whether you can come",
    ] {
        assert!(body.contains(needed), "{needed:?} missing from {body}");
    }
    assert!(to_teacher.body().contains("send a report only"), "{}", to_teacher.body());

    // Rescheduling tells everyone invited who has an address.
    let ((), v) = conferences::save(&app.db, "conf", v, Change::new("coord", "conference.reschedule"), |c| {
        c.reschedule(
            &coordinator(),
            slot("2026-11-23", 14, "Room 7, Civic Centre"),
            "The room was double-booked.",
            &chair_account,
            |_| None,
            None,
            &Weekdays,
            d("2026-11-05"),
            Utc::now(),
        )
    })
    .await
    .unwrap();
    let got = smtp.wait_for(4).await;
    let moved: Vec<&Received> = got.iter().filter(|m| m.header("Subject").unwrap().contains("new date")).collect();
    let to: BTreeSet<&str> = moved.iter().map(|m| m.to[0].as_str()).collect();
    assert_eq!(to, BTreeSet::from(["mandy.brook@family.example", "tess.teacher@school.example"]));
    assert!(moved.iter().all(|m| m.body().contains("Monday 23 November 2026 at 14:00") && m.body().contains("Room 7")));

    // Cancelling tells them too.
    conferences::save(&app.db, "conf", v, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "The family moved away.", Utc::now())
    })
    .await
    .unwrap();
    let got = smtp.wait_for(6).await;
    assert_eq!(got.iter().filter(|m| m.header("Subject").unwrap().contains("cancelled")).count(), 2);

    // Nothing restricted or identifying in any e-mail: no child's name, no family name, no
    // reason, no video link (REP-03, EXC-06); every Message-ID is its own outbox row's.
    let mut ids = BTreeSet::new();
    for m in &got {
        let all = format!("{}{}{}", m.data, m.body(), m.calendar().map(|(_, ics)| ics).unwrap_or_default());
        for secret in ["Amy", "Brook", "Neglect", "double-booked", "moved away", "brook-family-room"] {
            assert!(!all.contains(secret), "{secret:?} in an e-mail:\n{all}");
        }
        ids.insert(m.header("Message-ID").unwrap());
    }
    let mut expected = BTreeSet::new();
    for who in ["mandy.brook@family.example", "tess.teacher@school.example"] {
        for id in outbox::ids_for(&app.db, who).await.unwrap() {
            expected.insert(message_id_of(&id));
        }
    }
    assert_eq!(ids, expected);
    worker.stop().await;
    assert_eq!(smtp.received().len(), 6, "each message once");
}

/// One calendar invitation read back by a calendar library (icalendar's parser): the
/// calendar's METHOD and the event's properties (name, value, parameters).
struct Ics {
    method: Option<String>,
    props: Vec<Property>,
}

/// One property of an event: its name, value and parameters (name, value).
type Property = (String, String, Vec<(String, String)>);

impl Ics {
    fn parse(text: &str) -> Ics {
        assert!(text.contains("\r\n"), "CRLF line ends");
        let unfolded = icalendar::parser::unfold(text);
        let cal = icalendar::parser::read_calendar(&unfolded).expect("the .ics parses");
        let method = cal.properties.iter().find(|p| p.name == "METHOD").map(|p| p.val.to_string());
        let events: Vec<_> = cal.components.iter().filter(|c| c.name == "VEVENT").collect();
        assert_eq!(events.len(), 1, "one event");
        let props = events[0]
            .properties
            .iter()
            .map(|p| {
                let params = p
                    .params
                    .iter()
                    .map(|q| (q.key.to_string(), q.val.as_ref().map(|v| v.to_string()).unwrap_or_default()))
                    .collect();
                (p.name.to_string(), p.val.to_string(), params)
            })
            .collect();
        Ics { method, props }
    }
    /// A property's value, with RFC 5545's escapes (\\, \\; \\n \\\\) read.
    fn get(&self, name: &str) -> Option<String> {
        self.props
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\\\", "\\"))
    }
}

/// The calendar invitation of a message, parsed, after checking its part's content type.
fn ics_of(m: &Received, method: &str) -> Ics {
    let (content_type, text) = m.calendar().expect("a calendar invitation is attached");
    let ct = content_type.to_ascii_lowercase();
    assert!(
        ct.starts_with("text/calendar") && ct.contains(&format!("method={}", method.to_ascii_lowercase())),
        "{content_type}"
    );
    let ics = Ics::parse(&text);
    assert_eq!(ics.method.as_deref(), Some(method));
    for secret in ["Amy", "Brook", "Mandy", "Dan", "brook-family-room", "double-booked", "moved away"] {
        assert!(!text.contains(secret), "{secret:?} in the calendar invitation:\n{text}");
    }
    ics
}

#[tokio::test]
async fn each_invitation_carries_a_calendar_entry_updated_with_a_higher_sequence_and_cancelled_with_the_same_uid() {
    let app = start().await;
    let chair = conference(&app).await;
    let chair_account = users::by_id(&app.db, &UserId::from(chair.as_str())).await.unwrap().account;
    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    let slot = |date: &str, hour: u32, venue: &str| Slot {
        date: d(date),
        time: chrono::NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
        venue: Some(venue.into()),
        video_link: Some("https://meet.example.org/brook-family-room".into()),
        chair: chair.as_str().into(),
    };
    let ((), v) = conferences::save(&app.db, "conf", 1, Change::new("coord", "conference.schedule"), |c| {
        c.schedule(
            &coordinator(),
            slot("2026-11-20", 10, "Room 1, Civic Centre"),
            &chair_account,
            |_| None,
            None,
            &Weekdays,
            d("2026-11-03"),
            Utc::now(),
        )
    })
    .await
    .unwrap();
    let (_, v) = conferences::save(&app.db, "conf", v, Change::new("coord", "conference.invite"), |c| {
        c.invite_family_member(&coordinator(), &"mum".into(), d("2026-11-04"))?;
        c.invite_family_member(&coordinator(), &"dad".into(), d("2026-11-04"))?;
        c.invite_professional(&coordinator(), &"p-teacher".into(), d("2026-11-04"))
    })
    .await
    .unwrap();
    let got = smtp.wait_for(2).await;
    let invites: Vec<Ics> = got.iter().map(|m| ics_of(m, "REQUEST")).collect();
    let uid = invites[0].get("UID").unwrap();
    assert!(uid.ends_with("@testshire.example"), "{uid}");
    for ics in &invites {
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()), "one UID for the meeting, whoever receives it");
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("0"));
        // 20 November is GMT: 10:00 in London is 10:00 UTC; two hours are set aside.
        assert_eq!(ics.get("DTSTART").as_deref(), Some("20261120T100000Z"));
        assert_eq!(ics.get("DTEND").as_deref(), Some("20261120T120000Z"));
        assert_eq!(ics.get("STATUS").as_deref(), Some("CONFIRMED"));
        assert_eq!(ics.get("SUMMARY").as_deref(), Some("Child protection conference (Testshire County Council)"));
        let location = ics.get("LOCATION").unwrap();
        let location = location.as_str();
        assert!(location.starts_with("Room 1, Civic Centre, or by video"), "{location}");
        assert_eq!(ics.get("ORGANIZER").as_deref(), Some("mailto:conferences@testshire.example"));
        assert!(ics.get("URL").is_none(), "no video link");
    }

    // A new date: the same UID, the next sequence, the new time and place.
    let ((), v) = conferences::save(&app.db, "conf", v, Change::new("coord", "conference.reschedule"), |c| {
        c.reschedule(
            &coordinator(),
            slot("2026-11-23", 14, "Room 7, Civic Centre"),
            "The room was double-booked.",
            &chair_account,
            |_| None,
            None,
            &Weekdays,
            d("2026-11-05"),
            Utc::now(),
        )
    })
    .await
    .unwrap();
    let got = smtp.wait_for(4).await;
    let moved: Vec<Ics> = got[2..].iter().map(|m| ics_of(m, "REQUEST")).collect();
    for ics in &moved {
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()));
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("1"));
        assert_eq!(ics.get("DTSTART").as_deref(), Some("20261123T140000Z"));
        assert!(ics.get("LOCATION").unwrap().starts_with("Room 7, Civic Centre"));
    }

    // Cancelled: METHOD:CANCEL, STATUS:CANCELLED, the same UID, a higher sequence.
    conferences::save(&app.db, "conf", v, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "The family moved away.", Utc::now())
    })
    .await
    .unwrap();
    let got = smtp.wait_for(6).await;
    worker.stop().await;
    let cancels: Vec<(&Received, Ics)> = got[4..].iter().map(|m| (m, ics_of(m, "CANCEL"))).collect();
    for (m, ics) in &cancels {
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()));
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("2"));
        assert_eq!(ics.get("STATUS").as_deref(), Some("CANCELLED"));
        assert!(m.calendar().unwrap().0.contains("cancellation.ics") || m.data.contains("cancellation.ics"));
    }
    // The sequence is kept in the database: another instance, or this one restarted, goes on
    // from it.
    let row =
        sqlx::query("SELECT sequence FROM calendar_entry WHERE meeting_kind = 'conference' AND meeting_id = 'conf'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&row, "sequence").unwrap(), 2);
    // The father has no address: nothing was sent to him (his letter is the print list's).
    assert_eq!(smtp.received().len(), 6);
}

#[tokio::test]
async fn a_refusing_or_absent_relay_is_retried_with_backoff_then_failed_and_the_message_is_kept() {
    let app = start().await;
    staff(&app, "carer.two", &[Role::Parent], None).await;
    let email = "carer.two@council.example";
    assert_eq!(otp::request(&app.db, email).await.unwrap(), otp::Requested::Sent);
    let id = outbox::ids_for(&app.db, email).await.unwrap().remove(0);
    let retry = Retry {
        max_attempts: 3,
        first_wait: Span::seconds(60),
        longest_wait: Span::minutes(10),
        lease: Span::minutes(5),
    };
    let smtp = SmtpServer::start().await;
    smtp.refuse(Some(550));
    let mut refusing = smtp.settings();
    refusing.retry = retry;
    // A port with nothing listening: the relay is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut down = settings_for(closed);
    down.retry = retry;
    let stamp = |t| confer_store::stamp(t);

    // 1: refused (5xx). Tried again after the first wait, not before.
    let t0 = Utc::now();
    let pass = mail::deliver_due(&app.db, &refusing, "w1", t0).await.unwrap();
    assert_eq!((pass.claimed, pass.retrying), (1, 1));
    assert_eq!(smtp.connections(), 1, "the relay was really asked");
    let s = outbox::state(&app.db, &id).await.unwrap().unwrap();
    assert_eq!((s.status.as_str(), s.attempts), ("pending", 1));
    assert_eq!(s.next_attempt_at, Some(stamp(t0 + Span::seconds(60))));
    let error = s.last_error.unwrap();
    assert!(error.contains("550") && !error.contains('@'), "the kind of failure, never the address: {error}");
    let early = mail::deliver_due(&app.db, &refusing, "w1", t0 + Span::seconds(30)).await.unwrap();
    assert_eq!(early.claimed, 0, "not before its next attempt");

    // 2: the relay is down. The wait doubles.
    let t1 = t0 + Span::seconds(61);
    let pass = mail::deliver_due(&app.db, &down, "w1", t1).await.unwrap();
    assert_eq!(pass.retrying, 1);
    let s = outbox::state(&app.db, &id).await.unwrap().unwrap();
    assert_eq!(s.attempts, 2);
    assert_eq!(s.next_attempt_at, Some(stamp(t1 + Span::seconds(120))));
    assert!(s.last_error.unwrap().starts_with("connection"));
    assert_eq!(mail::deliver_due(&app.db, &down, "w1", t1 + Span::seconds(119)).await.unwrap().claimed, 0);

    // 3: refused again, the last attempt: failed, for a person to look at; kept.
    let t2 = t1 + Span::seconds(121);
    let pass = mail::deliver_due(&app.db, &refusing, "w1", t2).await.unwrap();
    assert_eq!(pass.failed, 1);
    let s = outbox::state(&app.db, &id).await.unwrap().unwrap();
    assert_eq!((s.status.as_str(), s.attempts), ("failed", 3));
    assert_eq!(
        mail::deliver_due(&app.db, &refusing, "w1", t2 + Span::days(1)).await.unwrap().claimed,
        0,
        "no more tries"
    );
    let failed = outbox::failed(&app.db, 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, id);
    assert!(!otp::outbox_for(&app.db, email).await.unwrap().is_empty(), "the message is kept");
    assert!(smtp.received().is_empty());

    // A person fixes the relay and tries again: the same message, with the same Message-ID.
    assert_eq!(outbox::retry_failed(&app.db, None, "test").await.unwrap(), 1);
    smtp.refuse(None);
    let pass = mail::deliver_due(&app.db, &refusing, "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.sent, 1);
    let got = smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("Message-ID"), Some(message_id_of(&id)));
    assert!(got[0].body().contains("Your sign-in code is"));
    let s = outbox::state(&app.db, &id).await.unwrap().unwrap();
    assert_eq!((s.status.as_str(), s.attempts), ("sent", 1));
    let counts = outbox::counts(&app.db).await.unwrap();
    assert_eq!(counts, vec![("sent".to_owned(), 1)]);
    // Giving up and retrying are in the audit trail.
    let events = confer_store::audit::for_entity(&app.db, app.authority.id.as_str(), "outbox", &id, 10).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for a in ["outbox.failed", "outbox.retry", "outbox.sent"] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
}

/// Writes `n` messages straight into the outbox (as the changes that cause them do).
async fn queue(db: &Db, authority: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut tx = db.begin().await.unwrap();
    for i in 0..n {
        let id = confer_store::new_id();
        sqlx::query("INSERT INTO outbox (id, authority_id, channel, recipient, subject, body, created_at) VALUES ($1, $2, 'email', $3, $4, $5, $6)")
            .bind(&id)
            .bind(authority)
            .bind(format!("person{i}@example.org"))
            .bind(format!("Message {i}"))
            .bind(format!("Body {i}"))
            .bind(tx.now())
            .execute(&mut *tx)
            .await
            .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

#[tokio::test]
async fn two_workers_never_send_the_same_message_twice_and_a_stopped_workers_messages_are_not_lost() {
    let app = start().await;
    let la = app.authority.id.as_str();

    // Claims at the same instant take different messages; a claimed message is held.
    let ids = queue(&app.db, la, 20).await;
    let retry = Retry::default();
    let now = Utc::now();
    let (a, b) = tokio::join!(
        outbox::claim(&app.db, "worker-a", now, &retry, 12),
        outbox::claim(&app.db, "worker-b", now, &retry, 12)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let a_ids: BTreeSet<String> = a.iter().map(|m| m.id.clone()).collect();
    let b_ids: BTreeSet<String> = b.iter().map(|m| m.id.clone()).collect();
    assert!(a_ids.is_disjoint(&b_ids), "the same message claimed twice");
    assert_eq!(a_ids.len() + b_ids.len(), 20);
    assert!(outbox::claim(&app.db, "worker-c", now, &retry, 50).await.unwrap().is_empty(), "held by their leases");
    // Both workers stop without a word (a crash). Once the leases run out, every message is
    // claimed again: none is lost, and the attempt is counted.
    let later = now + retry.lease + Span::seconds(1);
    let again = outbox::claim(&app.db, "worker-c", later, &retry, 50).await.unwrap();
    assert_eq!(
        again.iter().map(|m| m.id.clone()).collect::<BTreeSet<_>>(),
        ids.iter().cloned().collect::<BTreeSet<_>>()
    );
    assert!(again.iter().all(|m| m.attempt == 2));
    // A worker that is stopping gives back what it has not tried.
    outbox::release(&app.db, &again, "worker-c").await.unwrap();

    // Two real workers deliver them all, and more, each exactly once.
    let more = queue(&app.db, la, 20).await;
    let smtp = SmtpServer::start().await;
    let mut s = smtp.settings();
    s.batch = 3;
    s.poll = Duration::from_millis(20);
    let w1 = Worker::start(&app.db, s.clone());
    let w2 = Worker::start(&app.db, s);
    let got = smtp.wait_for(40).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    w1.stop().await;
    w2.stop().await;
    let got_after = smtp.received();
    assert_eq!(got_after.len(), 40, "each message once: {} received", got_after.len());
    let message_ids: BTreeSet<String> = got.iter().map(|m| m.header("Message-ID").unwrap()).collect();
    let expected: BTreeSet<String> = ids.iter().chain(more.iter()).map(|i| message_id_of(i)).collect();
    assert_eq!(message_ids, expected);
    for id in ids.iter().chain(more.iter()) {
        let st = outbox::state(&app.db, id).await.unwrap().unwrap();
        assert_eq!(st.status, "sent");
    }
    assert_eq!(outbox::counts(&app.db).await.unwrap(), vec![("sent".to_owned(), 40)]);
}

#[tokio::test]
async fn the_demo_writes_each_message_as_an_eml_file_to_read_the_sign_in_codes() {
    let app = start().await;
    staff(&app, "parent.three", &[Role::Parent], None).await;
    let email = "parent.three@council.example";
    otp::request(&app.db, email).await.unwrap();
    let id = outbox::ids_for(&app.db, email).await.unwrap().remove(0);
    let dir = std::env::temp_dir().join(format!("confer-mail-{}", confer_store::random_secret(6)));
    let s = MailSettings::new(Relay::Directory(dir.clone()), "confer@localhost").unwrap();
    let pass = mail::deliver_due(&app.db, &s, "demo", Utc::now()).await.unwrap();
    assert_eq!(pass.sent, 1);
    let eml = std::fs::read_to_string(dir.join(format!("{id}.eml"))).unwrap();
    assert!(eml.contains(&format!("Message-ID: <{id}@localhost>")), "{eml}");
    assert!(eml.contains("To: parent.three@council.example"));
    assert!(eml.contains("Your sign-in code is"));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn in_wales_the_family_invitation_arrives_in_english_and_welsh_lang_04() {
    let app = start().await;
    sqlx::query("UPDATE authority SET nation = 'wales' WHERE id = $1")
        .bind(app.authority.id.as_str())
        .execute(app.db.pool())
        .await
        .unwrap();
    let chair = conference(&app).await;
    let chair_account = users::by_id(&app.db, &UserId::from(chair.as_str())).await.unwrap().account;
    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    let slot = Slot {
        date: d("2026-11-20"),
        time: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        venue: Some("Neuadd y Sir".into()),
        video_link: None,
        chair: chair.as_str().into(),
    };
    let ((), v) = conferences::save(&app.db, "conf", 1, Change::new("coord", "conference.schedule"), |c| {
        c.schedule(&coordinator(), slot, &chair_account, |_| None, None, &Weekdays, d("2026-11-03"), Utc::now())
    })
    .await
    .unwrap();
    conferences::save(&app.db, "conf", v, Change::new("coord", "conference.invite"), |c| {
        c.invite_family_member(&coordinator(), &"mum".into(), d("2026-11-04"))
    })
    .await
    .unwrap();
    let got = smtp.wait_for(1).await;
    worker.stop().await;
    let body = got[0].body();
    assert!(body.contains("When: Friday 20 November 2026 at 10:00"), "{body}");
    assert!(body.contains("Pryd: Dydd Gwener 20 Tachwedd 2026 am 10:00"), "{body}");
    assert!(body.contains("Gallwch ddod â rhywun i'ch cefnogi"), "the Welsh arrives intact: {body}");
    let ics = ics_of(&got[0], "REQUEST");
    assert_eq!(
        ics.get("SUMMARY").as_deref(),
        Some("Child protection conference / Cynhadledd amddiffyn plant (Testshire County Council)"),
        "in Wales the calendar speaks English and Welsh"
    );
    assert_eq!(ics.get("LOCATION").as_deref(), Some("Neuadd y Sir"));
    let subject = got[0].header("Subject").unwrap();
    assert_eq!(
        subject,
        "Invitation to a child protection conference on Friday 20 November 2026 / \
         Gwahoddiad i gynhadledd amddiffyn plant ar Dydd Gwener 20 Tachwedd 2026"
    );
}

#[tokio::test]
async fn a_recipient_that_is_not_an_address_is_failed_at_once_without_asking_the_relay() {
    let app = start().await;
    let ids = queue(&app.db, app.authority.id.as_str(), 1).await;
    sqlx::query("UPDATE outbox SET recipient = 'not an address' WHERE id = $1")
        .bind(&ids[0])
        .execute(app.db.pool())
        .await
        .unwrap();
    let smtp = SmtpServer::start().await;
    let pass = mail::deliver_due(&app.db, &smtp.settings(), "w1", Utc::now()).await.unwrap();
    assert_eq!(pass.failed, 1);
    assert_eq!(smtp.connections(), 0);
    let s = outbox::state(&app.db, &ids[0]).await.unwrap().unwrap();
    assert_eq!((s.status.as_str(), s.last_error.as_deref()), ("failed", Some("address not valid")));
}

/// QA-01: when the outcome is sent, the parent's e-mail arrives by SMTP with her own feedback
/// link at confer's public address; the link opens her form without signing in; once sent,
/// the outbox keeps no copy of the link.
#[tokio::test]
async fn qa_01_the_feedback_link_arrives_with_the_outcome_by_smtp_and_opens_the_form() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    w.professional("p-school", None).await;
    let f = w
        .family("fam-m")
        .child("m-kid", "KIT", "2012-01-01")
        .mother("m-mum", "Mia")
        .with_adult(|a| a.email = Some("mia.m@example.org".into()))
        .professionals(&["p-school"])
        .create()
        .await;
    let made = f.closed_conference(w).await;
    clock.set(at("2026-11-20 15:00"));
    let conf = f.send_outcome(w, made).await;

    let smtp = SmtpServer::start().await;
    let mut settings = smtp.settings();
    settings.public_url = app.base.clone();
    // The delivery runs on real time; the outbox rows were written at the test's fixed time.
    let worker = Worker::start(&app.db, settings);
    // The invitations sent when the conference was arranged, then the two feedback e-mails.
    let got = smtp.wait_for(4).await;
    worker.stop().await;
    let feedback: Vec<&Received> = got
        .iter()
        .filter(|m| m.header("Subject").as_deref() == Some("Tell us what you thought of the conference"))
        .collect();
    assert_eq!(feedback.len(), 2);
    let to_mia = feedback.iter().find(|m| m.to == vec!["mia.m@example.org".to_owned()]).expect("the parent's e-mail");
    let body = to_mia.body();
    let prefix = format!("{}/feedback/{}/", app.base, conf.id);
    let start = body.find(&prefix).unwrap_or_else(|| panic!("the link in {body}"));
    let link: String = body[start..].split_whitespace().next().unwrap().to_owned();
    assert!(!body.contains("{confer-address}"));
    let to_school =
        feedback.iter().find(|m| m.to == vec!["p-school@example.org".to_owned()]).expect("the school's e-mail");
    assert!(to_school.body().contains("chaired well"));

    let mut anon = Browser::new(&app);
    let form = anon.get(link.trim_start_matches(&app.base)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Did you understand why the meeting was held?"));
    // Sent: the link is no longer kept in the outbox.
    for id in outbox::ids_for(&app.db, "mia.m@example.org").await.unwrap() {
        let state = outbox::state(&app.db, &id).await.unwrap().unwrap();
        assert_eq!(state.status, "sent");
    }
    let kept: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE recipient = 'mia.m@example.org' AND subject = 'Tell us what you thought of the conference'",
    )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, vec![confer_store::feedback::SENT_BODY.to_owned()]);
}

// ---------------------------------------------------------------------------------------
// Core group meetings (issues 13 and 14; CG-01, CG-02).

/// Amy Brook's child protection plan, made by her initial conference on Friday 20 November
/// 2026 (the clock stands at its afternoon): the key worker, the school (an address), her
/// mother Mia (an address, Welsh her first language) and her father Dan (no address) in the
/// core group. Returns the plan's id and the key worker's API token.
async fn planned_for_core_group(app: &App) -> (String, String) {
    let (plan, token, _) = planned_for_core_group_family(app).await;
    (plan, token)
}

/// [`planned_for_core_group`], with the family as made (for its review).
async fn planned_for_core_group_family(app: &App) -> (String, String, confer_store::testing::FamilyMade) {
    use confer_store::tokens::{self, Scope};
    use confer_store::users::AccountKind;
    let w = &app.world;
    let (sw, _) = w.person("sw").roles(&[Role::SocialWorker]).kind(AccountKind::Staff).signs_in().create().await;
    let scopes = [Scope::Read, Scope::Write];
    let token =
        tokens::create_for_days(&app.db, &sw, app.authority.id.as_str(), "api", &scopes, 30, "test").await.unwrap().1;
    w.professional("p-school", None).await;
    let f = w
        .family("fam1")
        .named("Brook")
        .worker(&sw)
        .child("amy", "Amy", "2015-01-01")
        .mother("fam1-mum", "Mia")
        .with_adult(|a| {
            a.email = Some("mia.brook@family.example".into());
            a.communication.first_language = "Welsh".into();
        })
        .father("fam1-dad", "Dan")
        .professionals(&["p-school"])
        .create()
        .await;
    f.planned_conference(w).await;
    let plan = confer_store::plans::of_family(&app.db, "fam1").await.unwrap().remove(0).id;
    (plan, token, f)
}

/// A write to the plan API at the plan's current version: the answer's status and body.
async fn plan_api(app: &App, token: &str, path: &str, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
    let plan_id = path.split('/').nth(4).unwrap();
    let version = confer_store::plans::load(&app.db, plan_id).await.unwrap().version;
    let res = reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("If-Match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// The core group's letters waiting on the print list, by member and kind.
async fn core_group_letters(db: &Db) -> Vec<(String, String)> {
    confer_store::documents_sent::print_list(db, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|(s, _)| s.kind.starts_with("core-group-"))
        .map(|(s, _)| (s.recipient, s.kind))
        .collect()
}

#[tokio::test]
async fn a_core_group_meeting_arranged_moved_and_cancelled_reaches_the_core_group_by_smtp_with_one_calendar_entry_cg_01_cg_02(
) {
    let (app, _clock) = start_at("2026-11-20 14:00").await;
    let (plan, token) = planned_for_core_group(&app).await;
    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    // The conference's own e-mails (its invitations, its outcome) go first.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'email'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let n0 = usize::try_from(before).unwrap();
    smtp.wait_for(n0).await;
    let base = format!("/api/v1/plans/{plan}/core-group-arrangement");

    // CG-01, CG-02: arranged by the due date (4 December): the whole core group is invited.
    let (status, body) = plan_api(
        &app,
        &token,
        &base,
        serde_json::json!({"on": "2026-12-02", "at": "14:00", "venue": "Family Centre, room 3", "online": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["number"], 1);
    let got = smtp.wait_for(n0 + 2).await[n0..].to_vec();
    let to_mia = got.iter().find(|m| m.to == ["mia.brook@family.example"]).expect("the mother is invited");
    let to_school = got.iter().find(|m| m.to == ["p-school@example.org"]).expect("the school is invited");
    // In her language (Welsh), the school's in English.
    assert!(to_mia.body().contains("Pryd: Dydd Mercher 2 Rhagfyr 2026 am 14:00"), "{}", to_mia.body());
    assert!(!to_mia.body().contains("When:"), "Welsh, her language: {}", to_mia.body());
    assert_eq!(
        to_school.header("Subject").as_deref(),
        Some("Invitation to a core group meeting on Wednesday 2 December 2026")
    );
    assert!(to_school.body().contains("Where: Family Centre, room 3, or online"), "{}", to_school.body());
    let invites: Vec<Ics> = [to_mia, to_school].iter().map(|m| ics_of(m, "REQUEST")).collect();
    let uid = invites[0].get("UID").unwrap();
    for ics in &invites {
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()), "one UID for the meeting");
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("0"));
        // 2 December is GMT: 14:00 in London is 14:00 UTC.
        assert_eq!(ics.get("DTSTART").as_deref(), Some("20261202T140000Z"));
        assert_eq!(ics.get("STATUS").as_deref(), Some("CONFIRMED"));
    }
    assert_eq!(invites[1].get("SUMMARY").as_deref(), Some("Core group meeting (Testshire County Council)"));
    assert_eq!(invites[0].get("SUMMARY").as_deref(), Some("Cyfarfod grŵp craidd (Testshire County Council)"));
    // Dan has no address: his invitation is a letter on the print list.
    assert_eq!(
        core_group_letters(&app.db).await,
        [("family-member:fam1-dad".to_owned(), "core-group-invitation".to_owned())]
    );

    // A second arrangement while one stands is refused, with the reason.
    let (status, body) =
        plan_api(&app, &token, &base, serde_json::json!({"on": "2026-12-03", "at": "10:00", "online": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("already arranged"), "{body}");

    // Moved after the due date: refused without the late reason, then moved with it. The
    // same UID with a higher SEQUENCE; Dan's letter not yet printed is replaced.
    let moved = serde_json::json!({"on": "2026-12-08", "at": "10:30", "venue": null, "online": true,
        "reason": "The school nurse is away that week."});
    let (status, body) = plan_api(&app, &token, &format!("{base}/move"), moved.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("late reason"), "{body}");
    let mut late = moved;
    late["late_reason"] = "The school nurse is the only one who knows the family and is away.".into();
    let (status, body) = plan_api(&app, &token, &format!("{base}/move"), late).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = smtp.wait_for(n0 + 4).await[n0..].to_vec();
    let updates: Vec<&Received> = got[2..].iter().collect();
    for m in &updates {
        let ics = ics_of(m, "REQUEST");
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()));
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("1"));
        assert_eq!(ics.get("DTSTART").as_deref(), Some("20261208T103000Z"));
    }
    assert_eq!(
        core_group_letters(&app.db).await,
        [("family-member:fam1-dad".to_owned(), "core-group-moved".to_owned())],
        "the letter with the old day is withdrawn, its replacement waits"
    );

    // Cancelled: METHOD:CANCEL with the same UID and a higher SEQUENCE; Dan never had a
    // letter in hand, so his waiting letter is withdrawn and none is sent.
    let (status, body) = plan_api(
        &app,
        &token,
        &format!("{base}/cancel"),
        serde_json::json!({"reason": "Dan Brook asked for another week."}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = smtp.wait_for(n0 + 6).await[n0..].to_vec();
    for m in &got[4..] {
        let ics = ics_of(m, "CANCEL");
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()));
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("2"));
        assert_eq!(ics.get("STATUS").as_deref(), Some("CANCELLED"));
    }
    assert!(core_group_letters(&app.db).await.is_empty(), "nothing about it is printed");
    let meeting = confer_store::plan_people::meeting_key(&plan, 1);
    let states: Vec<Option<String>> = confer_store::documents_sent::for_meeting(&app.db, &meeting)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.print_state)
        .collect();
    assert_eq!(states, [Some("withdrawn".to_owned()), Some("withdrawn".to_owned())]);

    // Nothing identifying in any message (as read: the subject, the text and the calendar
    // entry): no child, no family, no reasons.
    for m in &got {
        let subject = m.header("Subject").unwrap_or_default();
        let all = format!("{subject}{}{}", m.body(), m.calendar().map(|(_, ics)| ics).unwrap_or_default());
        for secret in ["Amy", "Brook", "Mia", "Dan", "nurse", "another week"] {
            assert!(!all.contains(secret), "{secret:?} in an e-mail:\n{all}");
        }
    }
    // Each change is a version of the plan with its audit events, the chain intact.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE entity_id = $1 AND action LIKE 'plan.core-group.%' ORDER BY seq",
    )
    .bind(&plan)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "plan.core-group.arrange",
            "plan.core-group.told",
            "plan.core-group.move",
            "plan.core-group.told",
            "plan.core-group.cancel",
            "plan.core-group.told"
        ]
    );
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
    worker.stop().await;
    assert_eq!(smtp.received().len(), n0 + 6, "each message once");
}

// ---------------------------------------------------------------------------------------
// LANG-04: every conference message to a person in their language.

/// Amy Brook's conference as in [`conference`], but her mother Mandy (an address) and her
/// father Dan (no address) both speak Welsh as their first language. Returns the chair's id.
async fn welsh_speaking_parents(app: &App) -> String {
    let (sw, _) = staff(app, "sw", &[Role::SocialWorker], None).await;
    let (chair, _) = staff(app, "chair", &[Role::Chair], None).await;
    let w = &app.world;
    w.professional("p-school", None).await;
    let brooks = w
        .family("fam")
        .named("Brook")
        .worker(&sw)
        .case_id("case")
        .child("amy", "Amy", "2015-01-01")
        .mother("mum", "Mandy")
        .with_adult(|a| {
            a.email = Some("mandy.brook@family.example".into());
            a.communication.first_language = "Welsh".into();
        })
        .father("dad", "Dan")
        .with_adult(|a| a.communication.first_language = "Cymraeg".into())
        .professionals(&["p-school"])
        .create()
        .await;
    brooks.requested_conference(w).await;
    chair
}

/// LANG-04: the invitation, the new date and the cancellation reach a Welsh-speaking parent
/// in Welsh alone (her language), by e-mail and, for the parent without an address, as a
/// Welsh letter on the print list; the school hears in the authority's usual language.
async fn a_welsh_speaking_parent_is_invited_moved_and_cancelled_in_welsh(nation: &str) {
    let app = start().await;
    sqlx::query("UPDATE authority SET nation = $2 WHERE id = $1")
        .bind(app.authority.id.as_str())
        .bind(nation)
        .execute(app.db.pool())
        .await
        .unwrap();
    let chair = welsh_speaking_parents(&app).await;
    let chair_account = users::by_id(&app.db, &UserId::from(chair.as_str())).await.unwrap().account;
    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    let slot = |date: &str, venue: &str| Slot {
        date: d(date),
        time: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        venue: Some(venue.into()),
        video_link: None,
        chair: chair.as_str().into(),
    };
    let ((), v) = conferences::save(&app.db, "conf", 1, Change::new("coord", "conference.schedule"), |c| {
        c.schedule(
            &coordinator(),
            slot("2026-11-20", "Neuadd y Sir"),
            &chair_account,
            |_| None,
            None,
            &Weekdays,
            d("2026-11-03"),
            Utc::now(),
        )
    })
    .await
    .unwrap();
    let (_, v) = conferences::save(&app.db, "conf", v, Change::new("coord", "conference.invite"), |c| {
        c.invite_family_member(&coordinator(), &"mum".into(), d("2026-11-04"))?;
        c.invite_family_member(&coordinator(), &"dad".into(), d("2026-11-04"))?;
        c.invite_professional(&coordinator(), &"p-school".into(), d("2026-11-04"))
    })
    .await
    .unwrap();
    let got = smtp.wait_for(2).await;
    let to_mum = got.iter().find(|m| m.to == ["mandy.brook@family.example"]).expect("the mother is invited");
    assert_eq!(
        to_mum.header("Subject").as_deref(),
        Some("Gwahoddiad i gynhadledd amddiffyn plant ar Dydd Gwener 20 Tachwedd 2026"),
        "{nation}: Welsh alone"
    );
    let body = to_mum.body();
    assert!(body.contains("Pryd: Dydd Gwener 20 Tachwedd 2026 am 10:00"), "{nation}: {body}");
    assert!(body.contains("Gallwch ddod â rhywun i'ch cefnogi"), "{nation}: {body}");
    assert!(!body.contains("When:") && !body.contains("invites you"), "{nation}: no English: {body}");
    let ics = ics_of(to_mum, "REQUEST");
    assert_eq!(ics.get("SUMMARY").as_deref(), Some("Cynhadledd amddiffyn plant (Testshire County Council)"));
    let to_school = got.iter().find(|m| m.to == ["p-school@example.org"]).expect("the school is invited");
    let school = to_school.body();
    assert!(school.contains("When: Friday 20 November 2026 at 10:00"), "{school}");
    assert_eq!(school.contains("Pryd:"), nation == "wales", "{nation}: the school as the authority writes: {school}");

    // The father has no address: his invitation letter waits on the print list in Welsh.
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::system());
    let letters = confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!((letters[0].sent.kind.as_str(), letters[0].sent.language.as_str()), ("invitation-letter", "cy"));
    assert!(letters[0].file_name.ends_with("-invitation-letter-cy.pdf"), "{}", letters[0].file_name);
    // The PDF itself, read back by an independent library, is Welsh: its language and words.
    let (text, pdf) = confer_docs::testing::pdf_text(&letters[0].bytes);
    assert_eq!(pdf_language(&pdf).as_deref(), Some("cy"), "the invitation letter's /Lang");
    assert!(text.contains("Gwahoddiad i gynhadledd amddiffyn plant") && text.contains("Annwyl"), "the letter in Welsh: {text}");
    assert!(!text.contains("child protection conference"), "no English in her letter: {text}");
    confer_ops::documents::mark_printed(&ops, &letters[0].sent.id, "test").await.unwrap();

    // A new date: in Welsh to her.
    let ((), v) = conferences::save(&app.db, "conf", v, Change::new("coord", "conference.reschedule"), |c| {
        c.reschedule(
            &coordinator(),
            slot("2026-11-23", "Neuadd y Dref"),
            "The room was double-booked.",
            &chair_account,
            |_| None,
            None,
            &Weekdays,
            d("2026-11-05"),
            Utc::now(),
        )
    })
    .await
    .unwrap();
    let got = smtp.wait_for(4).await;
    let moved = got[2..].iter().find(|m| m.to == ["mandy.brook@family.example"]).expect("the mother is told");
    assert_eq!(
        moved.header("Subject").as_deref(),
        Some("Mae gan gynhadledd amddiffyn plant ddyddiad, amser neu le newydd")
    );
    assert!(moved.body().contains("Pryd: Dydd Llun 23 Tachwedd 2026 am 10:00"), "{}", moved.body());
    assert!(!moved.body().contains("When:"), "{}", moved.body());

    // Cancelled: in Welsh by e-mail, and a Welsh cancellation letter for the father.
    conferences::save(&app.db, "conf", v, Change::new("coord", "conference.cancel"), |c| {
        c.cancel(&coordinator(), "The family moved away.", Utc::now())
    })
    .await
    .unwrap();
    let got = smtp.wait_for(6).await;
    worker.stop().await;
    let cancelled = got[4..].iter().find(|m| m.to == ["mandy.brook@family.example"]).expect("the mother is told");
    assert_eq!(cancelled.header("Subject").as_deref(), Some("Mae cynhadledd amddiffyn plant wedi'i chanslo"));
    assert!(!cancelled.body().contains("cancelled"), "{}", cancelled.body());
    let letters = confer_ops::documents::print_list(&ops, Some(&app.authority.id)).await.unwrap();
    let last = letters.iter().find(|l| l.sent.kind == "cancellation-letter").expect("the cancellation letter");
    assert_eq!(last.sent.language, "cy");
    let (text, pdf) = confer_docs::testing::pdf_text(&last.bytes);
    assert_eq!(pdf_language(&pdf).as_deref(), Some("cy"), "the cancellation letter's /Lang");
    assert!(text.contains("wedi'i chanslo") || text.contains("wedi’i chanslo"), "the cancellation in Welsh: {text}");
    assert!(!text.contains("cancelled"), "no English in her letter: {text}");
}

/// The document language a PDF declares (`/Lang` in its catalogue).
fn pdf_language(doc: &lopdf::Document) -> Option<String> {
    let lang = doc.catalog().ok()?.get(b"Lang").ok()?.as_str().ok()?;
    Some(String::from_utf8_lossy(lang).into_owned())
}

#[tokio::test]
async fn lang_04_in_england_a_welsh_speaking_parent_is_invited_moved_and_cancelled_in_welsh_by_email_and_letter() {
    a_welsh_speaking_parent_is_invited_moved_and_cancelled_in_welsh("england").await;
}

#[tokio::test]
async fn lang_04_in_wales_a_welsh_speaking_parent_is_invited_moved_and_cancelled_in_welsh_alone() {
    a_welsh_speaking_parent_is_invited_moved_and_cancelled_in_welsh("wales").await;
}

/// LANG-04: after the conference, in England, a Welsh-speaking parent's feedback e-mail with
/// the outcome arrives in Welsh; the record sent to her (no language chosen) is her Welsh copy
/// (read back as its accessible HTML), and in English when English is asked for.
#[tokio::test]
async fn lang_04_the_outcome_e_mail_and_the_record_sent_follow_a_welsh_speakers_language() {
    let (app, clock) = start_at("2026-11-03 09:00").await;
    let w = &app.world;
    w.professional("p-school", None).await;
    let f = w
        .family("fam-m")
        .child("m-kid", "KIT", "2012-01-01")
        .mother("m-mum", "Mia")
        .with_adult(|a| {
            a.email = Some("mia.m@example.org".into());
            a.communication.first_language = "Welsh".into();
        })
        .professionals(&["p-school"])
        .create()
        .await;
    let made = f.approved_record_conference(w).await;
    clock.set(at("2026-11-20 15:00"));
    let conf = f.send_outcome(w, made).await;

    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    let got = smtp.wait_for(4).await;
    worker.stop().await;
    let to_mia = got
        .iter()
        .find(|m| {
            m.to == ["mia.m@example.org"]
                && m.header("Subject").as_deref() == Some("Dywedwch wrthym beth oeddech chi'n ei feddwl o'r gynhadledd")
        })
        .unwrap_or_else(|| {
            panic!("her feedback e-mail in Welsh: {:?}", got.iter().map(|m| m.header("Subject")).collect::<Vec<_>>())
        });
    assert!(to_mia.body().contains("Mae Testshire County Council wedi anfon canlyniad"), "{}", to_mia.body());
    assert!(!to_mia.body().contains("We would like to know"), "{}", to_mia.body());
    let to_school = got.iter().find(|m| m.to == ["p-school@example.org"] && m.body().contains("chaired well"));
    assert!(to_school.is_some(), "the school's in English");

    // The coordinator sends the record to her without choosing a language: her Welsh copy.
    let (coord, _) = staff(&app, "coord-cy", &[Role::Coordinator], None).await;
    let actor = confer_domain::access::Actor {
        user_id: UserId::from(coord.as_str()),
        authority_id: app.authority.id.clone(),
        roles: [Role::Coordinator].into_iter().collect(),
    };
    let ops = confer_ops::Ops::new(app.db.clone(), confer_store::clock::Clock::system());
    let version = conferences::load(&app.db, conf.id.as_str()).await.unwrap().version;
    let b =
        confer_ops::conference::DistributeInput { recipient: Recipient::FamilyMember("m-mum".into()), language: None };
    let sent = confer_ops::conference::distribute_record(&ops, &actor, conf.id.as_str(), version, b).await.unwrap();
    let statement = confidentiality_statement(DocumentLanguage::Welsh);
    assert_eq!(sent.result.unwrap()["confidentiality"].as_str(), Some(statement), "her copy carries the Welsh notice");
    let names = std::collections::BTreeMap::new();
    // Read back as its accessible HTML (the same document the PDF is made from).
    let wanted = confer_ops::documents::Wanted { format: confer_docs::Format::Html, ..Default::default() };
    let copy = confer_ops::documents::record_copy_as_sent(&ops, &actor, conf.id.as_str(), 1, wanted, &names)
        .await
        .unwrap()
        .expect("the copy sent");
    assert_eq!(copy.language, DocumentLanguage::Welsh);
    let text = String::from_utf8(copy.bytes).unwrap();
    assert!(text.contains("Cofnod y gynhadledd amddiffyn plant") && text.contains("lang=\"cy\""), "{text}");
    // Asked for English, the same copy in English.
    let english = confer_ops::documents::Wanted { language: Some(DocumentLanguage::English), ..wanted };
    let copy = confer_ops::documents::record_copy_as_sent(&ops, &actor, conf.id.as_str(), 1, english, &names)
        .await
        .unwrap()
        .expect("the copy sent");
    let text = String::from_utf8(copy.bytes).unwrap();
    assert!(text.contains("Record of the child protection conference"), "{text}");
    // The PDF she was sent, read back by an independent library: Welsh, with the Welsh notice.
    let pdf_wanted = confer_ops::documents::Wanted::default();
    let copy = confer_ops::documents::record_copy_as_sent(&ops, &actor, conf.id.as_str(), 1, pdf_wanted, &names)
        .await
        .unwrap()
        .expect("the copy sent");
    let (text, pdf) = confer_docs::testing::pdf_text(&copy.bytes);
    assert_eq!(pdf_language(&pdf).as_deref(), Some("cy"), "the record's /Lang");
    assert!(text.contains("Cofnod y gynhadledd amddiffyn plant"), "the PDF in Welsh: {text}");
    assert!(!text.contains("Record of the child protection conference"), "{text}");

    // REP-04, MIN-03: sent again, this time in English as asked; each copy "as sent" is remade
    // in the language it was sent in, not in her language of today (Welsh).
    let version = conferences::load(&app.db, conf.id.as_str()).await.unwrap().version;
    let b = confer_ops::conference::DistributeInput {
        recipient: Recipient::FamilyMember("m-mum".into()),
        language: Some(DocumentLanguage::English),
    };
    confer_ops::conference::distribute_record(&ops, &actor, conf.id.as_str(), version, b).await.unwrap();
    let stored = conferences::load(&app.db, conf.id.as_str()).await.unwrap();
    let kept: Vec<_> = stored.conference.record().distribution.iter().map(|d| d.language).collect();
    assert_eq!(kept, vec![Some(DocumentLanguage::Welsh), Some(DocumentLanguage::English)], "each sending's language");
    let second = confer_ops::documents::record_copy_as_sent(&ops, &actor, conf.id.as_str(), 2, pdf_wanted, &names)
        .await
        .unwrap()
        .expect("the second copy sent");
    assert_eq!(second.language, DocumentLanguage::English, "as sent: in English");
    let (text, pdf) = confer_docs::testing::pdf_text(&second.bytes);
    assert_eq!(pdf_language(&pdf).as_deref(), Some("en-GB"));
    assert!(text.contains("Record of the child protection conference"), "{text}");
    let first = confer_ops::documents::record_copy_as_sent(&ops, &actor, conf.id.as_str(), 1, pdf_wanted, &names)
        .await
        .unwrap()
        .expect("the first copy sent");
    assert_eq!(first.language, DocumentLanguage::Welsh, "the first sending stays Welsh");
    // A sending kept before the language was remembered is remade in her language, as before.
    let mut old = stored.conference.clone();
    let mut doc = serde_json::to_value(&old).unwrap();
    let dist = doc.pointer_mut("/record/distribution").and_then(|d| d.as_array_mut());
    for d in dist.into_iter().flatten() {
        d.as_object_mut().unwrap().remove("language");
    }
    old = serde_json::from_value(doc).unwrap();
    assert!(old.record().distribution.iter().all(|d| d.language.is_none()), "an older document reads");
}

/// PLAN-05, CG-02: ending a plan while a core group meeting is arranged cancels the meeting in
/// the same transaction: everyone invited gets the cancellation by SMTP (the calendar entry's
/// CANCEL with the same UID and a higher SEQUENCE, the words saying the plan ended), a letter
/// still waiting is withdrawn, the cancellation is audited, and the person ending the plan is
/// told in the answer.
#[tokio::test]
async fn ending_a_plan_cancels_its_arranged_core_group_meeting_by_smtp_plan_05_cg_02() {
    let (app, _clock) = start_at("2026-11-20 14:00").await;
    let (plan, token) = planned_for_core_group(&app).await;
    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'email'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let n0 = usize::try_from(before).unwrap();
    smtp.wait_for(n0).await;
    let base = format!("/api/v1/plans/{plan}/core-group-arrangement");
    let (status, body) = plan_api(
        &app,
        &token,
        &base,
        serde_json::json!({"on": "2026-12-02", "at": "14:00", "venue": "Family Centre, room 3", "online": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = smtp.wait_for(n0 + 2).await[n0..].to_vec();
    let uid = ics_of(&got[0], "REQUEST").get("UID").unwrap();
    assert_eq!(core_group_letters(&app.db).await.len(), 1, "Dan's invitation waits on the print list");

    // The plan ends (the child was adopted): the answer names the meeting cancelled.
    let (status, body) = plan_api(
        &app,
        &token,
        &format!("/api/v1/plans/{plan}/end"),
        serde_json::json!({"reason": "adopted", "details": "Adoption order made.", "on": "2026-11-20"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["core_group_cancelled"]["number"], 1, "{body}");
    assert_eq!(body["core_group_cancelled"]["on"], "2026-12-02", "{body}");
    assert_eq!(body["core_group_cancelled"]["at"], "14:00", "{body}");

    let got = smtp.wait_for(n0 + 4).await[n0..].to_vec();
    let cancels = &got[2..];
    assert_eq!(cancels.len(), 2, "the mother and the school are told");
    for m in cancels {
        let ics = ics_of(m, "CANCEL");
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()), "the same calendar entry");
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("1"), "a higher sequence");
        assert_eq!(ics.get("STATUS").as_deref(), Some("CANCELLED"));
    }
    let to_school = cancels.iter().find(|m| m.to == ["p-school@example.org"]).expect("the school is told");
    assert!(to_school.body().contains("because the plan has ended"), "{}", to_school.body());
    let to_mia = cancels.iter().find(|m| m.to == ["mia.brook@family.example"]).expect("the mother is told");
    assert!(to_mia.body().contains("wedi dod i ben"), "in Welsh, her language: {}", to_mia.body());
    for m in cancels {
        let all = format!("{}{}", m.header("Subject").unwrap_or_default(), m.body());
        for secret in ["Amy", "Brook", "Adoption", "adopted"] {
            assert!(!all.contains(secret), "{secret:?} in an e-mail:\n{all}");
        }
    }
    // Dan never had his letter in hand: it is withdrawn and no cancellation is printed.
    assert!(core_group_letters(&app.db).await.is_empty(), "nothing about it is printed");
    // The plan has ended with nothing arranged; the cancellation is kept with why.
    let stored = confer_store::plans::load(&app.db, &plan).await.unwrap().plan;
    assert!(stored.ended.is_some());
    assert!(stored.arranged_core_group().is_none());
    assert_eq!(stored.arrangements.cancelled.len(), 1);
    assert!(stored.arrangements.cancelled[0].reason.contains("The child was adopted"));
    let arranged_on: Option<String> = sqlx::query_scalar("SELECT core_group_arranged_on FROM plan WHERE id = $1")
        .bind(&plan)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(arranged_on, None, "the lists no longer show the meeting");
    // Audited in the plan's transaction: the end, the cancellation and who was told.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE entity_id = $1 AND action IN ('plan.end', 'plan.core-group.cancel', \
         'plan.core-group.told') ORDER BY seq",
    )
    .bind(&plan)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(actions, ["plan.core-group.told", "plan.end", "plan.core-group.cancel", "plan.core-group.told"]);
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
    worker.stop().await;
    assert_eq!(smtp.received().len(), n0 + 4, "each message once");
}

/// A review of Amy's plan (after the ICPC `conf` of 20 November 2026) held on Friday 27
/// November 2026, decided `outcome` in the store, and closed by the chair through the pages:
/// the closing operation is what prepares the core group's messages.
async fn review_closed_through_the_pages(app: &App, f: &confer_store::testing::FamilyMade, outcome: ChildOutcome) {
    use confer_domain::access::Relationship;
    use confer_domain::nation_decisions::NationDecisions;
    let w = &app.world;
    let mut request = f.initial_request(w);
    request.kind = ConferenceKind::Review;
    request.strategy_discussion_on = None;
    request.enquiry = None;
    request.harm_finding = None;
    request.children[0].current_plan = Some(PlanCategory::Neglect);
    let chair = w.staff_named("chair", &[Role::Chair]).await;
    request.previous = Some(PreviousConference {
        conference_id: "conf".into(),
        held_on: "2026-11-20".parse().unwrap(),
        chair: Some(chair.clone()),
        exclusions: vec![],
    });
    let day: NaiveDate = "2026-11-27".parse().unwrap();
    request.due_by = day;
    let made = f.requested_conference_with(w, "rev1", request).await;
    let made = confer_store::testing::schedule(w, made, &chair, &day.to_string()).await;
    let acting = Acting::new(chair.clone(), &[Role::Chair], &[Relationship::ConferenceChair]);
    let history = confer_store::calendar::policy_history(&app.db, &app.authority).await.unwrap();
    let policy = history.in_force(day).clone();
    let start = day.and_hms_opt(10, 0, 0).unwrap().and_utc();
    conferences::save(&app.db, "rev1", made.version, Change::new(chair.as_str(), "conference.review"), |c| {
        c.start_meeting(&acting, day, start)?;
        let input = DecisionInput {
            child: "amy".into(),
            continuing_risk_of_significant_harm: false,
            outcome,
            inquorate_reason: Some("Fictional test review.".into()),
            reporter_referral: None,
        };
        c.decide(&acting, input, &policy, NationDecisions::for_nation(Nation::England), start)
    })
    .await
    .unwrap_or_else(|e| panic!("the review: {e:?}"));
    // The chair closes it with the form on the meeting's closing page.
    let mut b = Browser::new(app);
    b.session_for(&app.db, chair.as_str()).await;
    let res = step(&mut b, "/conferences/rev1/meeting/close", "/conferences/rev1/close", &[]).await;
    // Issue 13: the chair's answer says which core group meeting the closing cancelled.
    let to = res.location.expect("the answer leads to the meeting's page");
    assert_eq!(to, "/conferences/rev1/meeting?done=close&cancelled=2026-12-02");
    let after = b.get(&to).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(
        after.body.contains(
            "The conference is closed. The note taker can now write the record. The core group meeting on \
             2 December 2026 was cancelled and its members told."
        ),
        "{}",
        after.body
    );
    // Only dates are read from the address: other text there says nothing.
    let forged = b.get("/conferences/rev1/meeting?done=close&cancelled=%3Cscript%3E,not-a-date").await;
    assert!(!forged.body.contains("was cancelled") && !forged.body.contains("<script>"));
}

/// PLAN-05, CG-02: a review conference whose decision ends the plan cancels the plan's
/// arranged core group meeting in the closing's transaction, as ending it by hand does: each
/// member invited gets the cancellation by SMTP in their language (the calendar entry's CANCEL,
/// the same UID, a higher SEQUENCE), a letter still waiting is withdrawn, and the cancellation
/// and who was told are audited.
async fn a_review_ending_the_plan_cancels_its_core_group_meeting(outcome: ChildOutcome) {
    let (app, clock) = start_at("2026-11-20 14:00").await;
    let (plan, token, f) = planned_for_core_group_family(&app).await;
    let (status, body) = plan_api(
        &app,
        &token,
        &format!("/api/v1/plans/{plan}/core-group-arrangement"),
        serde_json::json!({"on": "2026-12-02", "at": "14:00", "venue": "Family Centre, room 3", "online": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(core_group_letters(&app.db).await.len(), 1, "Dan's invitation waits on the print list");

    clock.set(at("2026-11-27 12:00"));
    let stepped_down = outcome == ChildOutcome::EndPlanStepDownToChildInNeed;
    review_closed_through_the_pages(&app, &f, outcome).await;

    let smtp = SmtpServer::start().await;
    let worker = Worker::start(&app.db, smtp.settings());
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'email'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let got = smtp.wait_for(usize::try_from(all).unwrap()).await;
    worker.stop().await;
    let cancels: Vec<&Received> = got
        .iter()
        .filter(|m| m.calendar().is_some_and(|(ct, _)| ct.to_ascii_lowercase().contains("method=cancel")))
        .collect();
    assert_eq!(cancels.len(), 2, "the mother and the school are told, once each");
    let uid = ics_of(cancels[0], "CANCEL").get("UID").unwrap();
    let invitations = got
        .iter()
        .filter(|m| m.calendar().is_some_and(|(ct, _)| ct.to_ascii_lowercase().contains("method=request")))
        .filter(|m| ics_of(m, "REQUEST").get("UID").as_deref() == Some(uid.as_str()))
        .count();
    assert_eq!(invitations, 2, "the CANCEL is of the entry the mother and the school were invited with");
    for m in &cancels {
        let ics = ics_of(m, "CANCEL");
        assert_eq!(ics.get("UID").as_deref(), Some(uid.as_str()), "the same calendar entry");
        assert_eq!(ics.get("SEQUENCE").as_deref(), Some("1"), "a higher sequence");
        assert_eq!(ics.get("STATUS").as_deref(), Some("CANCELLED"));
        let all = format!("{}{}", m.header("Subject").unwrap_or_default(), m.body());
        for secret in ["Amy", "Brook", "review"] {
            assert!(!all.contains(secret), "{secret:?} in an e-mail:\n{all}");
        }
    }
    let to_school = cancels.iter().find(|m| m.to == ["p-school@example.org"]).expect("the school is told");
    assert!(to_school.body().contains("because the plan has ended"), "{}", to_school.body());
    let to_mia = cancels.iter().find(|m| m.to == ["mia.brook@family.example"]).expect("the mother is told");
    assert!(to_mia.body().contains("wedi dod i ben"), "in Welsh, her language: {}", to_mia.body());
    assert!(!to_mia.body().contains("because the plan has ended"), "in Welsh alone: {}", to_mia.body());
    // Dan never had his letter in hand: it is withdrawn and no cancellation is printed.
    assert!(core_group_letters(&app.db).await.is_empty(), "nothing about it is printed");
    // The plan ended by the review, with nothing arranged; the cancellation is kept with why.
    let stored = confer_store::plans::load(&app.db, &plan).await.unwrap().plan;
    let ended = stored.ended.as_ref().expect("ended by the review");
    assert_eq!(ended.reason, confer_domain::plan::EndReason::ReviewDecision);
    assert!(stored.arranged_core_group().is_none());
    assert_eq!(stored.arrangements.cancelled.len(), 1);
    assert!(stored.arrangements.cancelled[0].reason.contains("The plan ended on 2026-11-27"));
    let arranged_on: Option<String> = sqlx::query_scalar("SELECT core_group_arranged_on FROM plan WHERE id = $1")
        .bind(&plan)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(arranged_on, None, "the lists no longer show the meeting");
    // Audited in the conference's transaction: the review's change, the cancellation, who was told.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE entity_id = $1 AND action IN ('plan.review', 'plan.core-group.cancel', \
         'plan.core-group.told') ORDER BY seq",
    )
    .bind(&plan)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(actions, ["plan.core-group.told", "plan.review", "plan.core-group.cancel", "plan.core-group.told"]);
    assert_eq!(confer_store::audit::verify(&app.db).await.unwrap().first_break, None);
    let kinds: Vec<String> =
        confer_store::plans::of_family(&app.db, "fam1").await.unwrap().into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds.iter().any(|k| k == "child-in-need"), stepped_down, "{kinds:?}");
    assert_eq!(smtp.received().len(), got.len(), "each message once");
}

#[tokio::test]
async fn a_review_ending_the_plan_cancels_its_arranged_core_group_meeting_by_smtp_plan_05_cg_02() {
    a_review_ending_the_plan_cancels_its_core_group_meeting(ChildOutcome::EndPlanNoFurtherPlan).await;
}

#[tokio::test]
async fn a_review_stepping_down_to_child_in_need_cancels_the_arranged_core_group_meeting_by_smtp_plan_05_cg_02() {
    a_review_ending_the_plan_cancels_its_core_group_meeting(ChildOutcome::EndPlanStepDownToChildInNeed).await;
}

/// PLAN-05, CG-02, through the pages: the key worker ends the plan with the form on the plan's
/// page (its CSRF token and version); with a core group meeting arranged the answer leads to
/// the plan with the notice that the meeting is cancelled and everyone invited told, and the
/// plan's page shows that notice.
#[tokio::test]
async fn ending_a_plan_through_the_pages_tells_the_key_worker_the_arranged_meeting_is_cancelled_plan_05_cg_02() {
    let (app, _clock) = start_at("2026-11-20 14:00").await;
    let (plan, token) = planned_for_core_group(&app).await;
    let (status, body) = plan_api(
        &app,
        &token,
        &format!("/api/v1/plans/{plan}/core-group-arrangement"),
        serde_json::json!({"on": "2026-12-02", "at": "14:00", "venue": "Family Centre, room 3", "online": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sw = users::by_username(&app.db, "sw").await.unwrap().expect("the key worker").account.id;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, sw.as_str()).await;
    let path = format!("/plans/{plan}");
    let action = format!("/plans/{plan}/end");
    // Refused without a reason: the page again, what was typed kept, nothing cancelled.
    let refused =
        refused(&mut b, &path, &action, &[("reason", ""), ("details", "Adoption order made."), ("on", "")]).await;
    assert!(refused.body.contains("Select why the plan ends"), "{}", error_summary(&refused.body));
    assert!(refused.body.contains("Adoption order made."), "what was typed is kept");
    assert!(confer_store::plans::load(&app.db, &plan).await.unwrap().plan.arranged_core_group().is_some());

    let done = step(
        &mut b,
        &path,
        &action,
        &[("reason", "adopted"), ("details", "Adoption order made."), ("on", "20/11/2026")],
    )
    .await;
    assert_eq!(done.location.as_deref(), Some(format!("/plans/{plan}?done=end-core-group-cancelled").as_str()));
    let page = b.get(done.location.as_deref().unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("The core group meeting that was arranged is cancelled, and everyone invited has been told."),
        "{}",
        page.body
    );
    let stored = confer_store::plans::load(&app.db, &plan).await.unwrap().plan;
    assert!(stored.ended.is_some() && stored.arranged_core_group().is_none());
    // Without the notice parameter the plan's page says nothing of it.
    let plain = b.get(&path).await;
    assert!(!plain.body.contains("everyone invited has been told"));
}

/// PLAN-05, through the pages: a plan with no meeting arranged ends with the plain notice.
#[tokio::test]
async fn ending_a_plan_with_nothing_arranged_through_the_pages_gives_the_plain_notice_plan_05() {
    let (app, _clock) = start_at("2026-11-20 14:00").await;
    let (plan, _) = planned_for_core_group(&app).await;
    let sw = users::by_username(&app.db, "sw").await.unwrap().expect("the key worker").account.id;
    let mut b = Browser::new(&app);
    b.session_for(&app.db, sw.as_str()).await;
    let path = format!("/plans/{plan}");
    let done =
        step(&mut b, &path, &format!("/plans/{plan}/end"), &[("reason", "adopted"), ("details", ""), ("on", "")]).await;
    assert_eq!(done.location.as_deref(), Some(format!("/plans/{plan}?done=end").as_str()));
    let page = b.get(done.location.as_deref().unwrap()).await;
    assert!(page.body.contains("The plan has ended."), "{}", page.body);
    assert!(!page.body.contains("everyone invited has been told"));
}
