//! Translations and other formats of family documents (LANG-02, LANG-03; issue 14). A parent or
//! young person asks from the portal, or staff log a request for them; the coordinator meets
//! it. Large print of the letters and the record confer makes itself (the docs crate's large
//! print, at least 16 point) and puts on the print list; a translation, audio, Braille or easy
//! read is made elsewhere and recorded as met with what was sent. Either way the document is
//! logged in the documents log (REP-04) in the same transaction as the conference's change and
//! its audit event.

use crate::conference::{authorize, Changed};
use crate::documents::{recipient_key, recipient_name};
use crate::{Ops, OpsError, Result};
use confer_docs::{letters, render, DocumentKind, Format, PrintSize};
use confer_domain::access::{Action, Actor};
use confer_domain::conference::{
    document_language_for, Conference, DocumentLanguage, FamilyDocument, FormatRequest, Recipient, RequestedFormat,
};
use confer_domain::Nation;
use confer_store::conferences::{self, Change};
use confer_store::documents_sent::NewSent;
use std::collections::BTreeMap;

/// LANG-02, LANG-03: staff log a request for someone of the family (the social worker, the
/// coordinator or the chair, from what the person told them).
pub async fn request_format(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    for_recipient: Recipient,
    document: FamilyDocument,
    format: RequestedFormat,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::GatherViews, id).await?;
    let today = ops.clock.today();
    let change = Change::new(actor.user_id.as_str(), "conference.request-format");
    let (n, v) = conferences::save(&ops.db, id, v, change, |c| {
        c.request_format(&a.acting, for_recipient, document, format, today)
    })
    .await?;
    Ok(Changed::new(id, v, Some(n), None))
}

/// The documents log's name for a family document.
fn kind_of(document: FamilyDocument) -> &'static str {
    match document {
        FamilyDocument::Invitation => DocumentKind::InvitationLetter.as_str(),
        FamilyDocument::Outcome => DocumentKind::OutcomeLetter.as_str(),
        FamilyDocument::Record => DocumentKind::RecordCopy.as_str(),
        FamilyDocument::Plan => DocumentKind::Plan.as_str(),
        FamilyDocument::Report => "report",
    }
}

/// The large print copy confer makes of this document for this person: the invitation
/// letter, the outcome letter once decided, the record as last sent to them. `Ok(None)` for a
/// document confer does not write (a professional's report, the plan kept with the plan).
fn large_print(
    c: &Conference,
    r: &FormatRequest,
    language: DocumentLanguage,
    nation: Nation,
) -> Result<Option<(confer_docs::Doc, u32)>> {
    let name = recipient_name(c, &r.for_recipient, &BTreeMap::new());
    Ok(match r.document {
        FamilyDocument::Invitation => Some((letters::invitation_letter(c, &name, true, language, nation), 0)),
        FamilyDocument::Outcome => {
            if c.decisions().is_empty() {
                return Err(OpsError::invalid(
                    "sent",
                    "The conference has not decided yet, so there is no outcome letter to make in large print.",
                ));
            }
            Some((letters::outcome_letter(c, &name, true, language, nation), 0))
        }
        FamilyDocument::Record => {
            let Some(copy) = c.record_copy_sent_to(&r.for_recipient, language) else {
                return Err(OpsError::invalid(
                    "sent",
                    "The record has not been sent to them yet. Send it to them first, then make it in large print.",
                ));
            };
            let on = c.record().distribution.iter().rev().find(|d| d.recipient == r.for_recipient).map(|d| d.on);
            let version = copy.version;
            Some((letters::record_copy(c, &copy, &name, on, language, nation), version))
        }
        FamilyDocument::Report | FamilyDocument::Plan => None,
    })
}

/// LANG-02, LANG-03: the coordinator meets a request. Large print of a document confer makes
/// is made now, as an 18 point tagged PDF, and put on the print list to be posted; anything
/// else is recorded with what was sent (`sent`, required then). Logged in the documents log.
pub async fn fulfil_format_request(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    v: i64,
    number: u32,
    sent: &str,
) -> Result<Changed> {
    let a = authorize(ops, actor, Action::ArrangeConference, id).await?;
    let stored = conferences::load(&ops.db, id).await?;
    if stored.version != v {
        return Err(OpsError::Conflict { current_version: stored.version });
    }
    let c = &stored.conference;
    let r = c.format_requests().iter().find(|r| r.number == number).ok_or(OpsError::NotFound)?.clone();
    let authority = ops.authority(&a.owner.authority_id).await?;
    let today = ops.clock.today();
    // Welsh where the authority is in Wales and the request was for a Welsh translation,
    let asked_welsh = matches!(&r.format, RequestedFormat::Translation { language }
        if ["welsh", "cymraeg"].contains(&language.trim().to_lowercase().as_str()));
    // LANG-04: and Welsh to a Welsh speaker in any nation.
    let language = document_language_for(
        authority.nation,
        asked_welsh.then_some(DocumentLanguage::Welsh),
        c.first_language_of(&r.for_recipient),
    );
    let made = if r.format == RequestedFormat::LargePrint && r.fulfilled_on.is_none() {
        large_print(c, &r, language, authority.nation)?
    } else {
        None
    };
    let (bytes, version, what, format, print_size, channel, log_language) = match made {
        Some((doc, version)) => {
            let bytes = render(&doc, Format::Pdf, PrintSize::Large).map_err(|e| OpsError::Internal(e.to_string()))?;
            let what = match sent.trim() {
                "" => "Large print (18 point) PDF made by confer, on the print list to be posted".to_owned(),
                s => s.to_owned(),
            };
            (
                bytes,
                version,
                what,
                Format::Pdf.as_str(),
                PrintSize::Large.as_str(),
                "post",
                language.as_str().to_owned(),
            )
        }
        None => {
            let log_language = match &r.format {
                RequestedFormat::Translation { language } => language.clone(),
                _ => language.as_str().to_owned(),
            };
            let size = if r.format == RequestedFormat::LargePrint { "large" } else { "standard" };
            (Vec::new(), 0, sent.trim().to_owned(), r.format.key(), size, "format-request", log_language)
        }
    };
    let recipient = recipient_key(&r.for_recipient);
    let log = NewSent {
        authority_id: a.owner.authority_id.as_str(),
        family_id: a.owner.family_id.as_str(),
        conference_id: Some(id),
        kind: kind_of(r.document),
        recipient: &recipient,
        version: i64::from(version),
        language: &log_language,
        format,
        print_size,
        channel,
        content: &bytes,
        sent_by: actor.user_id.as_str(),
    };
    let change = Change { sent: Some(&log), ..Change::new(actor.user_id.as_str(), "conference.fulfil-format-request") };
    let ((), v) =
        conferences::save(&ops.db, id, v, change, |c| c.fulfil_format_request(&a.acting, number, today, &what)).await?;
    Ok(Changed::new(id, v, Some(number), None))
}
