//! The database's key check: every instance must seal and open health data, sign cookies and
//! CSRF tokens with the same `MEDSPA_SECRET_KEY`. The first instance to start records a value
//! derived one-way from its key; each later start (any instance, any command) compares its
//! own and refuses to run on a mismatch, before it serves anything.

use crate::{SecretKey, Store, StoreError, read, write};
use subtle::ConstantTimeEq;

/// What [`Store::verify_key`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// The database had no key check yet; this key's is now recorded.
    Recorded,
    /// The key matches the recorded check.
    Matches,
}

/// The hex check value of a key (one-way: SHA-256 under its own purpose label).
pub fn check_value(key: &SecretKey) -> String {
    hex::encode(key.derive("key-check"))
}

impl Store {
    /// Records this store's key check if the database has none, else compares it:
    /// [`StoreError::KeyMismatch`] when the database was set up with another key.
    pub async fn verify_key(&self, now_ms: i64) -> Result<KeyCheck, StoreError> {
        let mine: &str = &self.key_check;
        let inserted = write!(self, |pool| sqlx::query(
            "INSERT INTO key_check (id, check_value, created_at_ms) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING"
        )
        .bind(mine)
        .bind(now_ms)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        let (stored,): (String,) = read!(self, |pool| sqlx::query_as(
            "SELECT check_value FROM key_check WHERE id = 1"
        )
        .fetch_one(pool)
        .await)?;
        if !bool::from(stored.as_bytes().ct_eq(mine.as_bytes())) {
            return Err(StoreError::KeyMismatch);
        }
        Ok(if inserted == 1 {
            KeyCheck::Recorded
        } else {
            KeyCheck::Matches
        })
    }
}
