//! Calendar invitations (.ics, RFC 5545) for a conference invitation e-mail: METHOD:REQUEST
//! when sent or when the date changes (the same UID, a higher SEQUENCE), METHOD:CANCEL when
//! the conference is cancelled. Nothing in it names the family or a child: the summary is the
//! kind of meeting and the authority, the description points to the invitation letter.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// REQUEST (invite or update) or CANCEL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
}

/// What the calendar entry says. `uid` stays the same for the life of the conference;
/// `sequence` goes up with every change of date, time or place.
#[derive(Debug, Clone)]
pub struct Invite<'a> {
    pub uid: &'a str,
    pub sequence: u32,
    pub method: Method,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// "Child protection conference (Example Council)": no family or child names.
    pub summary: &'a str,
    /// What the entry's notes say (in the recipient's language).
    pub description: &'a str,
    pub location: Option<&'a str>,
    pub video_link: Option<&'a str>,
    pub stamp: DateTime<Utc>,
    /// The organiser's address (the authority's sending address), if known.
    pub organizer: Option<&'a str>,
}

/// The .ics text (CRLF line ends, as RFC 5545 requires).
pub fn invite(i: &Invite<'_>) -> String {
    let mut event = Event::new();
    event
        .uid(i.uid)
        .sequence(i.sequence)
        .timestamp(i.stamp)
        .starts(i.start)
        .ends(i.end)
        .summary(i.summary)
        .description(i.description);
    if let Some(l) = i.location {
        event.location(l);
    }
    if let Some(v) = i.video_link {
        event.url(v);
    }
    if let Some(o) = i.organizer {
        event.add_property("ORGANIZER", format!("mailto:{o}"));
    }
    match i.method {
        Method::Request => event.status(EventStatus::Confirmed),
        Method::Cancel => event.status(EventStatus::Cancelled),
    };
    let mut cal = Calendar::new();
    cal.append_property(("METHOD", if i.method == Method::Request { "REQUEST" } else { "CANCEL" }));
    cal.push(event.done());
    cal.done().to_string()
}
