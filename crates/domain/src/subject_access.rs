//! Subject access requests (RIGHT-01): a parent, carer or young person asks to see the records
//! held about them. The request is logged with its statutory deadline (one calendar month,
//! extendable by two months with a recorded reason), the requester's identity is verified,
//! confer gathers what it holds about them ([`gather`]) and proposes redactions, a reviewer
//! decides each one, and only then is the answer (a redacted bundle) produced.
//!
//! States: received -> identity verified -> in review -> answered; refused (with a reason) or
//! withdrawn from any open state. An extension may be recorded in any open state, once.

use crate::calendar::WorkingCalendar;
use crate::conference::{Conference, Person, Recipient, Visibility};
use crate::model::{Adult, AdultChildRelationship, Child, UserId};
use crate::policy::Policy;
use crate::portal::PortalPerson;
use crate::timescales::DeadlineRule;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// Where a request is.
    pub enum SarState {
        Received => "received", "Received";
        IdentityVerified => "identity-verified", "Identity verified";
        InReview => "in-review", "Gathered, redactions in review";
        Answered => "answered", "Answered";
        Refused => "refused", "Refused";
        Withdrawn => "withdrawn", "Withdrawn";
    }
}

crate::text_enum! {
    /// How the request reached the authority.
    pub enum HowReceived {
        Portal => "portal", "Through the family portal";
        Letter => "letter", "By letter";
        Email => "email", "By email";
        Phone => "phone", "By phone";
        InPerson => "in-person", "In person";
    }
}

crate::text_enum! {
    /// How the requester's identity was verified (recorded by staff).
    pub enum IdentityCheck {
        PortalAccount => "portal-account", "Signed in to their own portal account";
        Document => "document", "Identity document seen";
        KnownToWorker => "known-to-worker", "Known to their social worker, who confirmed it";
        Other => "other", "Another way (described in the note)";
    }
}

crate::text_enum! {
    /// Why a request was refused (UK GDPR article 12(5)), or could not be answered.
    pub enum RefusalReason {
        ManifestlyUnfounded => "manifestly-unfounded", "Manifestly unfounded";
        Excessive => "excessive", "Manifestly excessive (for example repeated)";
        IdentityNotConfirmed => "identity-not-confirmed", "The requester's identity could not be confirmed";
    }
}

crate::text_enum! {
    /// What kind of information a redaction removes.
    pub enum RedactionKind {
        OtherPerson => "other-person", "Another person's information";
        ProfessionalContact => "professional-contact", "A professional's personal contact details";
        ThirdPartyReport => "third-party-report", "A report by another agency that was not shared with you";
        ThirdPartyInformation => "third-party-information", "Information from or about someone else, kept from the family";
        Excluded => "excluded", "Part of a conference you were excluded from";
        Other => "other", "Other information that is exempt";
    }
}

crate::text_enum! {
    /// The exemption a redaction relies on (Data Protection Act 2018).
    pub enum Exemption {
        OtherPeople => "other-people", "DPA 2018 Schedule 2 Part 3 paragraph 16: protection of the rights of others";
        SeriousHarm => "serious-harm", "DPA 2018 Schedule 3 Part 3: social work data likely to cause serious harm";
        CrimePrevention => "crime-prevention", "DPA 2018 Schedule 2 Part 1 paragraph 2: the prevention or detection of crime";
    }
}

crate::text_enum! {
    /// Where an item of the gathered records comes from.
    pub enum ItemSource {
        Details => "details", "Your details";
        Record => "record", "Conference record";
        RecordSent => "record-sent", "Copies of records sent to you";
        Report => "report", "Report to a conference";
        Views => "views", "Your views";
        Documents => "documents", "Documents sent to you";
        Audit => "audit", "Who read or changed your records";
    }
}

/// One piece of what confer holds about the requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub number: u32,
    pub source: ItemSource,
    pub heading: String,
    pub text: String,
}

/// A reviewer's decision on one redaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionDecision {
    pub approved: bool,
    pub by: UserId,
    pub on: NaiveDate,
}

/// A proposed redaction: the whole item, or every whole-word occurrence of `text` in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    pub number: u32,
    pub item: u32,
    /// `None`: the whole item is withheld.
    pub text: Option<String>,
    pub kind: RedactionKind,
    /// Why, in words the requester will read beside the mark (never the redacted text itself).
    pub reason: String,
    pub exemption: Exemption,
    /// `None`: proposed by confer; otherwise the reviewer who added it.
    pub added_by: Option<UserId>,
    pub decision: Option<RedactionDecision>,
}

impl Redaction {
    pub fn is_approved(&self) -> bool {
        self.decision.as_ref().is_some_and(|d| d.approved)
    }
}

/// The extension of the deadline (complex or numerous requests) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub reason: String,
    pub due: NaiveDate,
    pub by: UserId,
    pub on: NaiveDate,
}

/// How identity was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityVerification {
    pub how: IdentityCheck,
    pub note: String,
    pub by: UserId,
    pub on: NaiveDate,
}

/// A refusal or a withdrawal, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub reason: Option<RefusalReason>,
    pub note: String,
    pub by: UserId,
    pub on: NaiveDate,
}

/// Why a step was refused, saying what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SarError {
    #[error("The date the request was received cannot be in the future")]
    ReceivedInFuture,
    #[error("The authority's policy sets no timescale for subject access requests")]
    NoTimescale,
    #[error("The request is {state}: this step is for a request that is {needed}")]
    WrongState { state: &'static str, needed: &'static str },
    #[error("The request is closed ({state}) and can no longer be changed")]
    Closed { state: &'static str },
    #[error("Say why the deadline is extended (for example, the request is complex or there are many records)")]
    NoExtensionReason,
    #[error("The deadline has already been extended once; it cannot be extended again")]
    AlreadyExtended,
    #[error("Describe how the identity was checked")]
    NoIdentityNote,
    #[error("Say why the request is refused or withdrawn")]
    NoReason,
    #[error("There is no redaction {number}")]
    NoSuchRedaction { number: u32 },
    #[error("There is no item {number}")]
    NoSuchItem { number: u32 },
    #[error("You added redaction {number} yourself: another reviewer must decide it, so no one withholds information from a requester alone")]
    SelfReview { number: u32 },
    #[error("Enter the words to redact exactly as they appear in item {item}, or choose to withhold the whole item")]
    TextNotInItem { item: u32 },
    #[error(
        "Say why the information is withheld, in words the requester can read (not the withheld words themselves)"
    )]
    NoRedactionReason,
    #[error("The reason would show the withheld words: describe them instead")]
    ReasonRevealsText,
    #[error(
        "{undecided} proposed redactions are not decided yet: approve or reject each one before the bundle is produced"
    )]
    Undecided { undecided: usize },
}

pub type Outcome<T = ()> = Result<T, SarError>;

/// A subject access request, kept whole as a versioned document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectAccessRequest {
    pub family_id: String,
    pub requester: PortalPerson,
    pub requester_name: String,
    pub received_on: NaiveDate,
    pub how_received: HowReceived,
    /// What the requester asked for, in their words (may be empty: everything).
    pub details: String,
    pub logged_by: UserId,
    /// RIGHT-01: one month from receipt, to the next working day.
    pub due: NaiveDate,
    pub extension: Option<Extension>,
    pub identity: Option<IdentityVerification>,
    pub state: SarState,
    pub items: Vec<Item>,
    pub redactions: Vec<Redaction>,
    pub answered_on: Option<NaiveDate>,
    /// Whether it was answered by the deadline in force.
    pub on_time: Option<bool>,
    pub closure: Option<Closure>,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl SubjectAccessRequest {
    /// RIGHT-01: logs a request received on `received_on` with its deadline (one calendar
    /// month by the policy in force, to the next working day).
    #[allow(clippy::too_many_arguments)]
    pub fn receive<C: WorkingCalendar + ?Sized>(
        family_id: &str,
        requester: PortalPerson,
        requester_name: &str,
        received_on: NaiveDate,
        how_received: HowReceived,
        details: &str,
        logged_by: &UserId,
        today: NaiveDate,
        calendar: &C,
        policy: &Policy,
    ) -> Outcome<SubjectAccessRequest> {
        if received_on > today {
            return Err(SarError::ReceivedInFuture);
        }
        let due = DeadlineRule::SubjectAccess.due_date(received_on, calendar, policy).ok_or(SarError::NoTimescale)?;
        Ok(SubjectAccessRequest {
            family_id: family_id.to_owned(),
            requester,
            requester_name: requester_name.to_owned(),
            received_on,
            how_received,
            details: details.trim().to_owned(),
            logged_by: logged_by.clone(),
            due,
            extension: None,
            identity: None,
            state: SarState::Received,
            items: Vec::new(),
            redactions: Vec::new(),
            answered_on: None,
            on_time: None,
            closure: None,
        })
    }

    /// The deadline in force: the extended one once extended.
    pub fn current_due(&self) -> NaiveDate {
        self.extension.as_ref().map(|e| e.due).unwrap_or(self.due)
    }

    pub fn is_open(&self) -> bool {
        matches!(self.state, SarState::Received | SarState::IdentityVerified | SarState::InReview)
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && today > self.current_due()
    }

    fn open(&self) -> Outcome {
        if self.is_open() {
            Ok(())
        } else {
            Err(SarError::Closed { state: self.state.label() })
        }
    }

    fn expect(&self, state: SarState) -> Outcome {
        self.open()?;
        if self.state != state {
            return Err(SarError::WrongState { state: self.state.label(), needed: state.label() });
        }
        Ok(())
    }

    /// RIGHT-01: records how the requester's identity was verified.
    pub fn verify_identity(&mut self, how: IdentityCheck, note: &str, by: &UserId, today: NaiveDate) -> Outcome {
        self.expect(SarState::Received)?;
        let note = note.trim();
        if note.is_empty() && how == IdentityCheck::Other {
            return Err(SarError::NoIdentityNote);
        }
        self.identity = Some(IdentityVerification { how, note: note.to_owned(), by: by.clone(), on: today });
        self.state = SarState::IdentityVerified;
        Ok(())
    }

    /// RIGHT-01: extends the deadline by the policy's extension (two months by default),
    /// counted from the first deadline, once, with a reason.
    pub fn extend<C: WorkingCalendar + ?Sized>(
        &mut self,
        reason: &str,
        by: &UserId,
        today: NaiveDate,
        calendar: &C,
        policy: &Policy,
    ) -> Outcome<NaiveDate> {
        self.open()?;
        if self.extension.is_some() {
            return Err(SarError::AlreadyExtended);
        }
        let reason = non_empty(reason).ok_or(SarError::NoExtensionReason)?;
        let due = DeadlineRule::SubjectAccessExtended
            .due_date(self.received_on, calendar, policy)
            .ok_or(SarError::NoTimescale)?;
        self.extension = Some(Extension { reason, due, by: by.clone(), on: today });
        Ok(due)
    }

    /// Takes what was gathered and the proposed redactions into review (identity first).
    pub fn begin_review(&mut self, gathered: Gathered) -> Outcome {
        self.expect(SarState::IdentityVerified)?;
        self.items = gathered.items;
        self.redactions = gathered.redactions;
        self.state = SarState::InReview;
        Ok(())
    }

    /// A reviewer approves or rejects one proposed redaction. A redaction a reviewer added
    /// is decided by another reviewer: withholding a person's own information from them is a
    /// decision against their right of access, so it takes two people (the four-eyes check
    /// records management uses for disposal, KEEP-02). confer's own proposals may be decided
    /// by any reviewer: the proposal and the decision are then by different "hands".
    pub fn decide(&mut self, number: u32, approve: bool, by: &UserId, today: NaiveDate) -> Outcome {
        self.expect(SarState::InReview)?;
        let r = self.redactions.iter_mut().find(|r| r.number == number).ok_or(SarError::NoSuchRedaction { number })?;
        if r.added_by.as_ref() == Some(by) {
            return Err(SarError::SelfReview { number });
        }
        r.decision = Some(RedactionDecision { approved: approve, by: by.clone(), on: today });
        Ok(())
    }

    /// A reviewer adds a redaction (of words in an item, or the whole item); undecided until
    /// another reviewer decides it.
    pub fn add_redaction(
        &mut self,
        item: u32,
        text: Option<&str>,
        kind: RedactionKind,
        reason: &str,
        exemption: Exemption,
        by: &UserId,
    ) -> Outcome<u32> {
        self.expect(SarState::InReview)?;
        let it = self.items.iter().find(|i| i.number == item).ok_or(SarError::NoSuchItem { number: item })?;
        let text = match text.map(str::trim) {
            None => None,
            Some(t)
                if !t.is_empty() && find_word(&it.text, t).is_some()
                    || !t.is_empty() && find_word(&it.heading, t).is_some() =>
            {
                Some(t.to_owned())
            }
            Some(_) => return Err(SarError::TextNotInItem { item }),
        };
        let reason = non_empty(reason).ok_or(SarError::NoRedactionReason)?;
        if text.as_deref().is_some_and(|t| reason.to_lowercase().contains(&t.to_lowercase())) {
            return Err(SarError::ReasonRevealsText);
        }
        let number = self.redactions.iter().map(|r| r.number).max().unwrap_or(0) + 1;
        self.redactions.push(Redaction {
            number,
            item,
            text,
            kind,
            reason,
            exemption,
            added_by: Some(by.clone()),
            decision: None,
        });
        Ok(number)
    }

    /// How many redactions are still undecided.
    pub fn undecided(&self) -> usize {
        self.redactions.iter().filter(|r| r.decision.is_none()).count()
    }

    /// RIGHT-01: the bundle may be produced only when every redaction is decided. Returns the
    /// items as the requester will read them, with each approved redaction replaced by a
    /// visible "[redacted: reason]" mark.
    pub fn bundle(&self) -> Outcome<Vec<Item>> {
        self.expect(SarState::InReview)?;
        let undecided = self.undecided();
        if undecided > 0 {
            return Err(SarError::Undecided { undecided });
        }
        Ok(self.redacted_items("redacted"))
    }

    /// The items with the approved redactions applied; `word` is the mark's word ("redacted",
    /// or its Welsh for a Welsh bundle).
    pub fn redacted_items(&self, word: &str) -> Vec<Item> {
        self.items
            .iter()
            .map(|item| {
                let approved: Vec<&Redaction> =
                    self.redactions.iter().filter(|r| r.item == item.number && r.is_approved()).collect();
                if let Some(whole) = approved.iter().find(|r| r.text.is_none()) {
                    return Item {
                        number: item.number,
                        source: item.source,
                        heading: item.heading.clone(),
                        text: format!("[{word}: {}]", whole.reason),
                    };
                }
                // Longer words first, so a full name goes before the given name inside it.
                let mut parts: Vec<&Redaction> = approved;
                parts.sort_by_key(|r| std::cmp::Reverse(r.text.as_deref().map(str::len).unwrap_or(0)));
                let (mut heading, mut text) = (item.heading.clone(), item.text.clone());
                for r in parts {
                    if let Some(t) = &r.text {
                        let mark = format!("[{word}: {}]", r.reason);
                        heading = replace_words(&heading, t, &mark);
                        text = replace_words(&text, t, &mark);
                    }
                }
                Item { number: item.number, source: item.source, heading, text }
            })
            .collect()
    }

    /// RIGHT-01: answered with the bundle produced today (every redaction decided).
    pub fn answer(&mut self, today: NaiveDate) -> Outcome {
        self.bundle()?;
        self.answered_on = Some(today);
        self.on_time = Some(today <= self.current_due());
        self.state = SarState::Answered;
        Ok(())
    }

    /// Refuses the request with a reason (manifestly unfounded, excessive, identity).
    pub fn refuse(&mut self, reason: RefusalReason, note: &str, by: &UserId, today: NaiveDate) -> Outcome {
        self.open()?;
        let note = non_empty(note).ok_or(SarError::NoReason)?;
        self.closure = Some(Closure { reason: Some(reason), note, by: by.clone(), on: today });
        self.answered_on = Some(today);
        self.on_time = Some(today <= self.current_due());
        self.state = SarState::Refused;
        Ok(())
    }

    /// The requester withdraws the request (recorded with what they said).
    pub fn withdraw(&mut self, note: &str, by: &UserId, today: NaiveDate) -> Outcome {
        self.open()?;
        let note = non_empty(note).ok_or(SarError::NoReason)?;
        self.closure = Some(Closure { reason: None, note, by: by.clone(), on: today });
        self.state = SarState::Withdrawn;
        Ok(())
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The byte offset of the first whole-word occurrence of `word` in `text` (case-sensitive).
fn find_word(text: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let edge_ok = |c: Option<char>, inner: Option<char>| match (c, inner) {
            (Some(c), Some(w)) if is_word_char(w) => !is_word_char(c),
            _ => true,
        };
        if edge_ok(before, word.chars().next()) && edge_ok(after, word.chars().next_back()) {
            return Some(at);
        }
        from = at + word.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    None
}

/// Replaces every whole-word occurrence of `word` with `mark`.
fn replace_words(text: &str, word: &str, mark: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find_word(rest, word) {
        out.push_str(&rest[..at]);
        out.push_str(mark);
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// An event about the requester's records, as the audit trail holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    pub at: String,
    pub who: String,
    pub what: String,
}

/// A document sent to the requester, as the documents log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLine {
    pub sent_at: String,
    pub kind: String,
    pub version: i64,
    pub language: String,
    pub format: String,
}

/// Everything confer holds that may be about the requester, read by the caller.
pub struct Holdings<'a> {
    pub requester: &'a PortalPerson,
    pub adults: &'a [Adult],
    pub children: &'a [Child],
    pub relationships: &'a [AdultChildRelationship],
    pub conferences: &'a [Conference],
    pub audit: &'a [AuditLine],
    pub documents: &'a [DocumentLine],
}

/// What was gathered, with confer's proposed redactions (each still to be decided).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gathered {
    pub items: Vec<Item>,
    pub redactions: Vec<Redaction>,
}

impl Gathered {
    fn item(&mut self, source: ItemSource, heading: String, text: String) -> u32 {
        let number = self.items.len() as u32 + 1;
        self.items.push(Item { number, source, heading, text });
        number
    }
    fn propose(&mut self, item: u32, text: Option<String>, kind: RedactionKind, reason: &str, exemption: Exemption) {
        let dup = self.redactions.iter().any(|r| r.item == item && r.text == text);
        if dup {
            return;
        }
        let number = self.redactions.len() as u32 + 1;
        self.redactions.push(Redaction {
            number,
            item,
            text,
            kind,
            reason: reason.to_owned(),
            exemption,
            added_by: None,
            decision: None,
        });
    }
}

/// Another person whose name is proposed for redaction, and how the requester reads the mark.
struct Other {
    names: Vec<String>,
    reason: &'static str,
}

/// RIGHT-01: gathers what confer holds about the requester (their details, the conferences
/// they were part of: the record, the copies sent to them, the reports, their views; the
/// documents sent to them; who read or changed their family's records) and proposes the
/// redactions: other people's names (another adult of the family; a child the requester is not
/// a parent or carer of, such as a sibling), professionals' contact details, reports of other
/// agencies not shared with them, restricted (third-party or police) information, and what
/// they were excluded from (EXC-06).
pub fn gather(h: &Holdings<'_>) -> Gathered {
    let mut g = Gathered::default();
    let (recipient, person, own_name, details) = match h.requester {
        PortalPerson::Adult(id) => {
            let a = h.adults.iter().find(|a| &a.id == id);
            let name = a.map(|a| format!("{} {}", a.given_name, a.family_name)).unwrap_or_default();
            let mut lines = vec![format!("Name: {name}")];
            if let Some(a) = a {
                if let Some(e) = &a.email {
                    lines.push(format!("Email: {e}"));
                }
                if let Some(p) = &a.phone {
                    lines.push(format!("Phone: {p}"));
                }
                if !a.communication.first_language.is_empty() {
                    lines.push(format!("First language: {}", a.communication.first_language));
                }
            }
            (Recipient::FamilyMember(id.clone()), Person::FamilyMember(id.clone()), name, lines)
        }
        PortalPerson::Child(id) => {
            let c = h.children.iter().find(|c| &c.id == id);
            let name = c.map(|c| format!("{} {}", c.given_name, c.family_name)).unwrap_or_default();
            let mut lines = vec![format!("Name: {name}")];
            if let Some(crate::model::Birth::Born(d)) = c.map(|c| c.birth) {
                lines.push(format!("Date of birth: {}", d.format("%-d %B %Y")));
            }
            (Recipient::Child(id.clone()), Person::Child(id.clone()), name, lines)
        }
    };
    // Other people of the family: another adult always; a child unless the requester is
    // their parent or carer (a parent's own child's name is about them both).
    let mut others: Vec<Other> = Vec::new();
    for a in h.adults {
        if PortalPerson::Adult(a.id.clone()) != *h.requester {
            others.push(Other {
                names: vec![format!("{} {}", a.given_name, a.family_name), a.given_name.clone()],
                reason: "another adult's name",
            });
            let mut contact = Vec::new();
            contact.extend(a.email.clone());
            contact.extend(a.phone.clone());
            if !contact.is_empty() {
                others.push(Other { names: contact, reason: "another adult's contact details" });
            }
        }
    }
    for c in h.children {
        if PortalPerson::Child(c.id.clone()) == *h.requester {
            continue;
        }
        let cares = match h.requester {
            PortalPerson::Adult(a) => h
                .relationships
                .iter()
                .any(|r| &r.adult_id == a && r.child_id == c.id && (r.parental_responsibility || r.carer)),
            PortalPerson::Child(_) => false,
        };
        if !cares {
            let reason = match h.requester {
                PortalPerson::Child(_) => "a brother's or sister's name",
                PortalPerson::Adult(_) => "another child's name",
            };
            others.push(Other {
                names: vec![format!("{} {}", c.given_name, c.family_name), c.given_name.clone()],
                reason,
            });
        }
    }

    let n = g.item(ItemSource::Details, "Your details".into(), details.join("\n"));
    propose_in(&mut g, n, &others, &own_name);

    for c in h.conferences {
        let in_it = match &person {
            Person::FamilyMember(a) => c.family_members().iter().any(|m| &m.adult_id == a),
            Person::Child(ch) => c.children().iter().any(|x| &x.child_id == ch),
            Person::Professional(_) => false,
        };
        if !in_it {
            continue;
        }
        let when = c.date().map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_else(|| "not yet held".into());
        let title = format!("{} ({when})", c.kind().label());
        let visibility: Visibility = c.visibility_for(&recipient);
        if let Some(version) = c.record().latest() {
            for s in &version.sections {
                let n = g.item(
                    ItemSource::Record,
                    format!("{title}, record version {}: {}", version.number, s.heading),
                    s.text.clone(),
                );
                if !visibility.may_see_section(s) {
                    if s.restricted {
                        g.propose(
                            n,
                            None,
                            RedactionKind::ThirdPartyInformation,
                            "information from or about someone else, kept from the family",
                            Exemption::OtherPeople,
                        );
                    } else {
                        g.propose(
                            n,
                            None,
                            RedactionKind::Excluded,
                            "part of the conference you were excluded from",
                            Exemption::SeriousHarm,
                        );
                    }
                }
                propose_in(&mut g, n, &others, &own_name);
            }
        }
        let sent: Vec<String> = c
            .record()
            .distribution
            .iter()
            .filter(|d| d.recipient == recipient)
            .map(|d| format!("Version {} sent on {}", d.version, d.on.format("%-d %B %Y")))
            .collect();
        if !sent.is_empty() {
            g.item(ItemSource::RecordSent, format!("{title}: copies of the record sent to you"), sent.join("\n"));
        }
        for r in c.reports() {
            let author = c.professionals().iter().find(|p| p.professional_id == r.author);
            let by = author
                .map(|p| format!("{}, {}", p.job_title, p.agency_name))
                .unwrap_or_else(|| "a professional".into());
            let shared = c.report_log().iter().any(|s| s.report == r.id && s.recipient == recipient);
            for part in &r.parts {
                let n =
                    g.item(ItemSource::Report, format!("{title}: report by {by}: {}", part.heading), part.text.clone());
                if !shared {
                    g.propose(
                        n,
                        None,
                        RedactionKind::ThirdPartyReport,
                        "a report by another agency that was not shared with you",
                        if author.is_some_and(|p| p.agency_kind == crate::model::AgencyKind::Police) {
                            Exemption::CrimePrevention
                        } else {
                            Exemption::OtherPeople
                        },
                    );
                } else if part.restricted.is_some() {
                    g.propose(
                        n,
                        None,
                        RedactionKind::ThirdPartyInformation,
                        "information from or about someone else, kept from the family",
                        Exemption::OtherPeople,
                    );
                }
                propose_in(&mut g, n, &others, &own_name);
            }
        }
        for v in c.views().iter().filter(|v| v.given.whose == person) {
            let n = g.item(
                ItemSource::Views,
                format!("{title}: your views ({})", v.given.obtained_on.format("%-d %B %Y")),
                v.given.summary.clone(),
            );
            propose_in(&mut g, n, &others, &own_name);
        }
        if let Person::FamilyMember(a) = &person {
            for v in c.parent_views().iter().filter(|v| &v.adult_id == a) {
                let n = g.item(ItemSource::Views, format!("{title}: your views at the meeting"), v.views.clone());
                propose_in(&mut g, n, &others, &own_name);
            }
        }
    }
    if !h.documents.is_empty() {
        let lines: Vec<String> = h
            .documents
            .iter()
            .map(|d| format!("{}: {} (version {}, {}, {})", d.sent_at, d.kind, d.version, d.language, d.format))
            .collect();
        g.item(ItemSource::Documents, "Documents sent to you".into(), lines.join("\n"));
    }
    if !h.audit.is_empty() {
        let lines: Vec<String> = h.audit.iter().map(|a| format!("{}: {} ({})", a.at, a.what, a.who)).collect();
        g.item(ItemSource::Audit, "Who read or changed your family's records".into(), lines.join("\n"));
    }
    g
}

/// Proposes, in one item, the other people's names and every contact detail that looks like
/// a professional's (an email address or a phone number), never the requester's own.
fn propose_in(g: &mut Gathered, item: u32, others: &[Other], own_name: &str) {
    let (heading, text) = {
        let it = &g.items[(item - 1) as usize];
        (it.heading.clone(), it.text.clone())
    };
    for o in others {
        for name in &o.names {
            if name.trim().is_empty() || own_name.split_whitespace().any(|w| w == name) || own_name == name {
                continue;
            }
            if find_word(&text, name).is_some() || find_word(&heading, name).is_some() {
                g.propose(item, Some(name.clone()), RedactionKind::OtherPerson, o.reason, Exemption::OtherPeople);
            }
        }
    }
    let known: Vec<String> = others.iter().flat_map(|o| o.names.iter().cloned()).collect();
    if g.items[(item - 1) as usize].source == ItemSource::Details {
        return;
    }
    for contact in contact_details(&text) {
        if !known.contains(&contact) {
            g.propose(
                item,
                Some(contact),
                RedactionKind::ProfessionalContact,
                "a professional's contact details",
                Exemption::OtherPeople,
            );
        }
    }
}

/// Email addresses and phone numbers (10 or more digits, spaces allowed, from 0 or +44).
pub fn contact_details(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>')) {
        let w = word.trim_end_matches(['.', ':']);
        if let Some((local, domain)) = w.split_once('@') {
            if !local.is_empty() && domain.contains('.') && !out.contains(&w.to_owned()) {
                out.push(w.to_owned());
            }
        }
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let begins = c == '0' || (c == '+' && chars.get(i + 1).is_some_and(|x| x.1 == '4'));
        let after_word = i == 0 || !chars[i - 1].1.is_alphanumeric();
        if begins && after_word {
            let mut j = i;
            let mut digits = 0;
            let mut end = start;
            while j < chars.len() && (chars[j].1.is_ascii_digit() || chars[j].1 == ' ' || (j == i && chars[j].1 == '+'))
            {
                if chars[j].1.is_ascii_digit() {
                    digits += 1;
                    end = chars[j].0 + 1;
                }
                j += 1;
            }
            if (10..=13).contains(&digits) {
                let number = text[start..end].to_owned();
                if !out.contains(&number) {
                    out.push(number);
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::Nation;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> Calendar {
        Calendar::for_nation(Nation::England)
    }

    fn request(received: &str) -> SubjectAccessRequest {
        SubjectAccessRequest::receive(
            "fam-1",
            PortalPerson::Child("child-1".into()),
            "Robin Example",
            d(received),
            HowReceived::Letter,
            "",
            &UserId("qa".into()),
            d("2026-12-31"),
            &cal(),
            &Policy::default(),
        )
        .unwrap()
    }

    #[test]
    fn right_01_deadline_is_one_month_to_a_working_day_and_extends_by_two_months_once_with_a_reason() {
        // 2 November 2026 (a Monday) + 1 month = 2 December (a Wednesday).
        let r = request("2026-11-02");
        assert_eq!(r.due, d("2026-12-02"));
        // 31 October 2026 + 1 month = 30 November (clamped, a Monday).
        assert_eq!(request("2026-10-31").due, d("2026-11-30"));
        // A deadline on a weekend moves to the next working day: 7 February 2026 is a
        // Saturday, so a request of 7 January is due on Monday 9 February.
        assert_eq!(request("2026-01-07").due, d("2026-02-09"));
        // 25 November + 1 month = 25 December (Christmas Day, a Friday) -> Tuesday 29th
        // (28 December is the Boxing Day substitute holiday).
        assert_eq!(request("2026-11-25").due, d("2026-12-29"));

        let mut r = request("2026-11-02");
        let qa = UserId("qa".into());
        assert_eq!(r.extend(" ", &qa, d("2026-11-10"), &cal(), &Policy::default()), Err(SarError::NoExtensionReason));
        // Two months after the first deadline (2 December) = 2 February 2027 (a Tuesday).
        let due = r
            .extend("Many records across three conferences", &qa, d("2026-11-10"), &cal(), &Policy::default())
            .unwrap();
        assert_eq!(due, d("2027-02-02"));
        assert_eq!(r.current_due(), d("2027-02-02"));
        assert_eq!(r.extend("again", &qa, d("2026-11-11"), &cal(), &Policy::default()), Err(SarError::AlreadyExtended));
        assert!(!r.is_overdue(d("2027-02-02")));
        assert!(r.is_overdue(d("2027-02-03")));
    }

    #[test]
    fn right_01_received_in_the_future_is_refused() {
        let r = SubjectAccessRequest::receive(
            "f",
            PortalPerson::Adult("a".into()),
            "A",
            d("2027-01-02"),
            HowReceived::Phone,
            "",
            &UserId("qa".into()),
            d("2027-01-01"),
            &cal(),
            &Policy::default(),
        );
        assert_eq!(r, Err(SarError::ReceivedInFuture));
    }

    fn in_review() -> SubjectAccessRequest {
        let mut r = request("2026-11-02");
        let qa = UserId("qa".into());
        assert!(matches!(r.begin_review(Gathered::default()), Err(SarError::WrongState { .. })), "identity first");
        r.verify_identity(IdentityCheck::Document, "Passport seen at the office", &qa, d("2026-11-03")).unwrap();
        let mut g = Gathered::default();
        let n = g.item(
            ItemSource::Report,
            "Report by a school".into(),
            "Robin and Alex Example were late. Call 0161 496 0000.".into(),
        );
        g.propose(
            n,
            Some("Alex".into()),
            RedactionKind::OtherPerson,
            "a brother's or sister's name",
            Exemption::OtherPeople,
        );
        let m = g.item(ItemSource::Report, "Police report".into(), "Police information about an adult.".into());
        g.propose(
            m,
            None,
            RedactionKind::ThirdPartyReport,
            "a report by another agency that was not shared with you",
            Exemption::CrimePrevention,
        );
        r.begin_review(g).unwrap();
        r
    }

    #[test]
    fn right_01_bundle_is_refused_until_every_redaction_is_decided_and_marks_what_was_redacted() {
        let mut r = in_review();
        let (qa, other) = (UserId("qa".into()), UserId("qa2".into()));
        assert_eq!(r.bundle(), Err(SarError::Undecided { undecided: 2 }));
        assert_eq!(r.answer(d("2026-11-20")), Err(SarError::Undecided { undecided: 2 }));
        r.decide(1, true, &qa, d("2026-11-20")).unwrap();
        assert_eq!(r.bundle(), Err(SarError::Undecided { undecided: 1 }));
        // A reviewer adds one: someone else must decide it.
        let added = r
            .add_redaction(
                1,
                Some("0161 496 0000"),
                RedactionKind::ProfessionalContact,
                "a professional's phone number",
                Exemption::OtherPeople,
                &qa,
            )
            .unwrap();
        assert_eq!(r.decide(added, true, &qa, d("2026-11-20")), Err(SarError::SelfReview { number: added }));
        assert_eq!(
            r.add_redaction(1, Some("Sam"), RedactionKind::OtherPerson, "x", Exemption::OtherPeople, &qa),
            Err(SarError::TextNotInItem { item: 1 })
        );
        assert_eq!(
            r.add_redaction(1, Some("Robin"), RedactionKind::OtherPerson, "Robin's name", Exemption::OtherPeople, &qa),
            Err(SarError::ReasonRevealsText)
        );
        r.decide(added, true, &other, d("2026-11-20")).unwrap();
        r.decide(2, false, &qa, d("2026-11-20")).unwrap();
        let items = r.bundle().unwrap();
        assert_eq!(items[0].text, "Robin and [redacted: a brother's or sister's name] Example were late. Call [redacted: a professional's phone number].");
        assert_eq!(items[1].text, "Police information about an adult.", "a rejected redaction leaves the text");
        r.answer(d("2026-12-03")).unwrap();
        assert_eq!(r.state, SarState::Answered);
        assert_eq!(r.on_time, Some(false), "answered after 2 December");
        assert!(matches!(r.decide(1, false, &qa, d("2026-12-04")), Err(SarError::Closed { .. })));
    }

    #[test]
    fn right_01_refused_and_withdrawn_need_a_reason_and_close_the_request() {
        let qa = UserId("qa".into());
        let mut r = request("2026-11-02");
        assert_eq!(r.refuse(RefusalReason::ManifestlyUnfounded, " ", &qa, d("2026-11-05")), Err(SarError::NoReason));
        r.refuse(RefusalReason::ManifestlyUnfounded, "Fourth identical request this month", &qa, d("2026-11-05"))
            .unwrap();
        assert_eq!(r.state, SarState::Refused);
        assert_eq!(r.on_time, Some(true));
        assert!(matches!(r.withdraw("x", &qa, d("2026-11-06")), Err(SarError::Closed { .. })));
        let mut w = request("2026-11-02");
        w.withdraw("The requester phoned to withdraw it", &qa, d("2026-11-04")).unwrap();
        assert_eq!(w.state, SarState::Withdrawn);
        assert!(!w.is_overdue(d("2027-06-01")));
    }

    #[test]
    fn right_01_contact_details_are_found_in_text() {
        let found =
            contact_details("Ring J. Smith on 0161 496 0000 or 07700900123, or jo.smith@school.example. Case 12345.");
        assert_eq!(
            found,
            vec!["jo.smith@school.example".to_owned(), "0161 496 0000".to_owned(), "07700900123".to_owned()]
        );
        assert_eq!(replace_words("Alexandra and Alex", "Alex", "[x]"), "Alexandra and [x]");
    }
}
