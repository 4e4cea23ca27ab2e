//! What the task pages show of the steps before the meeting (moved from `pages/arrange.rs`,
//! whose form handlers stay there): the rows each task page lists and the choices of their
//! forms, built from the conference already read, for this reader.

use crate::api_conferences::{Allowed, Rules};
use crate::auth::Ctx;
use crate::pages::arrange::kind_facts;
use crate::pages::conferences::{may, people_opts, Opt};
use crate::view;
use chrono::NaiveDate;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::timescales::DeadlineRule;
use confer_store::families;
use std::collections::BTreeMap;

// ---------------------------------------------------------------- what the page shows

/// Who may use which of these forms (only to show them; the domain decides each step).
pub struct ArrangeMay {
    pub cancel: bool,
    pub children: bool,
    pub arrange: bool,
    pub chair: bool,
    pub record: bool,
    pub report: bool,
    pub views: bool,
}

pub struct SupporterRow {
    pub number: u32,
    pub name: String,
    pub kind: String,
    pub supports: String,
    pub represents: bool,
    pub named_on: String,
    /// INV-05: named after the notice the chair should have had.
    pub late: String,
    pub decision: String,
}

pub struct FileRow {
    pub number: u32,
    pub author: String,
    pub file_name: String,
    pub file_type: String,
    pub size: String,
    pub restricted: bool,
    /// Whether this reader may download it.
    pub may_download: bool,
}

pub struct ShareRow {
    pub report: u32,
    pub recipient: String,
    pub on: String,
    pub discussed: String,
    pub late: String,
}

pub struct PreviousExclusionRow {
    pub name: String,
    pub scope: String,
    pub reasons: String,
    pub decided: String,
}

/// What the page shows of the steps before the meeting, and the choices of their forms.
pub struct ArrangeView {
    pub may: ArrangeMay,
    /// Requested or scheduled: cancelling, children and supporters are still open.
    pub before: bool,
    /// Requested, scheduled or in progress: reports, interpreters and consents.
    pub open: bool,
    pub in_progress: bool,
    pub cancelled: Option<(String, String, String)>,
    pub children_removed: Vec<(String, String, String, String)>,
    pub addable_children: Vec<Opt>,
    pub removable_children: Vec<Opt>,
    pub plan_categories: Vec<Opt>,
    pub supporters: Vec<SupporterRow>,
    pub late_awaiting: Vec<Opt>,
    pub supporter_kinds: Vec<Opt>,
    pub parents: Vec<Opt>,
    pub interpreters: Vec<(String, String, String, String)>,
    pub interpreters_needed: Vec<String>,
    pub interpreter_for: Vec<Opt>,
    pub needs: Vec<(String, String, String, String)>,
    pub unmet_needs: Vec<Opt>,
    pub consents: Vec<(String, String)>,
    pub audio_recorded: bool,
    pub authors: Vec<Opt>,
    pub restrictions: Vec<Opt>,
    pub files: Vec<FileRow>,
    pub shares: Vec<ShareRow>,
    pub reports_to_share: Vec<Opt>,
    pub share_to: Vec<Opt>,
    pub due_to_chair: String,
    pub due_to_parents: String,
    pub max_file: String,
    pub excluded: Vec<Opt>,
    pub how_told: Vec<Opt>,
    pub previous_exclusions: Vec<PreviousExclusionRow>,
    pub previous_to_review: Vec<Opt>,
    pub review_outcomes: Vec<Opt>,
    pub allow_opts: Vec<Opt>,
    pub consent_opts: Vec<Opt>,
    /// Rows the summary adds for the kind: (key, value, link).
    pub facts: Vec<(String, String, String)>,
}

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter().map(|t| f(*t)).map(|(v, l)| Opt::new(v, l)).collect()
}

fn scope_text(scope: &ExclusionScope) -> String {
    match scope {
        ExclusionScope::Whole => "The whole conference".to_owned(),
        ExclusionScope::Part { part, .. } => format!("The part \"{part}\""),
    }
}

/// Builds what the task pages show of these steps, for this reader, from what the
/// conference page has already read (the family's record, the authority's users' names).
pub fn view(
    ctx: &Ctx,
    a: &Allowed,
    c: &Conference,
    rules: &Rules,
    // The family's record, only on the page that adds a child (the others do not read it).
    record: Option<&families::FamilyRecord>,
    names: &BTreeMap<String, String>,
    today: NaiveDate,
) -> ArrangeView {
    let name = |u: &confer_domain::UserId| names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string());
    let state_now = c.state();
    let before = matches!(state_now, ConferenceState::Requested | ConferenceState::Scheduled);
    let open = before || state_now == ConferenceState::InProgress;

    let cancelled = c.cancellation().map(|x| (view::long_date(&x.at.date_naive()), name(&x.by), x.reason.clone()));
    let children_removed = c
        .children_removed()
        .iter()
        .map(|r| (r.child.name.clone(), view::long_date(&r.at.date_naive()), name(&r.by), r.reason.clone()))
        .collect();
    let addable_children = record
        .iter()
        .flat_map(|r| r.children.iter())
        .filter(|ch| !c.children().iter().any(|s| s.child_id == ch.id))
        .map(|ch| Opt::new(ch.id.as_str(), format!("{} {}", ch.given_name, ch.family_name)))
        .collect();
    let removable_children = c.children().iter().map(|ch| Opt::new(ch.child_id.as_str(), ch.name.clone())).collect();

    let mut supporters = Vec::new();
    let mut late_awaiting = Vec::new();
    for i in c.invitations() {
        let Invitee::Supporter(s) = &i.invitee else { continue };
        let (late, decision) = match &s.late_notice {
            None => (String::new(), String::new()),
            Some(n) => (
                format!(
                    "Named after {}, when the chair should have been told",
                    view::long_date(&n.should_have_been_told_by)
                ),
                match &n.chair_decision {
                    None => "Waiting for the chair's decision".to_owned(),
                    Some(d) => format!(
                        "{} by the chair on {}: {}",
                        if d.allowed { "Allowed" } else { "Refused" },
                        view::long_date(&d.at.date_naive()),
                        d.reason
                    ),
                },
            ),
        };
        if s.late_notice.as_ref().is_some_and(|n| n.chair_decision.is_none()) {
            late_awaiting.push(Opt::new(
                i.id.0.to_string(),
                format!("{} ({} for {})", s.name, s.kind.label(), c.name_of(&s.supports)),
            ));
        }
        supporters.push(SupporterRow {
            number: i.id.0,
            name: s.name.clone(),
            kind: s.kind.label().to_owned(),
            supports: c.name_of(&s.supports),
            represents: s.represents,
            named_on: view::long_date(&s.named_on),
            late,
            decision,
        });
    }
    let parents: Vec<Opt> = c
        .family_members()
        .iter()
        .filter(|m| m.is_parent_or_carer())
        .map(|m| Opt::new(m.adult_id.as_str(), format!("{} ({})", m.name, m.relationship.label())))
        .collect();

    let interpreters = c
        .interpreters()
        .iter()
        .map(|b| {
            let what = if b.sign_language { format!("{} (sign language)", b.language) } else { b.language.clone() };
            let who = if b.organisation.trim().is_empty() {
                b.interpreter_name.clone()
            } else {
                format!("{}, {}", b.interpreter_name, b.organisation)
            };
            (c.name_of(&b.for_person), what, who, view::long_date(&b.booked_on))
        })
        .collect();
    let interpreters_needed = c.interpreters_needed().iter().map(|p| c.name_of(p)).collect();
    let mut needs = Vec::new();
    let mut unmet_needs = Vec::new();
    for m in c.family_members() {
        for n in &m.needs {
            needs.push((
                m.name.clone(),
                n.kind.label().to_owned(),
                n.detail.clone(),
                n.met.clone().unwrap_or_else(|| "Not met yet".into()),
            ));
            if n.met.is_none() {
                unmet_needs.push(Opt::new(
                    format!("{}|{}", m.adult_id, n.kind.as_str()),
                    format!("{}: {}", m.name, n.kind.label()),
                ));
            }
        }
    }
    let consents = c
        .recording_consents()
        .iter()
        .map(|k| {
            (
                c.name_of(&Person::FamilyMember(k.adult_id.clone())),
                format!(
                    "{} (recorded {})",
                    if k.consents { "Consents to audio recording" } else { "Does not consent" },
                    view::long_date(&k.recorded_at.date_naive())
                ),
            )
        })
        .collect();

    // Reports: whose report this person may submit (their own, or anyone's for the coordinator).
    let coordinator = ctx.actor.roles.contains(&confer_domain::Role::Coordinator);
    let authors = c
        .professionals()
        .iter()
        .filter(|p| coordinator || p.user_id.as_ref() == Some(&ctx.actor.user_id))
        .map(|p| Opt::new(p.professional_id.as_str(), format!("{}, {} ({})", p.name, p.job_title, p.agency_name)))
        .collect();
    let visibility = c.visibility_of_reader(&a.acting);
    let files = c
        .reports()
        .iter()
        .filter_map(|r| {
            let f = r.file.as_ref()?;
            Some(FileRow {
                number: r.id.0,
                author: c.name_of(&Person::Professional(r.author.clone())),
                file_name: f.file_name.clone(),
                file_type: f.file_type.label().to_owned(),
                size: size_in_words(f.size_bytes as usize),
                restricted: r.parts.iter().any(|p| p.restricted.is_some()),
                may_download: c.report_file_for(r.id, &visibility).is_ok(),
            })
        })
        .collect();
    let shares = c
        .report_log()
        .iter()
        .map(|s| ShareRow {
            report: s.report.0,
            recipient: crate::pages::conferences::recipient_name(c, &s.recipient, names),
            on: view::long_date(&s.on),
            discussed: match s.discussed_with_author {
                Some(true) => "Yes".into(),
                Some(false) => "No".into(),
                None => String::new(),
            },
            late: s
                .late
                .as_ref()
                .map(|l| format!("Late (due by {}): {}", view::long_date(&l.should_have_been_shared_by), l.reason))
                .unwrap_or_default(),
        })
        .collect();
    let reports_to_share = c
        .reports()
        .iter()
        .map(|r| {
            let heading = r.parts.first().map(|p| p.heading.as_str()).unwrap_or("");
            Opt::new(
                r.id.0.to_string(),
                format!("Report {}: {} ({})", r.id.0, c.name_of(&Person::Professional(r.author.clone())), heading),
            )
        })
        .collect();
    let share_to = people_opts(c, true, false, false);
    let (due_to_chair, due_to_parents) = match c.date() {
        Some(d) => {
            let p = rules.policy(d);
            let f = |rule: DeadlineRule| {
                rule.due_date(d, &rules.calendar, &p).map(|x| view::long_date(&x)).unwrap_or_default()
            };
            (f(DeadlineRule::ReportsToChair), f(DeadlineRule::ReportsToParents))
        }
        None => (String::new(), String::new()),
    };
    let excluded = c
        .exclusions()
        .iter()
        .map(|e| Opt::new(e.decision.adult_id.as_str(), c.name_of(&Person::FamilyMember(e.decision.adult_id.clone()))))
        .collect();
    let previous_exclusions = c
        .previous_exclusions()
        .iter()
        .map(|p| PreviousExclusionRow {
            name: c.name_of(&Person::FamilyMember(p.adult_id.clone())),
            scope: scope_text(&p.scope),
            reasons: p.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("; "),
            decided: c
                .exclusion_reviews()
                .iter()
                .find(|r| r.adult_id == p.adult_id)
                .map(|r| format!("{} (decided {})", r.outcome.label(), view::long_date(&r.at.date_naive())))
                .unwrap_or_else(|| "Not decided yet for this conference".into()),
        })
        .collect();
    let previous_to_review = c
        .previous_exclusions_to_review()
        .iter()
        .map(|p| Opt::new(p.adult_id.as_str(), c.name_of(&Person::FamilyMember(p.adult_id.clone()))))
        .collect();
    ArrangeView {
        may: ArrangeMay {
            cancel: may(ctx, a, Action::CancelConference),
            children: may(ctx, a, Action::RequestConference),
            arrange: may(ctx, a, Action::ArrangeConference),
            chair: may(ctx, a, Action::ChairConference),
            record: may(ctx, a, Action::RecordMeeting),
            report: may(ctx, a, Action::SubmitReport),
            views: may(ctx, a, Action::GatherViews),
        },
        before,
        open,
        in_progress: state_now == ConferenceState::InProgress,
        cancelled,
        children_removed,
        addable_children,
        removable_children,
        plan_categories: opts(PlanCategory::ALL, |e| (e.as_str(), e.label())),
        supporters,
        late_awaiting,
        supporter_kinds: opts(SupporterKind::ALL, |e| (e.as_str(), e.label())),
        parents,
        interpreters,
        interpreters_needed,
        interpreter_for: people_opts(c, true, true, true),
        needs,
        unmet_needs,
        consents,
        audio_recorded: c.is_audio_recorded(),
        authors,
        restrictions: opts(RestrictionReason::ALL, |e| (e.as_str(), e.label())),
        files,
        shares,
        reports_to_share,
        share_to,
        due_to_chair,
        due_to_parents,
        max_file: size_in_words(MAX_REPORT_FILE_BYTES),
        excluded,
        how_told: opts(HowTold::ALL, |e| (e.as_str(), e.label())),
        previous_exclusions,
        previous_to_review,
        review_outcomes: opts(ExclusionReviewOutcome::ALL, |e| (e.as_str(), e.label())),
        allow_opts: vec![Opt::new("yes", "Yes, they may attend"), Opt::new("no", "No")],
        consent_opts: vec![Opt::new("yes", "Yes, they agree"), Opt::new("no", "No, they do not agree")],
        facts: kind_facts(c, rules, today, names),
    }
}

/// The notice after one of these forms succeeded.
pub fn notice_for(done: &str) -> Option<String> {
    Some(
        match done {
            "cancel" => "The conference has been cancelled. Everyone invited is being told.",
            "add-child" => "The child has been added to the conference.",
            "remove-child" => "The child has been taken out of the conference. The reason is kept below.",
            "supporter" => "The supporter has been named and invited.",
            "late-supporter" => "Your decision on the supporter has been recorded.",
            "interpreter" => "The interpreter's booking has been recorded.",
            "need-met" => "The need has been recorded as met.",
            "consent" => "The answer on audio recording has been recorded.",
            "audio" => "Audio recording has been recorded as started, with every parent's consent.",
            "report" => "The report has been submitted to the chair.",
            "upload" => "The report file has been uploaded and submitted to the chair.",
            "share" => "The sharing of the report has been recorded.",
            "told" => "How and when they were told has been recorded.",
            "previous-exclusion" => "Your decision on the previous exclusion has been recorded.",
            _ => return None,
        }
        .to_owned(),
    )
}
