//! Feedback after a conference (QA-01): the invitations made when the outcome is first sent
//! (in the conference's own transaction, with the e-mail that carries each person's link), the
//! answers, and the figures for the report.
//!
//! The e-mailed link carries a single-purpose token: 32 random bytes, kept only as a SHA-256
//! hash on the invitation, for that conference and that person, working until the answer
//! window closes and cleared when it is used. The message carrying it is marked as holding a
//! secret, so its body is replaced once it is sent ([`crate::outbox::mark_sent`]). The link is
//! written with [`LINK_BASE`] in place of confer's address, which the mail delivery fills in.
//!
//! An anonymous answer is stored with no invitation, no person and no time finer than its
//! month, under a random (not time-ordered) id; its audit event names the invitation used but
//! not the answer, so the two cannot be matched.

use crate::audit::{self, Entry};
use crate::{int, opt_text, text, Db, Result, StoreError, Tx};
use chrono::NaiveDate;
use confer_domain::audit::EventKind;
use confer_domain::conference::Conference;
use confer_domain::feedback::{self as fb, Answers, Audience, FeedbackError, InvitationState, Invited, Reply};
use serde_json::{json, Value};

/// Stands for confer's own address in a message body until it is delivered (the delivery
/// knows the address people reach confer at; the transaction that writes the message does not).
pub const LINK_BASE: &str = "{confer-address}";

/// The body that replaces a feedback message's once it is sent (the link is not kept).
pub const SENT_BODY: &str = "(A link to give feedback was sent in this message. It is not kept.)";

/// The actor of answers given through an e-mailed link (the person has not signed in).
pub const LINK_ACTOR: &str = "feedback-link";

/// One person's invitation to give feedback about one conference.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub authority_id: String,
    pub family_id: String,
    pub conference_id: String,
    pub invited: Invited,
    pub audience: Audience,
    pub invited_on: NaiveDate,
    pub answered: bool,
}

impl Invitation {
    pub fn state(&self) -> InvitationState {
        InvitationState { invited_on: self.invited_on, answered: self.answered }
    }
}

const COLUMNS: &str =
    "id, authority_id, family_id, conference_id, invitee_kind, invitee_id, audience, invited_on, answered_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Invitation> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("feedback invitation {what}"));
    Ok(Invitation {
        id: text(r, "id")?,
        authority_id: text(r, "authority_id")?,
        family_id: text(r, "family_id")?,
        conference_id: text(r, "conference_id")?,
        invited: Invited::from_parts(&text(r, "invitee_kind")?, &text(r, "invitee_id")?)
            .ok_or_else(|| corrupt("invitee"))?,
        audience: Audience::parse(&text(r, "audience")?).ok_or_else(|| corrupt("audience"))?,
        invited_on: text(r, "invited_on")?.parse().map_err(|_| corrupt("date"))?,
        answered: opt_text(r, "answered_at")?.is_some(),
    })
}

/// QA-01, in the conference's transaction: asks the people newly asked for feedback by this
/// change ([`fb::newly_invited`]): an invitation each, and an e-mail with their own link to
/// those with an address. Each invitation is audited (by the person's id: no name, no address).
pub(crate) async fn invite_in(tx: &mut Tx, before: &Conference, c: &Conference, actor: &str) -> Result<()> {
    let asked = fb::newly_invited(before, c);
    if asked.is_empty() {
        return Ok(());
    }
    let authority = sqlx::query("SELECT name, nation FROM authority WHERE id = $1")
        .bind(c.authority_id().as_str())
        .fetch_one(&mut **tx)
        .await?;
    let authority_name = text(&authority, "name")?;
    let nation = confer_domain::Nation::parse(&text(&authority, "nation")?)
        .ok_or_else(|| StoreError::Corrupt("authority nation".into()))?;
    let about = confer_domain::notices::About::new(c.kind(), &authority_name, nation);
    let today = tx.clock().today();
    let closes_on = InvitationState { invited_on: today, answered: false }.closes_on();
    for person in asked {
        let id = crate::new_id();
        let inserted = sqlx::query(
            "INSERT INTO feedback_invitation (id, authority_id, family_id, conference_id, invitee_kind, invitee_id, \
             audience, invited_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (conference_id, invitee_kind, invitee_id) DO NOTHING",
        )
        .bind(&id)
        .bind(c.authority_id().as_str())
        .bind(c.family_id().as_str())
        .bind(c.id().as_str())
        .bind(person.kind())
        .bind(person.id())
        .bind(person.audience().as_str())
        .bind(today.to_string())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if inserted != 1 {
            continue;
        }
        let contact = address_of(tx, &person).await?;
        if let Some((email, first_language)) = &contact {
            let token = crate::random_secret(32);
            sqlx::query("UPDATE feedback_invitation SET token_hash = $2 WHERE id = $1")
                .bind(&id)
                .bind(crate::secret_hash(&token))
                .execute(&mut **tx)
                .await?;
            let link = format!("{LINK_BASE}/feedback/{}/{token}", c.id().as_str());
            let audience = match person.audience() {
                Audience::Family => confer_domain::notices::Audience::Family,
                Audience::Professional => confer_domain::notices::Audience::Professional,
            };
            let notice =
                confer_domain::notices::feedback_asked(about.to(first_language.as_deref()), &link, closes_on, audience);
            let now = tx.now();
            crate::outbox::enqueue(
                tx,
                &crate::outbox::NewMessage {
                    id: &crate::new_id(),
                    authority_id: c.authority_id().as_str(),
                    recipient: email,
                    subject: &notice.subject,
                    body: &notice.body,
                    created_at: &now,
                    secret: 2,
                    calendar: None,
                },
            )
            .await?;
        }
        audit::record(
            tx,
            Entry {
                authority_id: c.authority_id().as_str(),
                actor,
                kind: EventKind::Change,
                action: "feedback.invite",
                entity_type: "conference",
                entity_id: c.id().as_str(),
                before: Value::Null,
                after: json!({"invitation_id": id, "invitee": person, "emailed": contact.is_some(), "closes_on": closes_on}),
            },
        )
        .await?;
    }
    Ok(())
}

/// The address a person is e-mailed at: a family member's or professional's recorded address,
/// a young person's portal account's. None without one.
async fn address_of(tx: &mut Tx, person: &Invited) -> Result<Option<(String, Option<String>)>> {
    let sql = match person {
        Invited::FamilyMember(_) => "SELECT email, first_language FROM adult WHERE id = $1",
        Invited::Professional(_) => "SELECT email, NULL AS first_language FROM professional WHERE id = $1",
        Invited::Child(_) => {
            "SELECT u.email, c.first_language FROM portal_person pp JOIN user_account u ON u.id = pp.user_id \
             JOIN child c ON c.id = pp.child_id WHERE pp.child_id = $1 AND u.disabled = 0"
        }
    };
    let row = sqlx::query(sql).bind(person.id()).fetch_optional(&mut **tx).await?;
    let Some(r) = row else { return Ok(None) };
    let email = opt_text(&r, "email")?.filter(|e| e.contains('@'));
    Ok(email.map(|e| (e, opt_text(&r, "first_language").ok().flatten())))
}

/// The invitation an e-mailed token opens, for this conference only (None for any other
/// conference, a used token, or one never made).
pub async fn by_token(db: &Db, conference_id: &str, token: &str) -> Result<Option<Invitation>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row =
        sqlx::query(&format!("SELECT {COLUMNS} FROM feedback_invitation WHERE token_hash = $1 AND conference_id = $2"))
            .bind(crate::secret_hash(token))
            .bind(conference_id)
            .fetch_optional(db.pool())
            .await?;
    row.as_ref().map(from_row).transpose()
}

/// The people a signed-in account is: the family members and young people its portal links
/// name, and the professional it is.
pub async fn people_of_account(db: &Db, user_id: &str) -> Result<Vec<Invited>> {
    let rows = sqlx::query(
        "SELECT adult_id, child_id, NULL AS professional_id FROM portal_person WHERE user_id = $1 \
         UNION ALL SELECT NULL AS adult_id, NULL AS child_id, id AS professional_id FROM professional WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        if let Some(a) = opt_text(r, "adult_id")? {
            out.push(Invited::FamilyMember(confer_domain::AdultId(a)));
        } else if let Some(c) = opt_text(r, "child_id")? {
            out.push(Invited::Child(confer_domain::ChildId(c)));
        } else if let Some(p) = opt_text(r, "professional_id")? {
            out.push(Invited::Professional(confer_domain::ProfessionalId(p)));
        }
    }
    Ok(out)
}

/// Every invitation of these people (answered or not), newest first.
pub async fn of_people(db: &Db, people: &[Invited]) -> Result<Vec<Invitation>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=people.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql =
        format!("SELECT {COLUMNS} FROM feedback_invitation WHERE invitee_id IN ({marks}) ORDER BY invited_on DESC, id");
    let mut q = sqlx::query(&sql);
    for p in people {
        q = q.bind(p.id());
    }
    let rows = q.fetch_all(db.pool()).await?;
    let all: Vec<Invitation> = rows.iter().map(from_row).collect::<Result<_>>()?;
    Ok(all.into_iter().filter(|i| people.contains(&i.invited)).collect())
}

/// Every invitation of one conference, with the person it is for.
pub async fn of_conference(db: &Db, conference_id: &str) -> Result<Vec<(Invited, Invitation)>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM feedback_invitation WHERE conference_id = $1 ORDER BY id"))
        .bind(conference_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| from_row(r).map(|i| (i.invited.clone(), i))).collect()
}

/// Why an answer was not kept.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error(transparent)]
    Refused(#[from] FeedbackError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AnswerError {
    fn from(e: sqlx::Error) -> Self {
        AnswerError::Store(e.into())
    }
}

/// QA-01: keeps an answer to an invitation, once: the invitation is marked answered (its
/// token cleared) only if it was not already, in the same transaction as the answer and its
/// audit event, so two answers sent at once keep one.
pub async fn answer(
    db: &Db,
    invitation: &Invitation,
    answers: &Answers,
    lang: &str,
    actor: &str,
) -> std::result::Result<(), AnswerError> {
    invitation.state().may_answer(db.today())?;
    let mut tx = db.begin().await?;
    let marked = sqlx::query(
        "UPDATE feedback_invitation SET answered_at = $2, token_hash = NULL WHERE id = $1 AND answered_at IS NULL",
    )
    .bind(&invitation.id)
    .bind(tx.now())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked != 1 {
        return Err(FeedbackError::AlreadyAnswered.into());
    }
    // A random id (not the time-ordered kind) so an anonymous answer's id says nothing of when.
    let response_id = crate::random_secret(16);
    let period = db.today().format("%Y-%m").to_string();
    let replies: Vec<(&str, &str)> = answers.replies.iter().map(|(q, r)| (q.as_str(), r.as_str())).collect();
    sqlx::query(
        "INSERT INTO feedback_response (id, authority_id, conference_id, invitation_id, audience, period, replies, \
         rating, comment, lang) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&response_id)
    .bind(&invitation.authority_id)
    .bind(&invitation.conference_id)
    .bind((!answers.anonymous).then_some(invitation.id.as_str()))
    .bind(answers.audience.as_str())
    .bind(&period)
    .bind(json!(replies).to_string())
    .bind(i64::from(answers.rating))
    .bind(&answers.comment)
    .bind(lang)
    .execute(&mut *tx)
    .await?;
    let after = if answers.anonymous {
        json!({"answered": true, "anonymous": true})
    } else {
        json!({"answered": true, "anonymous": false, "response_id": response_id})
    };
    audit::record(
        &mut tx,
        Entry {
            authority_id: &invitation.authority_id,
            actor,
            kind: EventKind::Change,
            action: "feedback.answer",
            entity_type: "feedback-invitation",
            entity_id: &invitation.id,
            before: json!({"answered": false}),
            after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One answer as the report reads it: the figures, and the comment with what it is about.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub response: fb::Response,
    pub comment: String,
    pub conference_id: String,
    pub anonymous: bool,
}

/// The answers given in the months from `from` to `to` (`YYYY-MM`, both included).
pub async fn responses(db: &Db, authority_id: &str, from: &str, to: &str) -> Result<Vec<ReportRow>> {
    let rows = sqlx::query(
        "SELECT audience, period, replies, rating, comment, conference_id, invitation_id FROM feedback_response \
         WHERE authority_id = $1 AND period >= $2 AND period <= $3 ORDER BY period, audience, id",
    )
    .bind(authority_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let replies: Vec<(String, String)> = serde_json::from_str(&text(r, "replies")?)
            .map_err(|e| StoreError::Corrupt(format!("feedback replies: {e}")))?;
        out.push(ReportRow {
            response: fb::Response {
                audience: Audience::parse(&text(r, "audience")?)
                    .ok_or_else(|| StoreError::Corrupt("feedback audience".into()))?,
                period: text(r, "period")?,
                replies: replies.into_iter().filter_map(|(q, a)| Reply::parse(&a).map(|a| (q, a))).collect(),
                rating: u8::try_from(int(r, "rating")?).unwrap_or(0),
            },
            comment: text(r, "comment")?,
            conference_id: text(r, "conference_id")?,
            anonymous: opt_text(r, "invitation_id")?.is_none(),
        });
    }
    Ok(out)
}

/// How many people were asked in the period (by the day they were asked), and how many of
/// them have answered: for the response rate.
pub async fn asked_and_answered(db: &Db, authority_id: &str, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS asked, COUNT(answered_at) AS answered FROM feedback_invitation \
         WHERE authority_id = $1 AND invited_on >= $2 AND invited_on <= $3",
    )
    .bind(authority_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_one(db.pool())
    .await?;
    Ok((int(&row, "asked")?, int(&row, "answered")?))
}

/// The families of these conferences (each once), for the logged read of their comments.
pub async fn families_of(db: &Db, conference_ids: &[&str]) -> Result<Vec<String>> {
    let mut out = std::collections::BTreeSet::new();
    for chunk in conference_ids.chunks(500) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT DISTINCT family_id FROM feedback_invitation WHERE conference_id IN ({marks})");
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(db.pool()).await? {
            out.insert(text(&r, "family_id")?);
        }
    }
    Ok(out.into_iter().collect())
}
