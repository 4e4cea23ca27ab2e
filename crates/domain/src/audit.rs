//! The audit chain: every state change and every read of a child's record is an event, and
//! each event carries the hash of the one before it in its authority's chain, so a changed,
//! deleted or reordered row is found by recomputing the chain (`confer audit verify`).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that stands before the first event of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

crate::text_enum! {
    pub enum EventKind {
        Change => "change", "Changed";
        Read => "read", "Read";
        SignIn => "sign-in", "Signed in";
        SignInFailed => "sign-in-failed", "Sign-in failed";
        SignOut => "sign-out", "Signed out";
    }
}

/// One event as stored. `before` and `after` are JSON text (or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub authority_id: String,
    pub seq: i64,
    /// RFC 3339 UTC, as stored.
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    /// What was done, such as "family.create" or "user.role.add".
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: String,
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
    /// Whether a disposal of records (KEEP-02) removed this event's `before` and `after`.
    /// Its hash stays as written, so the chain still links; the disposal's own event vouches
    /// for the rest of it ([`redaction_digest`], [`verify_chain`]).
    #[serde(default)]
    pub redacted: bool,
}

/// What a disposal's own event records of each event whose content it removed: a digest of
/// everything the event keeps (when, who, what kind, which action, which entity, and its hash
/// in the chain). [`verify_chain`] accepts a redacted event only when a disposal event vouches
/// for it with this digest, so a redacted event cannot be changed, nor any event blanked and
/// passed off as redacted, without breaking the disposal event's own hash.
pub fn redaction_digest(e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    let seq = e.seq.to_string();
    for field in [
        e.authority_id.as_str(),
        &seq,
        &e.at,
        &e.actor,
        e.kind.as_str(),
        &e.action,
        &e.entity_type,
        &e.entity_id,
        &e.hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The events a chain's disposals removed the content of: sequence number -> the digest the
/// disposal recorded ([`redaction_digest`]).
pub type Sealed = std::collections::BTreeMap<i64, String>;

/// Whether an event's content is as written: its hash recomputes, or it was redacted by a
/// disposal that vouches for exactly this event.
pub fn content_holds(e: &AuditEvent, sealed: &Sealed) -> bool {
    if e.redacted {
        sealed.get(&e.seq).is_some_and(|d| *d == redaction_digest(e))
    } else {
        e.computed_hash() == e.hash
    }
}

/// The hash of an event: SHA-256 over every field, each length-prefixed so no two
/// different events can serialise to the same bytes.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    prev_hash: &str,
    authority_id: &str,
    seq: i64,
    at: &str,
    actor: &str,
    kind: EventKind,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: &str,
    after: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for field in
        [prev_hash, authority_id, &seq, at, actor, kind.as_str(), action, entity_type, entity_id, before, after]
    {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditEvent {
    pub fn computed_hash(&self) -> String {
        event_hash(
            &self.prev_hash,
            &self.authority_id,
            self.seq,
            &self.at,
            &self.actor,
            self.kind,
            &self.action,
            &self.entity_type,
            &self.entity_id,
            &self.before,
            &self.after,
        )
    }
}

/// Why a chain failed verification, naming the first event that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error(
        "event {seq} of authority {authority}: its content does not match its hash (changed after it was written)"
    )]
    Altered { authority: String, seq: i64 },
    #[error("event {seq} of authority {authority}: it does not follow event {expected_prev} (an event before it was deleted or reordered)")]
    Broken { authority: String, seq: i64, expected_prev: i64 },
    #[error("event {seq} of authority {authority}: it should be number {expected} (an event was deleted or the order changed)")]
    Gap { authority: String, seq: i64, expected: i64 },
    #[error("authority {authority}: the chain's last event should be {expected_last} with hash {expected_hash}, but the chain ends at {found_last} (events at the end were deleted)")]
    Truncated { authority: String, expected_last: i64, expected_hash: String, found_last: i64 },
}

/// Verifies one authority's chain, given its events in sequence order and the head the store
/// keeps (last sequence number and hash), so that deleting the newest events is found too.
pub fn verify_chain<'a>(
    authority: &str,
    events: impl IntoIterator<Item = &'a AuditEvent>,
    head: Option<(i64, &str)>,
    sealed: &Sealed,
) -> Result<u64, ChainBreak> {
    let mut prev_hash = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut count = 0u64;
    for e in events {
        if e.seq != expected_seq {
            return Err(ChainBreak::Gap { authority: authority.into(), seq: e.seq, expected: expected_seq });
        }
        if e.prev_hash != prev_hash {
            return Err(ChainBreak::Broken {
                authority: authority.into(),
                seq: e.seq,
                expected_prev: expected_seq - 1,
            });
        }
        if !content_holds(e, sealed) {
            return Err(ChainBreak::Altered { authority: authority.into(), seq: e.seq });
        }
        prev_hash = e.hash.clone();
        expected_seq += 1;
        count += 1;
    }
    if let Some((last, hash)) = head {
        if last != expected_seq - 1 || hash != prev_hash {
            return Err(ChainBreak::Truncated {
                authority: authority.into(),
                expected_last: last,
                expected_hash: hash.to_owned(),
                found_last: expected_seq - 1,
            });
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEvent> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEvent {
                    authority_id: "la".into(),
                    seq,
                    at: format!("2026-11-23T10:00:{seq:02}Z"),
                    actor: "user-1".into(),
                    kind: EventKind::Change,
                    action: "family.update".into(),
                    entity_type: "family".into(),
                    entity_id: "f1".into(),
                    before: "{}".into(),
                    after: format!("{{\"n\":{seq}}}"),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                    redacted: false,
                };
                e.hash = e.computed_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_keep_01() {
        let c = chain(5);
        let head = (5, c[4].hash.as_str());
        assert_eq!(verify_chain("la", &c, Some(head), &Sealed::new()), Ok(5));
    }

    #[test]
    fn a_changed_deleted_or_reordered_event_is_named_keep_01() {
        let c = chain(5);
        let head = (5, c[4].hash.clone());
        let mut altered = c.clone();
        altered[2].after = "{\"n\":99}".into();
        assert_eq!(
            verify_chain("la", &altered, Some((5, &head.1)), &Sealed::new()),
            Err(ChainBreak::Altered { authority: "la".into(), seq: 3 })
        );
        let mut deleted = c.clone();
        deleted.remove(1);
        assert!(matches!(
            verify_chain("la", &deleted, Some((5, &head.1)), &Sealed::new()),
            Err(ChainBreak::Gap { seq: 3, .. })
        ));
        let mut reordered = c.clone();
        reordered.swap(1, 2);
        assert!(verify_chain("la", &reordered, Some((5, &head.1)), &Sealed::new()).is_err());
        let truncated = &c[..4];
        assert!(matches!(
            verify_chain("la", truncated, Some((5, &head.1)), &Sealed::new()),
            Err(ChainBreak::Truncated { .. })
        ));
    }
}
