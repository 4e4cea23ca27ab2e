//! Calendar invitations (issue 14) parsed back by a calendar library (icalendar's parser):
//! METHOD:REQUEST with a UID and SEQUENCE, the same UID with a higher SEQUENCE when the date
//! changes, METHOD:CANCEL when cancelled, and no family or child names in it.

use chrono::{TimeZone, Utc};
use confer_docs::ics::{invite, Invite, Method};
use icalendar::parser::read_calendar;

fn sample(method: Method, sequence: u32, day: u32) -> String {
    invite(&Invite {
        uid: "conference-0192-abc@confer.example",
        sequence,
        method,
        start: Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
        summary: "Child protection conference (Example Council)",
        description: "See the invitation letter for what happens at the conference.",
        location: Some("Civic Centre, room 2"),
        video_link: None,
        stamp: Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap(),
        organizer: Some("conferences@example.gov.uk"),
    })
}

fn props(text: &str) -> (Option<String>, Vec<(String, String)>) {
    let unfolded = icalendar::parser::unfold(text);
    let cal = read_calendar(&unfolded).expect("parses");
    let method = cal.properties.iter().find(|p| p.name == "METHOD").map(|p| p.val.to_string());
    let event = cal.components.iter().find(|c| c.name == "VEVENT").expect("an event");
    (method, event.properties.iter().map(|p| (p.name.to_string(), p.val.to_string())).collect())
}

fn get<'a>(p: &'a [(String, String)], name: &str) -> Option<&'a str> {
    p.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[test]
fn inv_01_invitation_is_a_request_then_an_update_with_the_same_uid_then_a_cancel() {
    let (m1, first) = props(&sample(Method::Request, 0, 20));
    assert_eq!(m1.as_deref(), Some("REQUEST"));
    assert_eq!(get(&first, "UID"), Some("conference-0192-abc@confer.example"));
    assert_eq!(get(&first, "SEQUENCE"), Some("0"));
    assert_eq!(get(&first, "DTSTART"), Some("20261120T100000Z"));
    let (m2, moved) = props(&sample(Method::Request, 1, 27));
    assert_eq!(m2.as_deref(), Some("REQUEST"));
    assert_eq!(get(&moved, "UID"), get(&first, "UID"));
    assert_eq!(get(&moved, "SEQUENCE"), Some("1"));
    assert_eq!(get(&moved, "DTSTART"), Some("20261127T100000Z"));
    let (m3, cancelled) = props(&sample(Method::Cancel, 2, 27));
    assert_eq!(m3.as_deref(), Some("CANCEL"));
    assert_eq!(get(&cancelled, "STATUS"), Some("CANCELLED"));
    assert_eq!(get(&cancelled, "UID"), get(&first, "UID"));
    let text = sample(Method::Request, 0, 20);
    assert!(text.contains("\r\n"), "CRLF line ends");
    assert!(!text.contains("Brook") && !text.contains("Amy"), "no family or child names");
}
