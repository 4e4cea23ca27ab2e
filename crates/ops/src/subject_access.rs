//! Subject access requests (RIGHT-01), once for the pages and the portal: a request logged by
//! staff (received by letter, phone or in person) or asked in the portal, identity verified,
//! the deadline extended with a reason, what confer holds gathered with its proposed
//! redactions, each redaction decided by a reviewer, the bundle produced (a tagged PDF with the
//! redactions listed) and delivered to the requester in the portal and the documents log, or
//! the request refused or withdrawn. Every step is audited with the change.

use crate::conference::authorize_family;
use crate::{Ops, OpsError, Result};
use chrono::NaiveDate;
use confer_docs::{render, DocumentKind, Format, PrintSize};
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_domain::conference::{document_language, DocumentLanguage};
use confer_domain::portal::PortalPerson;
use confer_domain::subject_access::{
    gather as gather_holdings, AuditLine, DocumentLine, Exemption, HowReceived, IdentityCheck, RedactionKind,
    RefusalReason, SarError, SubjectAccessRequest,
};
use confer_store::documents_sent::{self, NewSent};
use confer_store::families;
use confer_store::subject_access::{self as store, Bundle, RequestRow, StoredRequest};
use std::collections::HashMap;

impl From<SarError> for OpsError {
    fn from(e: SarError) -> Self {
        let field = match e {
            SarError::ReceivedInFuture => "received_on",
            SarError::NoExtensionReason => "extension_reason",
            SarError::NoIdentityNote => "identity_note",
            SarError::NoReason => "closure_note",
            SarError::TextNotInItem { .. } => "text",
            SarError::NoRedactionReason | SarError::ReasonRevealsText => "reason",
            SarError::NoSuchItem { .. } => "item",
            _ => "",
        };
        match field {
            "" => OpsError::Declined { message: e.to_string() },
            f => OpsError::invalid(f, e.to_string()),
        }
    }
}

fn allow(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// The authority's requests, open first by deadline. The list names families, so it is
/// logged as one list read.
pub async fn list(ops: &Ops, actor: &Actor) -> Result<Vec<RequestRow>> {
    allow(actor, Action::ViewSubjectAccess)?;
    let rows = store::list(&ops.db, &actor.authority_id, 500).await?;
    let families: Vec<&str> = rows.iter().map(|r| r.family_id.as_str()).collect();
    confer_store::audit::log_list_read(
        &ops.db,
        actor.authority_id.as_str(),
        actor.user_id.as_str(),
        "subject-access",
        &families,
    )
    .await?;
    Ok(rows)
}

/// One request (another authority's is not found); the read is logged against the family.
pub async fn view(ops: &Ops, actor: &Actor, id: &str) -> Result<StoredRequest> {
    allow(actor, Action::ViewSubjectAccess)?;
    let s = own(ops, actor, id).await?;
    families::log_read(&ops.db, &actor.authority_id, &actor.user_id, &s.request.family_id, "subject-access.read")
        .await?;
    Ok(s)
}

async fn own(ops: &Ops, actor: &Actor, id: &str) -> Result<StoredRequest> {
    match store::load(&ops.db, id).await? {
        Some(s) if s.authority_id == actor.authority_id => Ok(s),
        _ => Err(OpsError::NotFound),
    }
}

/// The people of a family a request may be logged for (the adults and the children), for the
/// staff form; the read is logged.
pub async fn people(ops: &Ops, actor: &Actor, family_id: &str) -> Result<Vec<(PortalPerson, String)>> {
    authorize_family(ops, actor, Action::ManageSubjectAccess, family_id).await?;
    let rec = families::family_record(&ops.db, family_id).await?;
    families::log_read(&ops.db, &actor.authority_id, &actor.user_id, family_id, "subject-access.people").await?;
    let mut out: Vec<(PortalPerson, String)> = rec
        .adults
        .iter()
        .map(|a| (PortalPerson::Adult(a.id.clone()), format!("{} {}", a.given_name, a.family_name)))
        .collect();
    out.extend(
        rec.children.iter().map(|c| (PortalPerson::Child(c.id.clone()), format!("{} {}", c.given_name, c.family_name))),
    );
    Ok(out)
}

async fn name_in_family(ops: &Ops, family_id: &str, who: &PortalPerson) -> Result<String> {
    let rec = families::family_record(&ops.db, family_id).await?;
    let name = match who {
        PortalPerson::Adult(id) => {
            rec.adults.iter().find(|a| &a.id == id).map(|a| format!("{} {}", a.given_name, a.family_name))
        }
        PortalPerson::Child(id) => {
            rec.children.iter().find(|c| &c.id == id).map(|c| format!("{} {}", c.given_name, c.family_name))
        }
    };
    name.ok_or_else(|| OpsError::invalid("requester", "Choose the person of this family who asked"))
}

async fn create(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    requester: PortalPerson,
    received_on: NaiveDate,
    how: HowReceived,
    details: &str,
) -> Result<String> {
    let name = name_in_family(ops, family_id, &requester).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let r = SubjectAccessRequest::receive(
        family_id,
        requester,
        &name,
        received_on,
        how,
        details,
        &actor.user_id,
        ops.clock.today(),
        &rules.calendar,
        &rules.policy(received_on),
    )?;
    Ok(store::create(&ops.db, &actor.authority_id, &actor.user_id, &r).await?)
}

/// RIGHT-01: staff log a request received by letter, e-mail, phone or in person on behalf of
/// a named person of the family.
pub async fn log_request(
    ops: &Ops,
    actor: &Actor,
    family_id: &str,
    requester: PortalPerson,
    received_on: NaiveDate,
    how: HowReceived,
    details: &str,
) -> Result<String> {
    authorize_family(ops, actor, Action::ManageSubjectAccess, family_id).await?;
    create(ops, actor, family_id, requester, received_on, how, details).await
}

/// The portal person the signed-in family member is, in this family.
async fn portal_person(ops: &Ops, actor: &Actor, family_id: &str) -> Result<PortalPerson> {
    authorize_family(ops, actor, Action::AskForOwnRecords, family_id).await?;
    confer_store::portal::person_in(&ops.db, &actor.user_id, family_id).await?.ok_or(OpsError::NotFound)
}

/// RIGHT-01: a parent, carer or young person asks in the portal for the records held about
/// them (received today, through the portal).
pub async fn ask(ops: &Ops, actor: &Actor, family_id: &str, details: &str) -> Result<String> {
    let me = portal_person(ops, actor, family_id).await?;
    create(ops, actor, family_id, me, ops.clock.today(), HowReceived::Portal, details).await
}

/// The signed-in family member's own requests in this family, newest first (logged as a read).
pub async fn own_requests(ops: &Ops, actor: &Actor, family_id: &str) -> Result<Vec<StoredRequest>> {
    let me = portal_person(ops, actor, family_id).await?;
    families::log_read(&ops.db, &actor.authority_id, &actor.user_id, family_id, "subject-access.own").await?;
    Ok(store::of_requester(&ops.db, family_id, &me).await?)
}

/// The answer's bundle, for the requester only (anyone else, even of the same family, is not
/// found). `None` while it is not produced. The download is logged as a read.
pub async fn own_bundle(ops: &Ops, actor: &Actor, family_id: &str, id: &str) -> Result<Option<(Vec<u8>, String)>> {
    let me = portal_person(ops, actor, family_id).await?;
    let s = store::load(&ops.db, id).await?.ok_or(OpsError::NotFound)?;
    if s.request.family_id != family_id || s.request.requester != me {
        return Err(OpsError::NotFound);
    }
    let bundle = store::bundle(&ops.db, id).await?;
    if bundle.is_some() {
        families::log_read(&ops.db, &actor.authority_id, &actor.user_id, family_id, "subject-access.bundle.download")
            .await?;
    }
    Ok(bundle)
}

async fn change<T>(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    action: &str,
    f: impl FnOnce(&mut SubjectAccessRequest) -> Result<T, SarError>,
) -> Result<(T, i64)> {
    allow(actor, Action::ManageSubjectAccess)?;
    Ok(store::save(&ops.db, &actor.authority_id, id, &actor.user_id, version, action, None, f).await?)
}

/// Records how the requester's identity was verified.
pub async fn verify_identity(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    how: IdentityCheck,
    note: &str,
) -> Result<i64> {
    let today = ops.clock.today();
    let by = actor.user_id.clone();
    Ok(change(ops, actor, id, version, "subject-access.identity", |r| r.verify_identity(how, note, &by, today))
        .await?
        .1)
}

/// Extends the deadline by two months (the policy's extension) with a reason.
pub async fn extend(ops: &Ops, actor: &Actor, id: &str, version: i64, reason: &str) -> Result<(NaiveDate, i64)> {
    let today = ops.clock.today();
    let s = own(ops, actor, id).await?;
    let rules = ops.rules(&actor.authority_id).await?;
    let policy = rules.policy(s.request.received_on);
    let by = actor.user_id.clone();
    change(ops, actor, id, version, "subject-access.extend", |r| r.extend(reason, &by, today, &rules.calendar, &policy))
        .await
}

/// RIGHT-01: gathers what confer holds about the requester, with the proposed redactions,
/// and puts it into review.
pub async fn gather(ops: &Ops, actor: &Actor, id: &str, version: i64) -> Result<i64> {
    allow(actor, Action::ManageSubjectAccess)?;
    let s = own(ops, actor, id).await?;
    let family_id = s.request.family_id.clone();
    let rec = families::family_record(&ops.db, &family_id).await?;
    let rows = confer_store::conferences::of_family(&ops.db, &family_id).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let loaded = confer_store::conferences::load_many(&ops.db, &ids).await?;
    let mut conferences: Vec<_> = ids.iter().filter_map(|i| loaded.get(*i)).map(|s| s.conference.clone()).collect();
    conferences.sort_by_key(|c| c.date());
    let names: HashMap<String, String> = confer_store::users::list(&ops.db, &actor.authority_id)
        .await?
        .into_iter()
        .map(|u| (u.id.as_str().to_owned(), u.display_name))
        .collect();
    let events =
        confer_store::audit::for_entity(&ops.db, actor.authority_id.as_str(), "family", &family_id, 1000).await?;
    let audit: Vec<AuditLine> = events
        .iter()
        .rev()
        .map(|e| AuditLine {
            at: e.at.chars().take(16).collect::<String>().replace('T', " "),
            who: names.get(&e.actor).cloned().unwrap_or_else(|| "confer".into()),
            what: format!("{} ({})", e.action, e.kind.as_str()),
        })
        .collect();
    let recipient = match &s.request.requester {
        PortalPerson::Adult(a) => format!("family-member:{a}"),
        PortalPerson::Child(c) => format!("child:{c}"),
    };
    let documents: Vec<DocumentLine> = documents_sent::for_recipient(&ops.db, &family_id, &recipient)
        .await?
        .into_iter()
        .map(|d| DocumentLine {
            sent_at: d.sent_at.chars().take(10).collect(),
            kind: d.kind,
            version: d.version,
            language: d.language,
            format: d.format,
        })
        .collect();
    let requester = s.request.requester.clone();
    let gathered = gather_holdings(&confer_domain::subject_access::Holdings {
        requester: &requester,
        adults: &rec.adults,
        children: &rec.children,
        relationships: &rec.relationships,
        conferences: &conferences,
        audit: &audit,
        documents: &documents,
    });
    Ok(change(ops, actor, id, version, "subject-access.gather", |r| r.begin_review(gathered)).await?.1)
}

/// A reviewer approves or rejects one proposed redaction (not one they added themselves).
pub async fn decide_redaction(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    number: u32,
    approve: bool,
) -> Result<i64> {
    let today = ops.clock.today();
    let by = actor.user_id.clone();
    let action = if approve { "subject-access.redaction.approve" } else { "subject-access.redaction.reject" };
    Ok(change(ops, actor, id, version, action, |r| r.decide(number, approve, &by, today)).await?.1)
}

/// What a reviewer adds as a redaction.
pub struct NewRedaction<'a> {
    pub item: u32,
    /// `None`: the whole item.
    pub text: Option<&'a str>,
    pub kind: RedactionKind,
    pub reason: &'a str,
    pub exemption: Exemption,
}

/// A reviewer adds a redaction (another reviewer decides it).
pub async fn add_redaction(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    n: NewRedaction<'_>,
) -> Result<(u32, i64)> {
    let by = actor.user_id.clone();
    change(ops, actor, id, version, "subject-access.redaction.add", |r| {
        r.add_redaction(n.item, n.text, n.kind, n.reason, n.exemption, &by)
    })
    .await
}

/// RIGHT-01: produces the bundle (refused while any redaction is undecided), keeps it for the
/// requester's portal, logs it in the documents log and closes the request as answered, all
/// in one transaction. In Wales, in Welsh when asked.
pub async fn produce(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    language: Option<DocumentLanguage>,
) -> Result<i64> {
    allow(actor, Action::ManageSubjectAccess)?;
    let s = own(ops, actor, id).await?;
    let authority = ops.authority(&actor.authority_id).await?;
    let language = document_language(authority.nation, language);
    let today = ops.clock.today();
    // The domain refuses here already, before anything is written, while a redaction is undecided.
    s.request.bundle()?;
    let items = s.request.redacted_items(confer_docs::subject_access::mark_word(language));
    let doc = confer_docs::subject_access::bundle(&s.request, &items, &authority.name, today, language);
    let bytes = render(&doc, Format::Pdf, PrintSize::Standard).map_err(|e| OpsError::Internal(e.to_string()))?;
    let recipient = match &s.request.requester {
        PortalPerson::Adult(a) => format!("family-member:{a}"),
        PortalPerson::Child(c) => format!("child:{c}"),
    };
    let sent = NewSent {
        authority_id: actor.authority_id.as_str(),
        family_id: &s.request.family_id,
        conference_id: None,
        kind: DocumentKind::SubjectAccessBundle.as_str(),
        recipient: &recipient,
        version: 0,
        language: language.as_str(),
        format: Format::Pdf.as_str(),
        print_size: PrintSize::Standard.as_str(),
        channel: "portal",
        content: &bytes,
        sent_by: actor.user_id.as_str(),
    };
    let bundle = Bundle { bytes: &bytes, language: language.as_str(), sent };
    let (_, v) = store::save(
        &ops.db,
        &actor.authority_id,
        id,
        &actor.user_id,
        version,
        "subject-access.answer",
        Some(bundle),
        |r| r.answer(today),
    )
    .await?;
    Ok(v)
}

/// Refuses the request with a reason.
pub async fn refuse(
    ops: &Ops,
    actor: &Actor,
    id: &str,
    version: i64,
    reason: RefusalReason,
    note: &str,
) -> Result<i64> {
    let today = ops.clock.today();
    let by = actor.user_id.clone();
    Ok(change(ops, actor, id, version, "subject-access.refuse", |r| r.refuse(reason, note, &by, today)).await?.1)
}

/// Records that the requester withdrew the request.
pub async fn withdraw(ops: &Ops, actor: &Actor, id: &str, version: i64, note: &str) -> Result<i64> {
    let today = ops.clock.today();
    let by = actor.user_id.clone();
    Ok(change(ops, actor, id, version, "subject-access.withdraw", |r| r.withdraw(note, &by, today)).await?.1)
}
