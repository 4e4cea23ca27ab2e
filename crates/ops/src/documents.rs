//! Documents confer makes (issue 14): each asks the access policy, takes from the domain the
//! copy the reader may see, writes it (`confer_docs`) and logs it with its version, language,
//! format and recipient, audited (REP-04, MIN-03). "The copy a person may see is the one sent
//! to them": staff download the copy as it was sent to one recipient; a family member takes
//! their own copy, the version last sent to them, from the portal.

use crate::conference::authorize;
use crate::{Ops, OpsError, Result};
use confer_docs::{letters, render, DocumentKind, Format, PrintSize};
use confer_domain::access::{Action, Actor};
use confer_domain::conference::{
    confidentiality_statement, document_language_for, redact, Conference, DocumentLanguage, Person, Recipient,
    RecordCopy,
};
use confer_domain::portal::PortalPerson;
use confer_store::documents_sent::{self, NewSent, Sent};
use confer_store::{conferences, portal};
use std::collections::BTreeMap;

/// What the reader asked for: PDF or HTML, standard or large print, and (in Wales) Welsh.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    pub format: Format,
    pub size: PrintSize,
    pub language: Option<DocumentLanguage>,
}

impl Default for Wanted {
    fn default() -> Self {
        Wanted { format: Format::Pdf, size: PrintSize::Standard, language: None }
    }
}

/// A document made and logged.
#[derive(Debug)]
pub struct Produced {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
    pub file_name: String,
    pub language: DocumentLanguage,
    pub sent: Sent,
}

/// How the log names a recipient: `family-member:adult-1`.
pub fn recipient_key(r: &Recipient) -> String {
    match r {
        Recipient::Staff(u) => format!("staff:{u}"),
        Recipient::Professional(p) => format!("professional:{p}"),
        Recipient::FamilyMember(a) => format!("family-member:{a}"),
        Recipient::Child(c) => format!("child:{c}"),
        Recipient::Supporter(n) => format!("supporter:{}", n.0),
    }
}

/// A recipient's name for the document ("This copy is for ..."); staff by the directory's names.
pub fn recipient_name(c: &Conference, r: &Recipient, names: &BTreeMap<String, String>) -> String {
    match r {
        Recipient::Staff(u) => names.get(u.as_str()).cloned().unwrap_or_else(|| u.to_string()),
        Recipient::Professional(p) => c.name_of(&Person::Professional(p.clone())),
        Recipient::FamilyMember(a) => c.name_of(&Person::FamilyMember(a.clone())),
        Recipient::Child(ch) => c.name_of(&Person::Child(ch.clone())),
        Recipient::Supporter(n) => c
            .invitation(*n)
            .and_then(|i| match &i.invitee {
                confer_domain::conference::Invitee::Supporter(s) => Some(s.name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| format!("Supporter (invitation {})", n.0)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn make_and_log(
    ops: &Ops,
    actor: &Actor,
    owner: &conferences::Owner,
    conference_id: &str,
    kind: DocumentKind,
    recipient: &Recipient,
    version: u32,
    doc: confer_docs::Doc,
    wanted: Wanted,
    channel: &str,
) -> Result<Produced> {
    let bytes = render(&doc, wanted.format, wanted.size).map_err(|e| OpsError::Internal(e.to_string()))?;
    let language = doc.language;
    let sent = documents_sent::log(
        &ops.db,
        &NewSent {
            authority_id: owner.authority_id.as_str(),
            family_id: owner.family_id.as_str(),
            conference_id: Some(conference_id),
            kind: kind.as_str(),
            recipient: &recipient_key(recipient),
            version: i64::from(version),
            language: language.as_str(),
            format: wanted.format.as_str(),
            print_size: wanted.size.as_str(),
            channel,
            content: &bytes,
            sent_by: actor.user_id.as_str(),
        },
    )
    .await?;
    let large = if wanted.size == PrintSize::Large { "-large-print" } else { "" };
    let file_name = format!("{}-v{version}-{}{large}.{}", kind.as_str(), language.as_str(), wanted.format.as_str());
    Ok(Produced { media_type: wanted.format.media_type(), file_name, bytes, language, sent })
}

/// MIN-03, EXC-06, REP-03, MEET-04, REP-04: staff download the record as it was sent to one
/// recipient (the `number`th sending, from 1), with what that recipient may not see removed
/// by the domain; logged. `None` when nothing was sent under that number.
pub async fn record_copy_as_sent(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
    number: usize,
    wanted: Wanted,
    names: &BTreeMap<String, String>,
) -> Result<Option<Produced>> {
    let a = authorize(ops, actor, Action::ViewConference, conference_id).await?;
    let stored = conferences::load(&ops.db, conference_id).await?;
    let c = &stored.conference;
    let Some(sent) = number.checked_sub(1).and_then(|i| c.record().distribution.get(i)) else {
        return Ok(None);
    };
    let version = c.record().versions.iter().find(|v| v.number == sent.version).ok_or(OpsError::NotFound)?;
    let authority = ops.authority(&a.owner.authority_id).await?;
    // REP-04, MIN-03: remade in the language it was sent in (unless another is asked for),
    // not in the person's language of today.
    let language = document_language_for(
        authority.nation,
        wanted.language.or(sent.language),
        c.first_language_of(&sent.recipient),
    );
    let visibility = c.visibility_for(&sent.recipient);
    let sections = redact(&version.sections, &visibility);
    let copy = RecordCopy {
        version: version.number,
        sections_withheld: sections.len() < version.sections.len(),
        sections,
        confidentiality: visibility.is_family().then(|| confidentiality_statement(language)),
    };
    let name = recipient_name(c, &sent.recipient, names);
    let doc = letters::record_copy(c, &copy, &name, Some(sent.on), language, authority.nation);
    let recipient = sent.recipient.clone();
    make_and_log(
        ops,
        actor,
        &a.owner,
        conference_id,
        DocumentKind::RecordCopy,
        &recipient,
        copy.version,
        doc,
        wanted,
        "download",
    )
    .await
    .map(Some)
}

/// The family member or young person signed in to the portal, as the conference names them.
async fn portal_reader(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
) -> Result<(crate::conference::Allowed, conferences::Stored, Recipient)> {
    let a = authorize(ops, actor, Action::ViewFamilyConference, conference_id).await?;
    let linked =
        portal::person_in(&ops.db, &actor.user_id, a.owner.family_id.as_str()).await?.ok_or(OpsError::NotFound)?;
    let stored = conferences::load(&ops.db, conference_id).await?;
    let c = &stored.conference;
    let recipient = match linked {
        PortalPerson::Adult(ad) if c.family_members().iter().any(|m| m.adult_id == ad) => Recipient::FamilyMember(ad),
        PortalPerson::Child(ch) if c.children().iter().any(|x| x.child_id == ch) => Recipient::Child(ch),
        _ => return Err(OpsError::NotFound),
    };
    Ok((a, stored, recipient))
}

/// MIN-03, MIN-05, EXC-06, MEET-04, REP-04, LANG-04: a family member takes their own copy of the
/// record from the portal: the version last sent to them, as they may see it, in Welsh where
/// the authority is in Wales and they asked. `None` while none has been sent to them.
pub async fn own_record_copy(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
    wanted: Wanted,
) -> Result<Option<Produced>> {
    let (a, stored, recipient) = portal_reader(ops, actor, conference_id).await?;
    let c = &stored.conference;
    let authority = ops.authority(&a.owner.authority_id).await?;
    // LANG-04, REP-04: in the language it was sent to them in (the reader's language when
    // that is not known) unless they ask for another.
    let asked = wanted.language.or_else(|| c.record_language_sent_to(&recipient));
    let language = document_language_for(authority.nation, asked, c.first_language_of(&recipient));
    let Some(copy) = c.record_copy_sent_to(&recipient, language) else {
        return Ok(None);
    };
    let on = c.record().distribution.iter().rev().find(|d| d.recipient == recipient).map(|d| d.on);
    let name = recipient_name(c, &recipient, &BTreeMap::new());
    let doc = letters::record_copy(c, &copy, &name, on, language, authority.nation);
    make_and_log(
        ops,
        actor,
        &a.owner,
        conference_id,
        DocumentKind::RecordCopy,
        &recipient,
        copy.version,
        doc,
        wanted,
        "portal",
    )
    .await
    .map(Some)
}

/// DEC-05, MEET-04, PLAN-06, REP-04: a family member's outcome letter from the portal, once the
/// conference has decided. `None` before any decision.
pub async fn own_outcome_letter(
    ops: &Ops,
    actor: &Actor,
    conference_id: &str,
    wanted: Wanted,
) -> Result<Option<Produced>> {
    let (a, stored, recipient) = portal_reader(ops, actor, conference_id).await?;
    let c = &stored.conference;
    if c.decisions().is_empty() {
        return Ok(None);
    }
    let authority = ops.authority(&a.owner.authority_id).await?;
    // LANG-04: in the reader's language unless they ask for another.
    let language = document_language_for(authority.nation, wanted.language, c.first_language_of(&recipient));
    let name = recipient_name(c, &recipient, &BTreeMap::new());
    let doc = letters::outcome_letter(c, &name, true, language, authority.nation);
    make_and_log(ops, actor, &a.owner, conference_id, DocumentKind::OutcomeLetter, &recipient, 0, doc, wanted, "portal")
        .await
        .map(Some)
}

/// REP-04: what has been sent for a conference (staff who may view it).
pub async fn log_for_conference(ops: &Ops, actor: &Actor, conference_id: &str) -> Result<Vec<Sent>> {
    authorize(ops, actor, Action::ViewConference, conference_id).await?;
    Ok(documents_sent::for_conference(&ops.db, conference_id).await?)
}

/// The actor of the letters the print list makes and prints.
pub const PRINT_ACTOR: &str = "system:print-list";

/// One letter waiting on the print list, ready to write out.
#[derive(Debug)]
pub struct LetterToPrint {
    pub sent: Sent,
    /// A file name without any name of a person or family: authority code, log id, kind,
    /// language.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Issue 14: the print list of an authority (all when `None`): first each letter still to be
/// made (a family member without an e-mail address told of a conference) is made from the
/// conference as it stands, as tagged PDF in their language, and logged as sent by post
/// (REP-04); then every letter waiting is returned. Nobody's access is asked: this is the
/// installation's operator at the command line (`confer documents print`); the letters are
/// marked printed with [`mark_printed`] once written out.
pub async fn print_list(ops: &Ops, authority: Option<&confer_domain::AuthorityId>) -> Result<Vec<LetterToPrint>> {
    make_requested_letters(ops, authority).await?;
    let authority_id = authority.map(|a| a.as_str());
    let codes: BTreeMap<String, String> = confer_store::users::authorities(&ops.db)
        .await?
        .into_iter()
        .map(|a| (a.id.as_str().to_owned(), a.code))
        .collect();
    let mut out = Vec::new();
    for (sent, bytes) in documents_sent::print_list(&ops.db, authority_id).await? {
        let code = authority_code(&codes, &ops.db, &sent).await?;
        let file_name = format!("{code}-{}-{}-{}.{}", sent.id, sent.kind, sent.language, sent.format);
        out.push(LetterToPrint { sent, file_name, bytes });
    }
    Ok(out)
}

/// Issue 14: makes each letter still to be made for an authority (all when `None`) from the
/// conference as it stands, as tagged PDF in the recipient's language, and logs it as sent by
/// post (REP-04), waiting: on the print list, or for GOV.UK Notify where the authority sends
/// its letters there.
pub async fn make_requested_letters(ops: &Ops, authority: Option<&confer_domain::AuthorityId>) -> Result<()> {
    let authority_id = authority.map(|a| a.as_str());
    for r in documents_sent::print_requests(&ops.db, authority_id).await? {
        let Ok(stored) = conferences::load(&ops.db, &r.conference_id).await else { continue };
        let c = &stored.conference;
        let Some(adult) = r.recipient.strip_prefix("family-member:") else { continue };
        let recipient = Recipient::FamilyMember(adult.into());
        let name = recipient_name(c, &recipient, &BTreeMap::new());
        let language = DocumentLanguage::parse(&r.language).unwrap_or(DocumentLanguage::English);
        let nation = ops.authority(&confer_domain::AuthorityId::from(r.authority_id.as_str())).await?.nation;
        let kind = DocumentKind::parse(&r.kind).unwrap_or(DocumentKind::InvitationLetter);
        let doc = match kind {
            DocumentKind::CancellationLetter => letters::cancellation_letter(c, &name, language, nation),
            _ => letters::invitation_letter(c, &name, true, language, nation),
        };
        let bytes = render(&doc, Format::Pdf, PrintSize::Standard).map_err(|e| OpsError::Internal(e.to_string()))?;
        documents_sent::made_for_request(
            &ops.db,
            &r.id,
            &NewSent {
                authority_id: &r.authority_id,
                family_id: &r.family_id,
                conference_id: Some(&r.conference_id),
                kind: kind.as_str(),
                recipient: &r.recipient,
                version: stored.version,
                language: language.as_str(),
                format: Format::Pdf.as_str(),
                print_size: PrintSize::Standard.as_str(),
                channel: "post",
                content: &bytes,
                sent_by: PRINT_ACTOR,
            },
        )
        .await?;
    }
    Ok(())
}

/// The authority code of a logged letter (by its family's authority).
async fn authority_code(codes: &BTreeMap<String, String>, db: &confer_store::Db, sent: &Sent) -> Result<String> {
    let authority = confer_store::families::family_authority(db, &sent.family_id).await?;
    Ok(authority.and_then(|a| codes.get(a.as_str()).cloned()).unwrap_or_else(|| "letter".to_owned()))
}

/// Marks a letter on the print list printed (audited, `document.printed`); false when it was
/// printed already.
pub async fn mark_printed(ops: &Ops, sent_id: &str, actor: &str) -> Result<bool> {
    Ok(documents_sent::mark_printed(&ops.db, sent_id, actor).await?)
}

fn allow_print_list(actor: &Actor) -> Result<()> {
    use confer_domain::access::{decide, Decision, Target};
    match decide(actor, Action::ManagePrintList, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// Issue 14, the print list page: the letters of the coordinator's authority waiting to be
/// printed (made first, as [`print_list`]) and the last `printed` ones printed.
pub async fn print_list_for(ops: &Ops, actor: &Actor, printed: i64) -> Result<(Vec<LetterToPrint>, Vec<Sent>)> {
    allow_print_list(actor)?;
    let waiting = print_list(ops, Some(&actor.authority_id)).await?;
    let done = documents_sent::printed(&ops.db, actor.authority_id.as_str(), printed).await?;
    // The list names the families the letters are for: one list read naming them.
    let families: Vec<&str> =
        waiting.iter().map(|l| l.sent.family_id.as_str()).chain(done.iter().map(|s| s.family_id.as_str())).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "print-list",
        &families,
    )
    .await?;
    Ok((waiting, done))
}

/// Issue 14: one letter of the print list to download (its file name and PDF); not found
/// when it is not a letter by post of the coordinator's authority.
pub async fn print_letter(ops: &Ops, actor: &Actor, sent_id: &str) -> Result<(String, Vec<u8>)> {
    allow_print_list(actor)?;
    let (sent, bytes) =
        documents_sent::print_letter(&ops.db, actor.authority_id.as_str(), sent_id).await?.ok_or(OpsError::NotFound)?;
    // A letter carries the family's names and address: its download is a read of their record.
    confer_store::audit::record_read(
        &ops.db,
        confer_store::audit::Entry {
            authority_id: actor.authority_id.as_str(),
            actor: actor.user_id.as_str(),
            kind: confer_domain::audit::EventKind::Read,
            action: "document.print-letter.read",
            entity_type: "family",
            entity_id: sent.family_id.as_str(),
            before: serde_json::Value::Null,
            after: serde_json::json!({ "document_id": sent.id, "kind": sent.kind }),
        },
    )
    .await?;
    Ok((format!("{}-{}-{}.{}", sent.id, sent.kind, sent.language, sent.format), bytes))
}

/// Issue 14: a coordinator marks a letter of their authority printed (audited with their id);
/// false when it was printed already.
pub async fn mark_printed_by(ops: &Ops, actor: &Actor, sent_id: &str) -> Result<bool> {
    allow_print_list(actor)?;
    documents_sent::print_letter(&ops.db, actor.authority_id.as_str(), sent_id).await?.ok_or(OpsError::NotFound)?;
    Ok(documents_sent::mark_printed(&ops.db, sent_id, actor.user_id.as_str()).await?)
}
