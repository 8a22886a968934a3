//! Field encryption for health data (screening answers, intake forms, treatment notes):
//! XChaCha20-Poly1305 with a key derived from `MEDSPA_SECRET_KEY`. Each sealed value binds
//! its table, column and row id as associated data, so a value copied to another row fails to
//! open instead of showing one client's answers on another's record.
//!
//! Layout: `0x01 || nonce (24 bytes) || ciphertext+tag`.

use crate::StoreError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

const VERSION: u8 = 1;
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

/// Seals and opens health-data fields.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// A sealer keyed from the application secret.
    pub fn new(key: &SecretKey) -> Self {
        let k = key.derive("field-encryption");
        Self {
            cipher: XChaCha20Poly1305::new(&k.into()),
        }
    }

    /// Encrypts `plain`, bound to `aad` (e.g. `b"appointments.screening:<id>"`).
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts a value sealed with the same key and `aad`.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return Err(StoreError::Unseal);
        }
        let (nonce, ct) = sealed[1..].split_at(NONCE_LEN);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
            .map_err(|_| StoreError::Unseal)
    }
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
    fn short_secret_is_refused() {
        assert!(SecretKey::new("short").is_none());
        assert_eq!(SecretKey::generate().len(), 64);
    }
}
