//! Translations and other formats (LANG-02, LANG-03; issue 14): staff record a request for
//! someone of the family and record a request as met (the formats task's page, from
//! [`super::conference::task_pages`]); the family member's own request is the portal's
//! ([`super::portal::format_request`]). Each form asks the access policy first, reads the
//! form into the domain's types and calls the operation (`confer_ops::formats`), which saves
//! at the version the form was made from, with its audit event and the documents log.

use super::arrange::Fields;
use super::conferences::{begin, done, finish, person_of, Home, Problem};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::SharedState;
use axum::extract::{Path, State};
use axum::response::Response;
use confer_domain::access::Action;
use confer_domain::conference::{FamilyDocument, Person, Recipient, RequestedFormat};

/// The family member or child a request is for, from the form's `kind:id`.
fn recipient_of(value: &str) -> Option<Recipient> {
    match person_of(value)? {
        Person::FamilyMember(a) => Some(Recipient::FamilyMember(a)),
        Person::Child(c) => Some(Recipient::Child(c)),
        Person::Professional(_) => None,
    }
}

/// LANG-02, LANG-03: staff record what a parent, carer or young person asked for.
pub async fn request(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::GatherViews, &id, f).await?;
    let r = async {
        let Some(recipient) = recipient_of(sent.get("for_person")) else {
            return Err(Problem::Field("for_person", "Select who the request is for".into()));
        };
        let Some(document) = FamilyDocument::parse(sent.get("document")) else {
            return Err(Problem::Field("document", "Select the document they asked for".into()));
        };
        let Some(format) = RequestedFormat::from_key(sent.get("format"), sent.get("language")) else {
            return Err(Problem::Field("format", "Select the format they asked for".into()));
        };
        if matches!(&format, RequestedFormat::Translation { language } if language.is_empty()) {
            return Err(Problem::Field("language", "Enter the language they asked for".into()));
        }
        done(confer_ops::formats::request_format(&state.ops, &ctx.actor, &id, v, recipient, document, format).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "format-request", "for_person", sent, r).await
}

/// LANG-02, LANG-03: the coordinator records a request as met (large print made by confer).
pub async fn met(
    State(state): State<SharedState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::Form(f): Fields,
) -> Result<Response, AppError> {
    let (sent, v) = begin(&state, &ctx, Action::ArrangeConference, &id, f).await?;
    let r = async {
        let Some(number) = sent.get("number").trim().parse::<u32>().ok() else {
            return Err(Problem::Field("number", "Select the request that was met".into()));
        };
        let what = sent.get("sent").to_owned();
        done(confer_ops::formats::fulfil_format_request(&state.ops, &ctx.actor, &id, v, number, &what).await)
    }
    .await;
    finish(&state, &ctx, &id, Home::Conference, "format-met", "number", sent, r).await
}

/// The family portal's words for asking for a translation or another format (LANG-02, LANG-03),
/// in English and Welsh (LANG-04). The Welsh is a careful translation; have the authority's
/// Welsh language officer confirm it before the first Welsh authority goes live.
pub struct Words {
    pub title: &'static str,
    pub intro: &'static str,
    pub asked_title: &'static str,
    pub asked_on: &'static str,
    pub preparing: &'static str,
    pub sent_on: &'static str,
    pub document_legend: &'static str,
    pub format_legend: &'static str,
    pub language_label: &'static str,
    pub language_hint: &'static str,
    pub send: &'static str,
    pub error_document: &'static str,
    pub error_format: &'static str,
    pub error_language: &'static str,
    pub error_twice: &'static str,
    pub done: &'static str,
    pub large_print: &'static str,
    pub translation: &'static str,
    pub audio: &'static str,
    pub braille: &'static str,
    pub easy_read: &'static str,
    pub invitation: &'static str,
    pub report: &'static str,
    pub outcome: &'static str,
    pub record: &'static str,
    pub plan: &'static str,
}

pub const ENGLISH: Words = Words {
    title: "Your documents in another language or format",
    intro: "You can ask for your documents in large print, as audio, in Braille or in easy read, or translated into another language. Tell us which document and which format. We will send it to you and show it here.",
    asked_title: "What you have asked for",
    asked_on: "asked for on",
    preparing: "we are preparing it",
    sent_on: "sent on",
    document_legend: "Which document?",
    format_legend: "Which format?",
    language_label: "Which language? (for a translation)",
    language_hint: "For example Polish, Arabic or Welsh",
    send: "Ask for this",
    error_document: "Select the document you want",
    error_format: "Select the format you want",
    error_language: "Enter the language you want it in",
    error_twice: "You have already asked for this document in this format. We are preparing it.",
    done: "Thank you. We have your request and will send it to you.",
    large_print: "Large print",
    translation: "Translated into another language",
    audio: "Audio",
    braille: "Braille",
    easy_read: "Easy read",
    invitation: "The invitation letter",
    report: "The reports",
    outcome: "The outcome letter",
    record: "The record of the conference",
    plan: "The plan",
};

pub const WELSH: Words = Words {
    title: "Eich dogfennau mewn iaith neu fformat arall",
    intro: "Gallwch ofyn am eich dogfennau mewn print bras, fel sain, mewn Braille neu mewn fformat hawdd ei ddeall, neu wedi'u cyfieithu i iaith arall. Dywedwch wrthym pa ddogfen a pha fformat. Byddwn yn ei hanfon atoch ac yn ei dangos yma.",
    asked_title: "Beth rydych wedi gofyn amdano",
    asked_on: "gofynnwyd amdani ar",
    preparing: "rydym yn ei pharatoi",
    sent_on: "anfonwyd ar",
    document_legend: "Pa ddogfen?",
    format_legend: "Pa fformat?",
    language_label: "Pa iaith? (ar gyfer cyfieithiad)",
    language_hint: "Er enghraifft Pwyleg, Arabeg neu Gymraeg",
    send: "Gofyn am hyn",
    error_document: "Dewiswch y ddogfen rydych ei heisiau",
    error_format: "Dewiswch y fformat rydych ei eisiau",
    error_language: "Rhowch yr iaith rydych ei heisiau",
    error_twice: "Rydych eisoes wedi gofyn am y ddogfen hon yn y fformat hwn. Rydym yn ei pharatoi.",
    done: "Diolch. Mae gennym eich cais a byddwn yn ei anfon atoch.",
    large_print: "Print bras",
    translation: "Wedi'i chyfieithu i iaith arall",
    audio: "Sain",
    braille: "Braille",
    easy_read: "Hawdd ei deall",
    invitation: "Y llythyr gwahodd",
    report: "Yr adroddiadau",
    outcome: "Y llythyr canlyniad",
    record: "Cofnod y gynhadledd",
    plan: "Y cynllun",
};

pub fn words(lang: &str) -> &'static Words {
    if lang == "cy" {
        &WELSH
    } else {
        &ENGLISH
    }
}

impl Words {
    pub fn document(&self, d: FamilyDocument) -> &'static str {
        match d {
            FamilyDocument::Invitation => self.invitation,
            FamilyDocument::Report => self.report,
            FamilyDocument::Outcome => self.outcome,
            FamilyDocument::Record => self.record,
            FamilyDocument::Plan => self.plan,
        }
    }

    /// The format in the person's words ("Translated into another language: Polish").
    pub fn format(&self, f: &RequestedFormat) -> String {
        match f {
            RequestedFormat::Translation { language } => format!("{}: {language}", self.translation),
            RequestedFormat::LargePrint => self.large_print.to_owned(),
            RequestedFormat::Audio => self.audio.to_owned(),
            RequestedFormat::Braille => self.braille.to_owned(),
            RequestedFormat::EasyRead => self.easy_read.to_owned(),
        }
    }

    /// The formats to choose from, in the form's order: (key, words).
    pub fn format_choices(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("large-print", self.large_print),
            ("easy-read", self.easy_read),
            ("audio", self.audio),
            ("braille", self.braille),
            ("translation", self.translation),
        ]
    }

    /// The documents to choose from: (key, words).
    pub fn document_choices(&self) -> Vec<(&'static str, &'static str)> {
        FamilyDocument::ALL.iter().map(|d| (d.as_str(), self.document(*d))).collect()
    }
}
