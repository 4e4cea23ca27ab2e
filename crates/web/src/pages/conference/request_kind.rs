//! The request form's first question (the kind of conference) and the facts each kind needs
//! (transfer-in, pre-birth), read into the request operation's input.

use crate::api_conferences::Rules;
use crate::error::AppError;
use crate::pages::arrange::opts;
use crate::pages::conferences::{date_field, Opt, Problem, Sent};
use crate::view;
use crate::SharedState;
use chrono::NaiveDate;
use confer_domain::conference::*;
use confer_domain::timescales::DeadlineRule;
use confer_ops::conference;
use confer_store::conferences;
use confer_store::families;
use std::collections::BTreeMap;

#[derive(serde::Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    pub kind: Option<String>,
}

/// What the request page asks for the kind chosen (S47-01, TIME-01..03, CHAIR-02).
pub struct RequestKind {
    pub kind: &'static str,
    pub heading: String,
    pub intro: String,
    pub kinds: Vec<Opt>,
    /// Review: the family's conferences that were held, to follow.
    pub previous: Vec<Opt>,
    /// Transfer-in: each child, to give the plan they arrive with.
    pub plan_children: Vec<(String, String)>,
    pub plan_categories: Vec<Opt>,
    /// Pre-birth: each unborn child with the TIME-03 dates.
    pub unborn: Vec<String>,
    /// INV-08: each adult of the family (field name, name) and the practical needs to choose from.
    pub need_adults: Vec<(String, String)>,
    pub need_kinds: Vec<Opt>,
}

impl RequestKind {
    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }
}

pub async fn request_kind(
    state: &SharedState,
    record: &families::FamilyRecord,
    kind: ConferenceKind,
    words: &'static confer_domain::words::Words,
) -> Result<RequestKind, AppError> {
    // Issue 15: how soon the conference is held is the authority's policy for its nation
    // (TIME-01, TIME-02), never a literal: Scotland's CPPM follows within 28 calendar days.
    let within = |rule: DeadlineRule| async move {
        let rules = Rules::load(state, &record.family.authority_id).await.map_err(crate::pages::conferences::to_app)?;
        let policy = rules.policy(state.settings.clock.today());
        Ok::<String, AppError>(
            rule.timescale(&policy).map_or_else(|| "the time your policy sets".to_owned(), |t| t.to_string()),
        )
    };
    let (heading, intro) = match kind {
        ConferenceKind::Initial => (
            "Request an initial child protection conference",
            format!(
                "Ask for a conference when the strategy discussion and the enquiry found that a child is suffering, or likely to suffer, significant harm. The conference must be held within {} of {}.",
                within(DeadlineRule::InitialConference).await?,
                if words.nation == confer_domain::Nation::Scotland {
                    "the concern, once an investigation has gone ahead"
                } else {
                    "the strategy discussion"
                }
            ),
        ),
        ConferenceKind::Review => (
            "Request a review child protection conference",
            "A review follows the conference before it: the first within 3 months, then every 6 months while the plan lasts. The chair of the conference before is suggested again, and its exclusions are decided again, never carried over.".to_owned(),
        ),
        ConferenceKind::TransferIn => (
            "Request a transfer-in conference",
            format!(
                "For a child on a child protection plan who has moved into this authority. The conference must be held within {} of being told the child moved in.",
                within(DeadlineRule::TransferInConference).await?
            ),
        ),
        ConferenceKind::PreBirth => (
            "Request a pre-birth conference",
            "For an unborn child. It is held by the week of pregnancy in the authority's policy, and never later than 10 working days before the expected date of delivery.".to_owned(),
        ),
    };
    let previous = if kind == ConferenceKind::Review {
        conferences::of_family(&state.db, record.family.id.as_str())
            .await?
            .into_iter()
            .filter(|r| r.state == ConferenceState::Closed.as_str())
            .filter_map(|r| {
                let date = r.date?;
                let label = words.kind_text(&r.kind);
                Some(Opt::new(r.id, format!("{label} held on {}", view::long_date(&date))))
            })
            .collect()
    } else {
        Vec::new()
    };
    let plan_children = record
        .children
        .iter()
        .filter(|c| matches!(c.birth, confer_domain::Birth::Born(_)))
        .map(|c| (format!("plan_{}", c.id), format!("{} {}", c.given_name, c.family_name)))
        .collect();
    let mut unborn = Vec::new();
    if kind == ConferenceKind::PreBirth {
        let rules = Rules::load(state, &record.family.authority_id).await.map_err(crate::pages::conferences::to_app)?;
        let today = state.settings.clock.today();
        for c in &record.children {
            if let confer_domain::Birth::Unborn { expected } = c.birth {
                unborn.push(format!(
                    "{} {}: {}",
                    c.given_name,
                    c.family_name,
                    pre_birth_dates(&rules, expected, today)
                ));
            }
        }
    }
    Ok(RequestKind {
        kind: kind.as_str(),
        heading: words.reword(heading),
        intro: words.reword(&intro),
        kinds: ConferenceKind::ALL.iter().map(|k| Opt::new(k.as_str(), words.kind(*k))).collect(),
        previous,
        plan_children,
        plan_categories: opts(PlanCategory::ALL, |e| (e.as_str(), e.label())),
        unborn,
        need_adults: record
            .adults
            .iter()
            .map(|a| (format!("needs_{}", a.id), format!("{} {}", a.given_name, a.family_name)))
            .collect(),
        need_kinds: opts(PracticalNeedKind::ALL, |e| (e.as_str(), e.label())),
    })
}

/// TIME-03 in words: the expected delivery, the gestation today, and the dates by which a
/// pre-birth conference is held (the policy's gestation, and never later than 10 working days
/// before delivery).
fn pre_birth_dates(rules: &Rules, expected: NaiveDate, today: NaiveDate) -> String {
    let p = rules.policy(today);
    let weeks_to_go = (expected - today).num_days().max(0) / 7;
    let gestation = 40 - weeks_to_go.min(40);
    let by = DeadlineRule::PreBirthConference.due_date(expected, &rules.calendar, &p);
    let latest = DeadlineRule::PreBirthLatest.due_date(expected, &rules.calendar, &p);
    let mut s = format!("expected {} (about {gestation} weeks of pregnancy today)", view::long_date(&expected));
    if let Some(by) = by {
        s.push_str(&format!(
            "; hold the conference by {} ({} weeks)",
            view::long_date(&by),
            p.pre_birth_by_gestation_weeks
        ));
    }
    if let Some(latest) = latest {
        s.push_str(&format!(", and never later than {}", view::long_date(&latest)));
    }
    s
}

/// What the request form gives beyond the initial request, read and checked before the
/// conference is created.
#[derive(Default)]
pub struct RequestExtra {
    pub transfer_notified_on: Option<NaiveDate>,
    pub previous_conference_id: Option<String>,
    pub transfer: Option<TransferFrom>,
}

pub fn request_extra(
    sent: &Sent,
    kind: ConferenceKind,
    today: NaiveDate,
    errors: &mut confer_domain::validate::FormErrors,
) -> RequestExtra {
    let mut extra = RequestExtra::default();
    match kind {
        ConferenceKind::TransferIn => {
            let mut date = |field: &'static str| match date_field(sent, field) {
                Ok(d) => d,
                Err(Problem::Field(f, m)) => {
                    errors.add(f, m);
                    None
                }
                Err(_) => None,
            };
            extra.transfer_notified_on = date("transfer_notified_on");
            let started = date("plan_started_on");
            if errors.is_empty() {
                match TransferFrom::new(sent.get("transfer_authority"), started, extra.transfer_notified_on, today) {
                    Ok(t) => extra.transfer = Some(t),
                    Err(e @ ConferenceError::Missing { what }) if what.contains("authority") => {
                        errors.add("transfer_authority", e.to_string())
                    }
                    Err(e) => errors.add("plan_started_on", e.to_string()),
                }
            }
        }
        ConferenceKind::Review => {
            extra.previous_conference_id = sent.opt("previous_conference_id");
            if extra.previous_conference_id.is_none() {
                errors.add("previous_conference_id", "Select the conference this review follows".to_owned());
            }
        }
        ConferenceKind::Initial | ConferenceKind::PreBirth => {}
    }
    extra
}

/// What the conference page adds to its summary for the kind (TIME-02, TIME-03, CHAIR-02,
/// REV-01): where a transferred child's plan was made, the pre-birth dates, the conference a
/// review follows and the chair suggested again.
pub fn kind_facts(
    c: &Conference,
    rules: &Rules,
    today: NaiveDate,
    names: &BTreeMap<String, String>,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Some(t) = c.transfer_from() {
        out.push(("Moved from".into(), t.authority.clone(), String::new()));
        out.push(("Plan began there on".into(), view::long_date(&t.plan_started_on), String::new()));
    }
    if let Some(n) = c.transfer_notified_on() {
        out.push(("Told the child moved in on".into(), view::long_date(&n), String::new()));
    }
    if c.kind() == ConferenceKind::PreBirth {
        for ch in c.children() {
            if let Some(expected) = ch.expected_delivery() {
                out.push((
                    format!("{} (pre-birth dates, TIME-03)", ch.name),
                    pre_birth_dates(rules, expected, today),
                    String::new(),
                ));
            }
        }
    }
    if let Some(p) = c.previous() {
        out.push((
            "Follows the conference".into(),
            format!("held on {}", view::long_date(&p.held_on)),
            format!("/conferences/{}", p.conference_id),
        ));
    }
    if let Some(u) = c.suggested_chair() {
        let name = names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string());
        out.push((
            "Suggested chair".into(),
            format!("{name}, who chaired the conference before (for continuity)"),
            String::new(),
        ));
    }
    out
}

/// INV-08: the practical needs ticked for one adult on the request form, with the detail typed.
pub fn request_needs(sent: &Sent, adult_id: &str) -> Vec<conference::RequestNeed> {
    let detail = sent.get(&format!("needs_{adult_id}_detail")).trim().to_owned();
    sent.all(&format!("needs_{adult_id}"))
        .iter()
        .filter_map(|n| PracticalNeedKind::parse(n))
        .map(|kind| conference::RequestNeed { kind, detail: detail.clone() })
        .collect()
}
