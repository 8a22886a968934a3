//! The database's key check: every instance must seal and open health data, sign cookies and
//! CSRF tokens with the same `MEDSPA_SECRET_KEY`. The first instance to start records a value
//! derived one-way from its key; each later start (any instance, any command) compares its
//! own and refuses to run on a mismatch, before it serves anything.
//!
//! Key rotation (`medspa key rotate`, [`crate::rotate`]): the check also records the key the
//! rotation moves to (`next_check_value`). While it is set, only instances that hold both keys
//! (`MEDSPA_SECRET_KEY` = the old one, `MEDSPA_NEW_SECRET_KEY` = the new one) may start, and
//! they seal new values under the new key ([`Store::refresh_key_state`]). When every sealed
//! value is re-sealed the new key becomes the only check value, and the old key is refused.

use crate::{SecretKey, Store, StoreError, read, write};
use subtle::ConstantTimeEq;

/// What [`Store::verify_key`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// The database had no key check yet; this key's is now recorded.
    Recorded,
    /// The key matches the recorded check.
    Matches,
    /// A key rotation is under way and this store holds both its keys.
    Rotating,
}

/// The hex check value of a key (one-way: SHA-256 under its own purpose label).
pub fn check_value(key: &SecretKey) -> String {
    hex::encode(key.derive("key-check"))
}

fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The recorded check: the key in force and, during a rotation, the key it moves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub check: String,
    pub next: Option<String>,
}

impl Store {
    pub(crate) async fn recorded_key_check(&self) -> Result<Option<Recorded>, StoreError> {
        let row: Option<(String, Option<String>)> = read!(self, |pool| sqlx::query_as(
            "SELECT check_value, next_check_value FROM key_check WHERE id = 1"
        )
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(check, next)| Recorded { check, next }))
    }

    /// Records this store's key check if the database has none, else compares it:
    /// [`StoreError::KeyMismatch`] when the database was set up with another key;
    /// [`StoreError::Rejected`] when a rotation is under way and this store lacks one of its
    /// keys (or holds a next key the rotation does not move to).
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
        let stored = self
            .recorded_key_check()
            .await?
            .ok_or(StoreError::KeyMismatch)?;
        let next_mine = self.next_key_check.as_deref();
        if !same(&stored.check, mine) {
            return Err(
                if stored.next.is_none() && next_mine.is_some_and(|n| same(&stored.check, n)) {
                    StoreError::Rejected(
                        "the key rotation has finished: set MEDSPA_SECRET_KEY to the new key and \
                         remove MEDSPA_NEW_SECRET_KEY"
                            .into(),
                    )
                } else {
                    StoreError::KeyMismatch
                },
            );
        }
        let state = match (&stored.next, next_mine) {
            (None, _) if inserted == 1 => KeyCheck::Recorded,
            (None, _) => KeyCheck::Matches,
            (Some(n), Some(m)) if same(n, m) => KeyCheck::Rotating,
            (Some(_), Some(_)) => {
                return Err(StoreError::Rejected(
                    "a key rotation to another key is under way: MEDSPA_NEW_SECRET_KEY must be the \
                     key `medspa key rotate` was started with"
                        .into(),
                ));
            }
            (Some(_), None) => {
                return Err(StoreError::Rejected(
                    "a key rotation is under way: this instance needs the new key too (set \
                     MEDSPA_NEW_SECRET_KEY, keep MEDSPA_SECRET_KEY) until `medspa key rotate` \
                     finishes"
                        .into(),
                ));
            }
        };
        self.refresh_key_state().await?;
        Ok(state)
    }

    /// Reads the key check and, when this store holds the key a rotation moves to (or has
    /// moved to), seals new values with it. Running instances call this every few seconds, so
    /// they all switch soon after `medspa key rotate` starts. Returns whether they do.
    pub async fn refresh_key_state(&self) -> Result<bool, StoreError> {
        let Some(next_mine) = self.next_key_check.as_deref() else {
            return Ok(false);
        };
        let on = self.recorded_key_check().await?.is_some_and(|r| {
            r.next.as_deref().is_some_and(|n| same(n, next_mine)) || same(&r.check, next_mine)
        });
        self.sealer.set_seal_with_next(on);
        Ok(on)
    }
}
