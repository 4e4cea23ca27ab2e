//! Issue 14: how an authority's messages leave the outbox. E-mail goes through the SMTP relay
//! given to `confer serve` or through GOV.UK Notify; text messages (to a family member with a
//! mobile number who has not asked for post) through Notify or not at all. Letters stay on
//! the authority's print list.
//!
//! The Notify API key is a secret: it is stored sealed (with the key that seals TOTP secrets,
//! when one is set, and the authority's id as associated data), never logged, never audited,
//! and shown back only as its last four characters.

use crate::audit::{self, Entry};
use crate::{opt_text, text, Db, Result, StoreError};
use confer_domain::audit::EventKind;
use serde_json::json;

/// How e-mail is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailVia {
    Smtp,
    Notify,
}

impl EmailVia {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailVia::Smtp => "smtp",
            EmailVia::Notify => "notify",
        }
    }
    pub fn parse(s: &str) -> Option<EmailVia> {
        match s {
            "smtp" => Some(EmailVia::Smtp),
            "notify" => Some(EmailVia::Notify),
            _ => None,
        }
    }
}

/// Whether text messages are sent, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsVia {
    Off,
    Notify,
}

impl SmsVia {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsVia::Off => "off",
            SmsVia::Notify => "notify",
        }
    }
    pub fn parse(s: &str) -> Option<SmsVia> {
        match s {
            "off" => Some(SmsVia::Off),
            "notify" => Some(SmsVia::Notify),
            _ => None,
        }
    }
}

/// How letters leave confer (issue 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterVia {
    /// The authority's print list (`confer documents print`, the print list page).
    Print,
    /// GOV.UK Notify, as precompiled PDF letters.
    Notify,
}

impl LetterVia {
    pub fn as_str(self) -> &'static str {
        match self {
            LetterVia::Print => "print",
            LetterVia::Notify => "notify",
        }
    }
    pub fn parse(s: &str) -> Option<LetterVia> {
        match s {
            "print" => Some(LetterVia::Print),
            "notify" => Some(LetterVia::Notify),
            _ => None,
        }
    }
}

/// The shortest bearer token accepted for Notify's callbacks: Notify asks for at least 10
/// characters; confer asks for more, since the token is all that guards the endpoint.
pub const CALLBACK_TOKEN_MIN: usize = 32;

/// The SHA-256 (hex) of a callback bearer token: all that is stored of it.
pub fn callback_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` is the callback token of an authority whose stored hash is `stored`,
/// compared in constant time (the hashes are compared, so the time says nothing of the token).
pub fn callback_token_matches(stored: Option<&str>, token: &str) -> bool {
    let Some(stored) = stored else { return false };
    let given = callback_hash(token);
    let (a, b) = (stored.as_bytes(), given.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An authority's channels as stored (the API key still sealed).
#[derive(Clone, PartialEq, Eq)]
pub struct Channels {
    pub email_via: EmailVia,
    pub sms_via: SmsVia,
    pub letter_via: LetterVia,
    /// Whether a bearer token for Notify's delivery-status callbacks is set.
    pub callback_set: bool,
    /// The last four characters of the Notify API key, if one is set.
    pub key_hint: Option<String>,
    pub email_template: Option<String>,
    pub sms_template: Option<String>,
    /// 0 when the authority has never changed them (SMTP, no text messages).
    pub v: i64,
    sealed_key: Option<String>,
}

// Debug never shows the key, sealed or not.
impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels")
            .field("email_via", &self.email_via)
            .field("sms_via", &self.sms_via)
            .field("letter_via", &self.letter_via)
            .field("callback_set", &self.callback_set)
            .field("key_hint", &self.key_hint)
            .field("email_template", &self.email_template)
            .field("sms_template", &self.sms_template)
            .field("v", &self.v)
            .finish_non_exhaustive()
    }
}

impl Default for Channels {
    fn default() -> Self {
        Channels {
            email_via: EmailVia::Smtp,
            sms_via: SmsVia::Off,
            letter_via: LetterVia::Print,
            callback_set: false,
            key_hint: None,
            email_template: None,
            sms_template: None,
            v: 0,
            sealed_key: None,
        }
    }
}

fn aad(authority_id: &str) -> String {
    format!("notify:{authority_id}")
}

impl Channels {
    /// The Notify API key in the clear, for the delivery worker only.
    pub fn notify_api_key(&self, authority_id: &str) -> Result<Option<String>> {
        match &self.sealed_key {
            None => Ok(None),
            Some(stored) => crate::totp_key::open(&aad(authority_id), stored).map(|(k, _)| Some(k)),
        }
    }
}

/// Whether a text is a UUID as Notify writes them (template ids, the parts of an API key).
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// What to give instead of a key that is not a Notify API key (never repeating the key).
pub const KEY_HINT: &str = "A GOV.UK Notify API key is its name followed by two long codes, each of 36 \
    letters, digits and hyphens (name-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx). \
    Copy the whole key from Notify's API integration page.";

/// Splits a Notify API key (`{key_name}-{service_id}-{secret}`, the last two UUIDs; the name
/// may hold hyphens) into its service id and secret.
pub fn split_notify_key(key: &str) -> std::result::Result<(String, String), String> {
    let key = key.trim();
    if key.len() < 74 || !key.is_char_boundary(key.len() - 73) {
        return Err(KEY_HINT.into());
    }
    let tail = &key[key.len() - 73..];
    let (service_id, secret) = (&tail[..36], &tail[37..]);
    if !is_uuid(service_id) || !is_uuid(secret) || &tail[36..37] != "-" {
        return Err(KEY_HINT.into());
    }
    Ok((service_id.to_owned(), secret.to_owned()))
}

/// The last four characters of a key: all that is ever shown back.
pub fn hint(key: &str) -> String {
    let chars: Vec<char> = key.trim().chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("…{tail}")
}

/// An authority's channels (the defaults when it has never set them).
pub async fn get(db: &Db, authority_id: &str) -> Result<Channels> {
    let row = sqlx::query(
        "SELECT email_via, sms_via, letter_via, notify_callback_hash, notify_api_key, notify_key_hint, \
         notify_email_template, notify_sms_template, v FROM authority_channel WHERE authority_id = $1",
    )
    .bind(authority_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(Channels::default()) };
    Ok(Channels {
        email_via: EmailVia::parse(&text(&r, "email_via")?)
            .ok_or_else(|| StoreError::Corrupt("authority_channel.email_via".into()))?,
        sms_via: SmsVia::parse(&text(&r, "sms_via")?)
            .ok_or_else(|| StoreError::Corrupt("authority_channel.sms_via".into()))?,
        letter_via: LetterVia::parse(&text(&r, "letter_via")?)
            .ok_or_else(|| StoreError::Corrupt("authority_channel.letter_via".into()))?,
        callback_set: opt_text(&r, "notify_callback_hash")?.is_some(),
        key_hint: opt_text(&r, "notify_key_hint")?,
        email_template: opt_text(&r, "notify_email_template")?,
        sms_template: opt_text(&r, "notify_sms_template")?,
        v: crate::int(&r, "v")?,
        sealed_key: opt_text(&r, "notify_api_key")?,
    })
}

/// Whether the authority sends text messages (read in the caller's transaction).
pub(crate) async fn sms_on(tx: &mut crate::Tx, authority_id: &str) -> Result<bool> {
    let row = sqlx::query("SELECT sms_via FROM authority_channel WHERE authority_id = $1")
        .bind(authority_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => SmsVia::parse(&text(&r, "sms_via")?) == Some(SmsVia::Notify),
        None => false,
    })
}

/// A change to an authority's channels.
pub struct Change<'a> {
    pub email_via: EmailVia,
    pub sms_via: SmsVia,
    pub letter_via: LetterVia,
    /// A new bearer token for Notify's callbacks; `None` keeps the one stored.
    pub new_callback_token: Option<&'a str>,
    /// A new Notify API key; `None` keeps the one stored.
    pub new_api_key: Option<&'a str>,
    pub email_template: Option<&'a str>,
    pub sms_template: Option<&'a str>,
}

/// Saves an authority's channels if they are still at version `expected_v` (a stale version
/// is a conflict that says so), audited in the same transaction: the choices and whether the
/// key changed, never the key. Returns the new version.
pub async fn save(db: &Db, authority_id: &str, expected_v: i64, change: &Change<'_>, actor: &str) -> Result<i64> {
    let before = get(db, authority_id).await?;
    let mut tx = db.begin().await?;
    let current = sqlx::query("SELECT v FROM authority_channel WHERE authority_id = $1")
        .bind(authority_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| crate::int(&r, "v"))
        .transpose()?
        .unwrap_or(0);
    if current != expected_v {
        return Err(StoreError::Conflict(
            "Someone else changed how messages are sent while you were editing. Look at the settings as they are now and make your change again."
                .into(),
        ));
    }
    let (sealed, key_hint) = match change.new_api_key {
        Some(k) => (Some(crate::totp_key::seal(&aad(authority_id), k.trim())?), Some(hint(k))),
        None => (before.sealed_key.clone(), before.key_hint.clone()),
    };
    let callback = match change.new_callback_token {
        Some(t) => Some(callback_hash(t.trim())),
        None => stored_callback_hash(&mut tx, authority_id).await?,
    };
    let now = tx.now();
    let v = expected_v + 1;
    let written = if expected_v == 0 {
        sqlx::query(
            "INSERT INTO authority_channel (authority_id, email_via, sms_via, notify_api_key, notify_key_hint, \
             notify_email_template, notify_sms_template, v, updated_at, updated_by, letter_via, notify_callback_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
    } else {
        sqlx::query(
            "UPDATE authority_channel SET email_via = $2, sms_via = $3, notify_api_key = $4, notify_key_hint = $5, \
             notify_email_template = $6, notify_sms_template = $7, v = $8, updated_at = $9, updated_by = $10, \
             letter_via = $11, notify_callback_hash = $12 WHERE authority_id = $1 AND v = $8 - 1",
        )
    }
    .bind(authority_id)
    .bind(change.email_via.as_str())
    .bind(change.sms_via.as_str())
    .bind(sealed)
    .bind(key_hint)
    .bind(change.email_template.map(str::to_owned))
    .bind(change.sms_template.map(str::to_owned))
    .bind(v)
    .bind(&now)
    .bind(actor)
    .bind(change.letter_via.as_str())
    .bind(callback)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if written != 1 {
        return Err(StoreError::Conflict(
            "Someone else changed how messages are sent at the same time. Try again.".into(),
        ));
    }
    audit::record(
        &mut tx,
        Entry {
            authority_id,
            actor,
            kind: EventKind::Change,
            action: "channels.changed",
            entity_type: "authority",
            entity_id: authority_id,
            before: json!({
                "email_via": before.email_via.as_str(),
                "sms_via": before.sms_via.as_str(),
                "letter_via": before.letter_via.as_str(),
                "v": before.v,
            }),
            after: json!({
                "email_via": change.email_via.as_str(),
                "sms_via": change.sms_via.as_str(),
                "letter_via": change.letter_via.as_str(),
                "api_key_changed": change.new_api_key.is_some(),
                "callback_token_changed": change.new_callback_token.is_some(),
                "v": v,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

async fn stored_callback_hash(tx: &mut crate::Tx, authority_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query("SELECT notify_callback_hash FROM authority_channel WHERE authority_id = $1")
        .bind(authority_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| opt_text(&r, "notify_callback_hash"))
        .transpose()?
        .flatten())
}

/// The stored hash of an authority's callback token (`None` when none is set or the
/// authority is not known).
pub async fn callback_hash_of(db: &Db, authority_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query("SELECT notify_callback_hash FROM authority_channel WHERE authority_id = $1")
        .bind(authority_id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| opt_text(&r, "notify_callback_hash"))
        .transpose()?
        .flatten())
}

/// The authorities that send their letters through Notify.
pub async fn letters_via_notify(db: &Db) -> Result<Vec<String>> {
    let rows =
        sqlx::query("SELECT authority_id FROM authority_channel WHERE letter_via = 'notify' ORDER BY authority_id")
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(|r| text(r, "authority_id")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_last_four_characters_are_shown_back() {
        assert_eq!(
            super::hint("key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"),
            "…22b0"
        );
        assert_eq!(super::hint("ab"), "…ab");
    }
}
