//! The request for a conference (S47-01): the form, for every kind.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::conferences::{Kept, Opt};
use crate::view::{self, Page};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::conference::*;
use confer_domain::validate::FormErrors;
use confer_store::families;

#[derive(Template)]
#[template(path = "conference_request.html")]
struct RequestPage<'a> {
    page: &'a Page,
    family_id: &'a str,
    family_name: &'a str,
    children: Vec<Opt>,
    radio_groups: Vec<(&'static str, &'static str, Vec<Opt>)>,
    check_groups: Vec<(&'static str, &'static str, &'static str, Vec<Opt>)>,
    kept: &'a Kept,
    /// The kind chosen, and what each kind asks for (pages/arrange.rs).
    kind: crate::pages::arrange::RequestKind,
}

fn opts<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<Opt> {
    all.iter().map(|t| f(*t)).map(|(v, l)| Opt::new(v, l)).collect()
}

pub async fn request_page(
    state: &SharedState,
    ctx: &Ctx,
    family_id: &str,
    errors: FormErrors,
    kept: &Kept,
    kind: ConferenceKind,
) -> Result<Response, AppError> {
    let record = families::family_record(&state.db, family_id).await?;
    // ROLE-11: the form shows the family's children and adults: a read of their record.
    families::log_read(
        &state.db,
        &ctx.actor.authority_id,
        &ctx.actor.user_id,
        family_id,
        "conference.request-form.read",
    )
    .await?;
    let kind = crate::pages::arrange::request_kind(state, &record, kind, ctx.words).await?;
    let mut page =
        ctx.page(&format!("{} for the {}", ctx.words.reword("Request a conference"), record.family.name), "/families");
    page.errors = errors;
    let children = record
        .children
        .iter()
        .map(|c| {
            let born = match c.birth {
                confer_domain::Birth::Born(d) => format!("born {}", view::long_date(&d)),
                confer_domain::Birth::Unborn { expected } => format!("unborn, expected {}", view::long_date(&expected)),
            };
            Opt::new(c.id.as_str(), format!("{} {} ({born})", c.given_name, c.family_name))
        })
        .collect();
    let adults: Vec<Opt> = record
        .adults
        .iter()
        .map(|a| {
            let rels: Vec<String> = record
                .relationships
                .iter()
                .filter(|r| r.adult_id == a.id)
                .map(|r| {
                    let child = record
                        .children
                        .iter()
                        .find(|c| c.id == r.child_id)
                        .map(|c| c.given_name.as_str())
                        .unwrap_or("");
                    format!("{} of {child}", r.kind.label())
                })
                .collect();
            let rel = if rels.is_empty() { String::new() } else { format!(" ({})", rels.join(", ")) };
            Opt::new(a.id.as_str(), format!("{} {}{rel}", a.given_name, a.family_name))
        })
        .collect();
    let professionals: Vec<Opt> = record
        .professionals
        .iter()
        .map(|(p, a)| Opt::new(p.id.as_str(), format!("{}, {} ({})", p.name, p.job_title, a.name)))
        .collect();
    Ok(view::render(&RequestPage {
        page: &page,
        family_id,
        family_name: &record.family.name,
        children,
        radio_groups: vec![
            (
                "enquiry",
                "Which enquiry led to the request",
                EnquiryKind::ALL.iter().map(|e| Opt::new(e.as_str(), ctx.words.reword(e.label()))).collect(),
            ),
            ("harm_finding", "What the enquiry found", opts(HarmFinding::ALL, |e| (e.as_str(), e.label()))),
        ],
        check_groups: vec![
            (
                "concerns",
                "Categories of concern",
                "Select all that apply.",
                opts(ConcernCategory::ALL, |e| (e.as_str(), e.label())),
            ),
            (
                "family_members",
                "Family members involved",
                "Select the parents, carers and other adults to take part.",
                adults,
            ),
            (
                "professionals",
                "Professionals involved",
                "Select the professionals working with the children and family.",
                professionals,
            ),
        ],
        kept,
        kind,
    }))
}

pub async fn request_form(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(family_id): Path<String>,
    Query(q): Query<crate::pages::arrange::KindQuery>,
) -> Result<Response, AppError> {
    ctx.authorize_record(&state, Action::RequestConference, &family_id).await?;
    let kind = q.kind.as_deref().and_then(ConferenceKind::parse).unwrap_or(ConferenceKind::Initial);
    request_page(&state, &ctx, &family_id, FormErrors::default(), &Kept::default(), kind).await
}
