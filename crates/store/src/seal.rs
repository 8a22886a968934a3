//! Field encryption for health data (screening answers, intake forms, treatment notes):
//! XChaCha20-Poly1305 with a key derived from `MEDSPA_SECRET_KEY`. Each sealed value binds
//! its table, column and row id as associated data, so a value copied to another row fails to
//! open instead of showing one client's answers on another's record.
//!
//! Layout: `0x02 || key id (4 bytes) || nonce (24 bytes) || ciphertext+tag`; the key id (a
//! one-way value of the key) says which key sealed it, so during a key rotation
//! (`medspa key rotate`) values under the old and the new key both open. Values written before
//! key ids (`0x01 || nonce || ciphertext+tag`) still open: each configured key is tried.

use crate::StoreError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const VERSION_1: u8 = 1;
const VERSION_2: u8 = 2;
const KEY_ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;

/// The application secret (`MEDSPA_SECRET_KEY`): at least 32 characters. Sub-keys for cookie
/// signing and field encryption are derived from it per purpose.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl SecretKey {
    /// Minimum length of the configured secret, in characters.
    pub const MIN_LEN: usize = 32;

    /// Accepts a configured secret; `None` when shorter than [`Self::MIN_LEN`].
    pub fn new(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        (raw.len() >= Self::MIN_LEN).then(|| Self(raw.as_bytes().to_vec()))
    }

    /// A fresh random secret: 32 random bytes as 64 hex characters.
    pub fn generate() -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// A 32-byte key for one purpose (domain separation by label).
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"medspa/v1/");
        h.update(purpose.as_bytes());
        h.update([0]);
        h.update(&self.0);
        h.finalize().into()
    }
}

/// One key's cipher and its short public id (carried in every value it seals).
struct Keyed {
    id: [u8; KEY_ID_LEN],
    cipher: XChaCha20Poly1305,
}

impl Keyed {
    fn new(key: &SecretKey) -> Self {
        let k = key.derive("field-encryption");
        let full = key.derive("field-key-id");
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&full[..KEY_ID_LEN]);
        Self {
            id,
            cipher: XChaCha20Poly1305::new(&k.into()),
        }
    }

    fn open(&self, aad: &[u8], nonce: &[u8], ct: &[u8]) -> Result<Vec<u8>, StoreError> {
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
            .map_err(|_| StoreError::Unseal)
    }
}

struct Keys {
    current: Keyed,
    /// The key a rotation moves to (`MEDSPA_NEW_SECRET_KEY`), when configured.
    next: Option<Keyed>,
    /// Seal with `next`: set once the database says a rotation to it has begun.
    seal_with_next: AtomicBool,
}

/// Seals and opens health-data fields. Cheap to clone (shared keys).
///
/// With a second key ([`Sealer::with_next`], a key rotation), values sealed under either key
/// open; new values are sealed under the next key once [`Sealer::set_seal_with_next`] says the
/// rotation has begun (every instance learns that from the database's key check).
#[derive(Clone)]
pub struct Sealer {
    keys: Arc<Keys>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// A sealer keyed from the application secret.
    pub fn new(key: &SecretKey) -> Self {
        Self {
            keys: Arc::new(Keys {
                current: Keyed::new(key),
                next: None,
                seal_with_next: AtomicBool::new(false),
            }),
        }
    }

    /// A sealer that also opens (and, once told, seals with) the key a rotation moves to.
    pub fn with_next(current: &SecretKey, next: &SecretKey) -> Self {
        Self {
            keys: Arc::new(Keys {
                current: Keyed::new(current),
                next: Some(Keyed::new(next)),
                seal_with_next: AtomicBool::new(false),
            }),
        }
    }

    /// Whether a next key is configured.
    pub fn has_next(&self) -> bool {
        self.keys.next.is_some()
    }

    /// Seal new values with the next key (no effect without one).
    pub fn set_seal_with_next(&self, on: bool) {
        self.keys.seal_with_next.store(on, Ordering::Release);
    }

    fn sealing(&self) -> &Keyed {
        match &self.keys.next {
            Some(next) if self.keys.seal_with_next.load(Ordering::Acquire) => next,
            _ => &self.keys.current,
        }
    }

    /// The first bytes of every value the next key seals (version and key id): a value that
    /// does not start with them still needs re-sealing. `None` without a next key.
    pub fn next_prefix(&self) -> Option<Vec<u8>> {
        self.keys.next.as_ref().map(|k| prefix(k.id))
    }

    /// Encrypts `plain`, bound to `aad` (e.g. `b"appointments.screening:<id>"`).
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        Self::seal_with(self.sealing(), aad, plain)
    }

    /// Encrypts under the next key whatever the rotation state (the rotation itself).
    pub(crate) fn seal_next(&self, aad: &[u8], plain: &[u8]) -> Option<Vec<u8>> {
        self.keys
            .next
            .as_ref()
            .map(|k| Self::seal_with(k, aad, plain))
    }

    fn seal_with(key: &Keyed, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = key
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        let mut out = Vec::with_capacity(1 + KEY_ID_LEN + NONCE_LEN + ct.len());
        out.extend_from_slice(&prefix(key.id));
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts a value sealed with the same `aad` under one of this sealer's keys.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        match sealed.first() {
            // Version 1 (before key ids): try each key.
            Some(&VERSION_1) if sealed.len() > NONCE_LEN => {
                let (nonce, ct) = sealed[1..].split_at(NONCE_LEN);
                self.keys.current.open(aad, nonce, ct).or_else(|e| {
                    self.keys
                        .next
                        .as_ref()
                        .map_or(Err(e), |k| k.open(aad, nonce, ct))
                })
            }
            Some(&VERSION_2) if sealed.len() >= 1 + KEY_ID_LEN + NONCE_LEN => {
                let (id, rest) = sealed[1..].split_at(KEY_ID_LEN);
                let (nonce, ct) = rest.split_at(NONCE_LEN);
                let key = [Some(&self.keys.current), self.keys.next.as_ref()]
                    .into_iter()
                    .flatten()
                    .find(|k| k.id == id)
                    .ok_or(StoreError::Unseal)?;
                key.open(aad, nonce, ct)
            }
            _ => Err(StoreError::Unseal),
        }
    }
}

fn prefix(id: [u8; KEY_ID_LEN]) -> Vec<u8> {
    let mut p = Vec::with_capacity(1 + KEY_ID_LEN);
    p.push(VERSION_2);
    p.extend_from_slice(&id);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> SecretKey {
        SecretKey::new(&s.repeat(32)).unwrap()
    }

    #[test]
    fn round_trip_and_ciphertext_hides_plaintext() {
        let s = Sealer::new(&key("a"));
        let sealed = s.seal(b"t:1", b"pregnant=true");
        assert!(!sealed.windows(8).any(|w| w == b"pregnant"));
        assert_eq!(s.open(b"t:1", &sealed).unwrap(), b"pregnant=true");
    }

    #[test]
    fn wrong_row_or_key_or_tamper_fails() {
        let s = Sealer::new(&key("a"));
        let sealed = s.seal(b"t:1", b"x");
        assert!(s.open(b"t:2", &sealed).is_err());
        assert!(Sealer::new(&key("b")).open(b"t:1", &sealed).is_err());
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(s.open(b"t:1", &bad).is_err());
    }

    #[test]
    fn both_keys_open_during_rotation_and_values_name_their_key() {
        let (old, new) = (key("a"), key("b"));
        let before = Sealer::new(&old).seal(b"t:1", b"x");
        let both = Sealer::with_next(&old, &new);
        assert_eq!(
            both.seal(b"t:1", b"y")[..5],
            before[..5],
            "old key until told"
        );
        both.set_seal_with_next(true);
        let after = both.seal(b"t:1", b"y");
        assert_eq!(after[..5], both.next_prefix().unwrap()[..]);
        assert_ne!(after[..5], before[..5]);
        assert_eq!(both.open(b"t:1", &before).unwrap(), b"x");
        assert_eq!(both.open(b"t:1", &after).unwrap(), b"y");
        // Only the new key: the old value no longer opens, the new one does.
        let only_new = Sealer::new(&new);
        assert!(only_new.open(b"t:1", &before).is_err());
        assert_eq!(only_new.open(b"t:1", &after).unwrap(), b"y");
        assert!(Sealer::new(&old).open(b"t:1", &after).is_err());
    }

    #[test]
    fn version_one_values_still_open_with_either_key() {
        // A value in the layout before key ids, built by hand.
        let k = Keyed::new(&key("a"));
        let nonce = [7u8; NONCE_LEN];
        let ct = k
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: b"v1",
                    aad: b"t:1",
                },
            )
            .unwrap();
        let mut v1 = vec![VERSION_1];
        v1.extend_from_slice(&nonce);
        v1.extend_from_slice(&ct);
        assert_eq!(Sealer::new(&key("a")).open(b"t:1", &v1).unwrap(), b"v1");
        assert_eq!(
            Sealer::with_next(&key("b"), &key("a"))
                .open(b"t:1", &v1)
                .unwrap(),
            b"v1"
        );
        assert!(Sealer::new(&key("b")).open(b"t:1", &v1).is_err());
        assert!(Sealer::new(&key("a")).open(b"t:1", &v1[..20]).is_err());
    }

    #[test]
    fn short_secret_is_refused() {
        assert!(SecretKey::new("short").is_none());
        assert_eq!(SecretKey::generate().len(), 64);
    }
}
