//! TOTP secrets encrypted at rest. Each secret is sealed with XChaCha20-Poly1305 under a
//! 256-bit key from the settings (`--totp-key` / `CONFER_TOTP_KEY`: 64 hex characters, made
//! for example with `openssl rand -hex 32`), with a random 192-bit nonce and the account's id
//! as associated data (a sealed secret copied onto another account does not open). It is
//! stored as `v1:` followed by hex of nonce and ciphertext.
//!
//! Secrets stored before there was a key (plain Base32) are still read, and are sealed with
//! the key the next time they are used.
//!
//! Rotation: start confer with the new key as `--totp-key` and the old one as
//! `--totp-previous-key` (`CONFER_TOTP_PREVIOUS_KEY`). Secrets sealed with either are read;
//! those sealed with the previous key are sealed again with the new one the next time they
//! are used (at sign-in). Once everyone has signed in (or after the longest time you allow
//! between sign-ins), remove the previous key: a secret still sealed with it can no longer be
//! read, and that person must have their second factor reset.
//!
//! Without a key, new secrets are stored as they are (the server warns at start).

use crate::{Result, StoreError};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::sync::{Arc, RwLock};

const PREFIX: &str = "v1:";
const NONCE_BYTES: usize = 24;

/// A 256-bit key. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(redacted)")
    }
}

impl Key {
    /// A key from 64 hex characters; the error says what to give instead.
    pub fn parse_hex(text: &str) -> std::result::Result<Key, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "a TOTP key must be 64 hex characters (make one with: openssl rand -hex 32)".to_owned())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| {
            "a TOTP key must be 64 hex characters, 256 bits (make one with: openssl rand -hex 32)".to_owned()
        })?;
        Ok(Key(bytes))
    }

    /// A new random key.
    pub fn generate() -> Key {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Key(bytes)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// The key secrets are sealed with, and the one they may still be sealed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpKeys {
    pub current: Key,
    pub previous: Option<Key>,
}

static KEYS: RwLock<Option<Arc<TotpKeys>>> = RwLock::new(None);

/// Sets the keys of this process (at start, from the settings).
pub fn install(keys: Option<TotpKeys>) {
    if let Ok(mut k) = KEYS.write() {
        *k = keys.map(Arc::new);
    }
}

fn installed() -> Option<Arc<TotpKeys>> {
    KEYS.read().ok().and_then(|k| k.clone())
}

/// Whether a key is set.
pub fn is_installed() -> bool {
    installed().is_some()
}

/// A secret as stored: sealed with the current key if there is one.
pub fn seal(user_id: &str, secret: &str) -> Result<String> {
    match installed() {
        Some(keys) => seal_with(&keys.current, user_id, secret),
        None => Ok(secret.to_owned()),
    }
}

/// A stored secret opened, and whether it should be sealed again (it is plain, or sealed with
/// the previous key, and a current key is set).
pub fn open(user_id: &str, stored: &str) -> Result<(String, bool)> {
    open_with(installed().as_deref(), user_id, stored)
}

pub fn seal_with(key: &Key, user_id: &str, secret: &str) -> Result<String> {
    use rand::RngCore;
    let mut nonce = [0u8; NONCE_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret.as_bytes(), aad: user_id.as_bytes() })
        .map_err(|_| StoreError::Corrupt("cannot seal the TOTP secret".into()))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{}", hex::encode(out)))
}

pub fn open_with(keys: Option<&TotpKeys>, user_id: &str, stored: &str) -> Result<(String, bool)> {
    let Some(body) = stored.strip_prefix(PREFIX) else {
        // Plain Base32, from before secrets were sealed.
        return Ok((stored.to_owned(), keys.is_some()));
    };
    let Some(keys) = keys else {
        return Err(StoreError::Corrupt(
            "a TOTP secret is encrypted but no key is set: give confer its --totp-key".into(),
        ));
    };
    let bytes = hex::decode(body).map_err(|_| StoreError::Corrupt("a sealed TOTP secret is not valid".into()))?;
    if bytes.len() <= NONCE_BYTES {
        return Err(StoreError::Corrupt("a sealed TOTP secret is not valid".into()));
    }
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    let try_key = |key: &Key| {
        XChaCha20Poly1305::new((&key.0).into())
            .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: user_id.as_bytes() })
            .ok()
            .and_then(|plain| String::from_utf8(plain).ok())
    };
    if let Some(plain) = try_key(&keys.current) {
        return Ok((plain, false));
    }
    if let Some(plain) = keys.previous.as_ref().and_then(try_key) {
        return Ok((plain, true));
    }
    Err(StoreError::Corrupt(
        "a TOTP secret cannot be opened with --totp-key or --totp-previous-key: is the key right?".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_account_only() {
        let keys = TotpKeys { current: Key::generate(), previous: None };
        let sealed = seal_with(&keys.current, "user-1", "JBSWY3DPEHPK3PXP").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(open_with(Some(&keys), "user-1", &sealed).unwrap(), ("JBSWY3DPEHPK3PXP".into(), false));
        assert!(open_with(Some(&keys), "user-2", &sealed).is_err(), "bound to its account");
        let other = TotpKeys { current: Key::generate(), previous: None };
        assert!(open_with(Some(&other), "user-1", &sealed).is_err());
        assert!(open_with(None, "user-1", &sealed).is_err());
        // Two seals of one secret differ (random nonce).
        assert_ne!(sealed, seal_with(&keys.current, "user-1", "JBSWY3DPEHPK3PXP").unwrap());
    }

    #[test]
    fn plain_and_previous_key_secrets_are_read_and_marked_for_sealing_again() {
        let old = Key::generate();
        let sealed_old = seal_with(&old, "u", "JBSWY3DPEHPK3PXP").unwrap();
        let rotated = TotpKeys { current: Key::generate(), previous: Some(old) };
        assert_eq!(open_with(Some(&rotated), "u", &sealed_old).unwrap(), ("JBSWY3DPEHPK3PXP".into(), true));
        assert_eq!(open_with(Some(&rotated), "u", "JBSWY3DPEHPK3PXP").unwrap(), ("JBSWY3DPEHPK3PXP".into(), true));
        assert_eq!(open_with(None, "u", "JBSWY3DPEHPK3PXP").unwrap(), ("JBSWY3DPEHPK3PXP".into(), false));
    }

    #[test]
    fn keys_are_64_hex_characters_and_never_printed() {
        let k = Key::generate();
        assert_eq!(Key::parse_hex(&k.to_hex()).unwrap(), k);
        assert!(Key::parse_hex("abcd").unwrap_err().contains("64 hex"));
        assert!(Key::parse_hex("zz").is_err());
        assert!(!format!("{:?}", TotpKeys { current: k.clone(), previous: None }).contains(&k.to_hex()));
    }
}
