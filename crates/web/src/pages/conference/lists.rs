//! The lists of conferences: the chair's dashboard and the coordinator's list.

use super::rows::{state_tag, time_text, tracker, Tracker};
use crate::api_conferences::Rules;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::to_app;
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Days, NaiveDate};
use confer_domain::conference::*;
use confer_domain::words::Words;
use confer_store::conferences::{self, ConferenceRow};
use confer_store::list_summary::{self, Summary};

/// A conference as a row of a list.
pub struct Row {
    pub id: String,
    pub date: String,
    pub time: String,
    pub family: String,
    pub kind: String,
    pub state: String,
    pub state_tag: &'static str,
    pub children: String,
    pub due_by: String,
    pub late: bool,
    pub tracker: Option<Tracker>,
    pub record_due: String,
    pub record_overdue: bool,
}

/// A row from the conference's columns and either its list summary or its document (the
/// chair's records to approve, which need the document anyway).
fn row_of(words: &Words, r: &ConferenceRow, facts: Facts<'_>, today: NaiveDate) -> Row {
    let kind = match facts {
        Facts::Document(c) => Some(c.kind()),
        _ => None,
    }
    .or_else(|| ConferenceKind::parse(&r.kind))
    .map(|k| words.kind(k))
    .unwrap_or("");
    let state = ConferenceState::parse(&r.state).unwrap_or(ConferenceState::Requested);
    let (time, children, tracker) = match facts {
        Facts::Document(c) => (
            time_text(c),
            c.children().iter().map(|ch| ch.name.clone()).collect::<Vec<_>>().join(", "),
            Some(tracker(c)),
        ),
        Facts::Summary(s) => (
            s.time.clone(),
            s.children.clone(),
            Some(Tracker {
                invited: count(s.invited),
                attending: count(s.attending),
                not_attending: count(s.not_attending),
                no_answer: count(s.no_answer),
            }),
        ),
        Facts::None => (String::new(), r.children.to_string(), None),
    };
    Row {
        id: r.id.clone(),
        date: r.date.as_ref().map(view::long_date).unwrap_or_else(|| "Not yet scheduled".into()),
        time,
        family: r.family_name.clone(),
        kind: kind.to_owned(),
        state: state.label().to_owned(),
        state_tag: state_tag(state),
        children,
        due_by: r.due_by.as_ref().map(view::long_date).unwrap_or_default(),
        late: match (r.date, r.due_by) {
            (Some(d), Some(due)) => d > due,
            (None, Some(due)) => today > due,
            _ => false,
        },
        tracker,
        record_due: String::new(),
        record_overdue: false,
    }
}

/// What a row is made from besides the conference's columns.
#[derive(Clone, Copy)]
enum Facts<'a> {
    Document(&'a Conference),
    Summary(&'a Summary),
    None,
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// The rows of a list, from the conferences' columns and their list summaries (issue 12: one
/// query of small rows, not every conference's document).
async fn rows_with_summaries(
    state: &SharedState,
    words: &Words,
    rows: &[ConferenceRow],
    today: NaiveDate,
) -> Result<Vec<Row>, AppError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let summaries = list_summary::of_many(&state.db, &ids).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let facts = summaries.get(&r.id).map(Facts::Summary).unwrap_or(Facts::None);
            row_of(words, r, facts, today)
        })
        .collect())
}

#[derive(Template)]
#[template(path = "conferences_chair.html")]
struct ChairPage<'a> {
    page: &'a Page,
    groups: Vec<(&'static str, Vec<Row>)>,
    records: Vec<Row>,
    today_text: String,
}

/// The chair's dashboard: today, this week, later, and records to approve (MIN-02/03).
pub async fn chair(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page(ctx.words.nav_yours, "/conferences/chair");
    let today = state.settings.clock.today();
    let me = &ctx.actor.user_id;
    let week_end = today.checked_add_days(Days::new(7)).unwrap_or(today);
    let later = today.checked_add_days(Days::new(90)).unwrap_or(today);
    let soon = conferences::chaired_between(&state.db, me, today, later).await?;
    let all = rows_with_summaries(&state, ctx.words, &soon, today).await?;
    let (mut today_rows, mut week, mut upcoming) = (Vec::new(), Vec::new(), Vec::new());
    for (row, r) in all.into_iter().zip(soon.iter()) {
        match r.date {
            Some(d) if d == today => today_rows.push(row),
            Some(d) if d < week_end => week.push(row),
            _ => upcoming.push(row),
        }
    }
    // Closed conferences of the last year whose record is not approved yet.
    let rules = Rules::load(&state, &ctx.actor.authority_id).await.map_err(to_app)?;
    let year_ago = today.checked_sub_days(Days::new(366)).unwrap_or(today);
    let past = conferences::chaired_records_to_approve(&state.db, me, year_ago, today).await?;
    // One read event naming every family this list shows (issue 10).
    let listed: Vec<&str> = soon.iter().chain(past.iter().map(|(r, _)| r)).map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &state.db,
        ctx.actor.authority_id.as_str(),
        ctx.actor_id(),
        "conferences.chair",
        &listed,
    )
    .await?;
    let mut records = Vec::new();
    for (r, stored) in &past {
        let c = &stored.conference;
        let mut row = row_of(ctx.words, r, Facts::Document(c), today);
        if let Some(due) = c.date().and_then(|d| c.record_due_by(&rules.policy(d), &rules.calendar)) {
            row.record_due = view::long_date(&due);
            row.record_overdue = today > due;
        }
        row.state =
            if c.record().draft.is_some() { "Draft ready to approve".into() } else { "Draft not written yet".into() };
        records.push(row);
    }
    records.sort_by_key(|r| !r.record_overdue);
    Ok(view::render(&ChairPage {
        page: &page,
        groups: vec![("Today", today_rows), ("Later this week", week), ("Coming up", upcoming)],
        records,
        today_text: view::long_date(&today),
    }))
}

#[derive(Template)]
#[template(path = "conferences_list.html")]
struct ListPage<'a> {
    page: &'a Page,
    requested: Vec<Row>,
    /// How many requests wait in all (the list shows the first [`LIST_FIRST`]).
    requested_total: i64,
    groups: Vec<Group>,
}

/// A group of the coordinator's list: its caption, the rows shown and how many there are.
struct Group {
    caption: &'static str,
    rows: Vec<Row>,
    total: i64,
}

/// How many rows each part of the coordinator's list shows (the most urgent first).
const LIST_FIRST: i64 = 100;

/// The coordinator's list: requests waiting to be scheduled (most urgent first), and the
/// conferences coming up with where their invitations stand (INV-04). At national scale each
/// part shows its first 100, read in order from an index, and says how many there are.
pub async fn list(State(state): State<SharedState>, ctx: Ctx) -> Result<Response, AppError> {
    let page = ctx.page(ctx.words.nav_all, "/conferences");
    let today = state.settings.clock.today();
    let (db, authority) = (&state.db, &ctx.actor.authority_id);
    let requested = conferences::waiting_to_be_scheduled(db, authority, LIST_FIRST).await?;
    let filter = |s: ConferenceState| conferences::Filter {
        state: Some(s),
        from: Some(today),
        to: None,
        limit: LIST_FIRST,
        offset: 0,
    };
    let waiting = filter(ConferenceState::Requested);
    let requested_total = conferences::count(db, authority, &conferences::Filter { from: None, ..waiting }).await?;
    let upcoming_filter = filter(ConferenceState::Scheduled);
    let upcoming = conferences::list(db, authority, &upcoming_filter).await?;
    let upcoming_total = conferences::count(db, authority, &upcoming_filter).await?;
    let live_filter = conferences::Filter { from: None, ..filter(ConferenceState::InProgress) };
    let live = conferences::list(db, authority, &live_filter).await?;
    let live_total = conferences::count(db, authority, &live_filter).await?;
    // One read event naming every family this list shows (issue 10).
    let listed: Vec<&str> = requested.iter().chain(&upcoming).chain(&live).map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(db, authority.as_str(), ctx.actor_id(), "conferences", &listed).await?;
    let requested = rows_with_summaries(&state, ctx.words, &requested, today).await?;
    let upcoming = rows_with_summaries(&state, ctx.words, &upcoming, today).await?;
    let live = rows_with_summaries(&state, ctx.words, &live, today).await?;
    let groups = vec![
        Group { caption: "Coming up", rows: upcoming, total: upcoming_total },
        Group { caption: "In progress", rows: live, total: live_total },
    ];
    Ok(view::render(&ListPage { page: &page, requested, requested_total, groups }))
}
