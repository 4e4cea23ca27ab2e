//! Issue 14: how an authority's messages are sent (`confer_store::channels`): read and
//! changed by its administrators only (`Action::ManageChannels`). The Notify API key is
//! checked for its shape, stored sealed, and never given back: only its last four characters.

use crate::{Ops, OpsError, Result};
use confer_domain::access::{decide, Action, Actor, Decision, Target};
use confer_store::channels::{self as store, Channels, EmailVia, LetterVia, SmsVia};

fn allow(actor: &Actor, action: Action) -> Result<()> {
    match decide(actor, action, Target::Authority(&actor.authority_id)) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(OpsError::Forbidden),
        Decision::NotFound => Err(OpsError::NotFound),
    }
}

/// The authority's channels as they stand (the key only as its hint).
pub async fn settings(ops: &Ops, actor: &Actor) -> Result<Channels> {
    allow(actor, Action::ManageChannels)?;
    Ok(store::get(&ops.db, actor.authority_id.as_str()).await?)
}

/// A change as typed: text fields, empty when not given.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub email_via: String,
    pub sms_via: String,
    /// print or notify (empty: print).
    pub letter_via: String,
    /// The bearer token for Notify's delivery-status callbacks; empty keeps the one stored.
    pub callback_token: String,
    /// Empty keeps the key stored.
    pub api_key: String,
    pub email_template: String,
    pub sms_template: String,
}

/// Saves a change at the version the administrator saw; `Invalid` names the field to fix,
/// `Conflict` a stale version.
pub async fn save(ops: &Ops, actor: &Actor, typed: &Typed, v: i64) -> Result<i64> {
    allow(actor, Action::ManageChannels)?;
    let authority = actor.authority_id.as_str();
    let current = store::get(&ops.db, authority).await?;
    if current.v != v {
        return Err(OpsError::Conflict { current_version: current.v });
    }
    let email_via = EmailVia::parse(typed.email_via.trim())
        .ok_or(OpsError::Invalid { field: "email_via", message: "Choose how e-mails are sent".into() })?;
    let sms_via = SmsVia::parse(typed.sms_via.trim())
        .ok_or(OpsError::Invalid { field: "sms_via", message: "Choose whether text messages are sent".into() })?;
    let letter_via = match typed.letter_via.trim() {
        "" => LetterVia::Print,
        other => LetterVia::parse(other)
            .ok_or(OpsError::Invalid { field: "letter_via", message: "Choose how letters are sent".into() })?,
    };
    let callback = typed.callback_token.trim();
    if !callback.is_empty()
        && (callback.chars().count() < store::CALLBACK_TOKEN_MIN
            || callback.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(OpsError::Invalid {
            field: "callback_token",
            message: format!(
                "Enter a callback token of at least {} letters and digits, with no spaces, and give Notify the same one",
                store::CALLBACK_TOKEN_MIN
            ),
        });
    }
    let key = typed.api_key.trim();
    if !key.is_empty() {
        store::split_notify_key(key).map_err(|message| OpsError::Invalid { field: "api_key", message })?;
    }
    let uses_notify = email_via == EmailVia::Notify || sms_via == SmsVia::Notify || letter_via == LetterVia::Notify;
    if uses_notify && key.is_empty() && current.key_hint.is_none() {
        return Err(OpsError::Invalid {
            field: "api_key",
            message: "Enter the GOV.UK Notify API key: messages cannot go through Notify without it".into(),
        });
    }
    let template = |text: &str, needed: bool, field: &'static str, what: &str| -> Result<Option<String>> {
        let t = text.trim();
        if t.is_empty() {
            return if needed {
                Err(OpsError::Invalid { field, message: format!("Enter the id of the Notify template for {what}") })
            } else {
                Ok(None)
            };
        }
        if !store::is_uuid(t) {
            return Err(OpsError::Invalid {
                field,
                message: format!(
                    "Enter the template id for {what} as Notify shows it, like f33517ff-2a88-4f6e-b855-c550268ce08a"
                ),
            });
        }
        Ok(Some(t.to_ascii_lowercase()))
    };
    let email_template = template(&typed.email_template, email_via == EmailVia::Notify, "email_template", "e-mails")?;
    let sms_template = template(&typed.sms_template, sms_via == SmsVia::Notify, "sms_template", "text messages")?;
    let change = store::Change {
        email_via,
        sms_via,
        letter_via,
        new_callback_token: (!callback.is_empty()).then_some(callback),
        new_api_key: (!key.is_empty()).then_some(key),
        email_template: email_template.as_deref(),
        sms_template: sms_template.as_deref(),
    };
    match store::save(&ops.db, authority, v, &change, actor.user_id.as_str()).await {
        Ok(v) => Ok(v),
        Err(confer_store::StoreError::Conflict(_)) => {
            Err(OpsError::Conflict { current_version: store::get(&ops.db, authority).await?.v })
        }
        Err(e) => Err(e.into()),
    }
}
