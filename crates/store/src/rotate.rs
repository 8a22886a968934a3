//! Key rotation: re-seal every sealed field under the key a rotation moves to, in batches,
//! while the clinic keeps serving. Resumable by construction: a value already sealed under the
//! new key starts with its version and key id ([`crate::Sealer::next_prefix`]) and is skipped,
//! so an interrupted run simply starts again. Each row is rewritten only if it still holds the
//! value read (compare and set), so a concurrent edit by a running instance is never lost.
//!
//! Every sealed column is listed in [`SEALED_COLUMNS`]; a test compares the list with the
//! schema (every `*_sealed` column), so a new sealed column cannot be forgotten here.

use crate::{Store, StoreError, read, tx, write};
use std::fmt::Write as _;
use std::ops::ControlFlow;
use uuid::Uuid;

/// A primary-key type both backends read and bind.
pub(crate) trait RowKeyType:
    Clone
    + Send
    + Sync
    + Unpin
    + 'static
    + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + for<'r> sqlx::Encode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
    + for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + for<'r> sqlx::Encode<'r, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
{
}
impl RowKeyType for Uuid {}
impl RowKeyType for String {}
impl RowKeyType for Vec<u8> {}

/// What [`Store::check_sealed`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SealedReport {
    /// Sealed values in the database.
    pub total: u64,
    /// Values that none of the configured keys opens.
    pub unreadable: u64,
}

/// How a sealed column's row is named in its associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKey {
    /// A UUID primary key, written as text (`appointments.screening:<uuid>`).
    Uuid,
    /// A text primary key, written as is.
    Text,
    /// A binary primary key, written as lowercase hex.
    Bytes,
}

/// One sealed column and how its associated data is formed: `<aad>:<row key>`.
#[derive(Clone, Copy, Debug)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
    /// The primary-key column.
    pub key: &'static str,
    pub key_kind: RowKey,
    /// The associated-data label before the row key, e.g. `appointments.screening`.
    pub aad: &'static str,
}

/// Every sealed column in the schema.
pub const SEALED_COLUMNS: &[SealedColumn] = &[
    SealedColumn {
        table: "appointments",
        column: "screening_sealed",
        key: "id",
        key_kind: RowKey::Uuid,
        aad: "appointments.screening",
    },
    SealedColumn {
        table: "appointments",
        column: "notes_sealed",
        key: "id",
        key_kind: RowKey::Uuid,
        aad: "appointments.notes",
    },
    SealedColumn {
        table: "appointments",
        column: "token_sealed",
        key: "id",
        key_kind: RowKey::Uuid,
        aad: "appointments.token",
    },
    SealedColumn {
        table: "clients",
        column: "intake_sealed",
        key: "id",
        key_kind: RowKey::Uuid,
        aad: "clients.intake",
    },
    SealedColumn {
        table: "contact_messages",
        column: "message_sealed",
        key: "id",
        key_kind: RowKey::Uuid,
        aad: "contact_messages.message",
    },
    SealedColumn {
        table: "idempotency_keys",
        column: "response_sealed",
        key: "key",
        key_kind: RowKey::Text,
        aad: "idempotency_keys.response",
    },
    SealedColumn {
        table: "quiz_results",
        column: "answers_sealed",
        key: "id_hash",
        key_kind: RowKey::Bytes,
        aad: "quiz_results.answers",
    },
];

/// Where a rotation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotationStart {
    /// This run began the rotation.
    Begun,
    /// A rotation to the same key was under way (an interrupted run): it continues.
    Resumed,
}

impl Store {
    fn rotation_keys(&self) -> Result<(&str, &str, Vec<u8>), StoreError> {
        match (&self.next_key_check, self.sealer.next_prefix()) {
            (Some(next), Some(prefix)) => Ok((&self.key_check, next, prefix)),
            _ => Err(StoreError::Rejected(
                "no new key: set MEDSPA_NEW_SECRET_KEY or pass --new-key-stdin".into(),
            )),
        }
    }

    /// Records in the key check that a rotation to this store's next key is under way (every
    /// instance then needs both keys) and seals new values with the next key from now on.
    pub async fn begin_rotation(&self, now_ms: i64) -> Result<RotationStart, StoreError> {
        let (mine, next, _) = self.rotation_keys()?;
        if mine == next {
            return Err(StoreError::Rejected(
                "the new key is the key in use; make a fresh one (`openssl rand -hex 32`)".into(),
            ));
        }
        let before = self.recorded_key_check().await?;
        let changed = write!(self, |pool| sqlx::query(
            "UPDATE key_check SET next_check_value = $1, rotation_started_at_ms = $2 \
             WHERE id = 1 AND check_value = $3 AND next_check_value IS NULL"
        )
        .bind(next)
        .bind(now_ms)
        .bind(mine)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        let start = if changed == 1 {
            RotationStart::Begun
        } else {
            match before {
                Some(r) if r.check == mine && r.next.as_deref() == Some(next) => {
                    RotationStart::Resumed
                }
                Some(r) if r.check == mine && r.next.is_some() => {
                    return Err(StoreError::Rejected(
                        "a rotation to another key is under way; finish it with that key first"
                            .into(),
                    ));
                }
                _ => return Err(StoreError::KeyMismatch),
            }
        };
        self.sealer.set_seal_with_next(true);
        Ok(start)
    }

    /// How many sealed values are not yet sealed under the next key.
    pub async fn values_to_reseal(&self) -> Result<u64, StoreError> {
        let (_, _, prefix) = self.rotation_keys()?;
        let mut total = 0u64;
        for c in SEALED_COLUMNS {
            let sql = format!(
                "SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL AND substr({c}, 1, {n}) <> $1",
                t = c.table,
                c = c.column,
                n = prefix.len()
            );
            let (n,): (i64,) = read!(self, |pool| sqlx::query_as(&sql)
                .bind(&prefix)
                .fetch_one(pool)
                .await)?;
            total += u64::try_from(n).unwrap_or(0);
        }
        Ok(total)
    }

    /// Re-seals every value not yet under the next key, `batch` rows per transaction, calling
    /// `progress` with the number done after each batch; `progress` may break to stop after
    /// that batch (Ctrl+C), and a later run continues. Returns how many were rewritten.
    pub async fn reseal_all(
        &self,
        batch: u32,
        mut progress: impl FnMut(u64) -> ControlFlow<()> + Send,
    ) -> Result<u64, StoreError> {
        let mut done = 0u64;
        for column in SEALED_COLUMNS {
            let (n, flow) = match column.key_kind {
                RowKey::Uuid => {
                    self.reseal_column::<Uuid>(column, batch, &mut progress, ToString::to_string)
                        .await?
                }
                RowKey::Text => {
                    self.reseal_column::<String>(column, batch, &mut progress, String::clone)
                        .await?
                }
                RowKey::Bytes => {
                    self.reseal_column::<Vec<u8>>(column, batch, &mut progress, |k| hex::encode(k))
                        .await?
                }
            };
            done += n;
            if flow.is_break() {
                break;
            }
        }
        Ok(done)
    }

    /// Opens every sealed value with this store's keys: how many there are and how many do
    /// not open (0 after a good rotation or restore with the right key).
    pub async fn check_sealed(&self) -> Result<SealedReport, StoreError> {
        let mut report = SealedReport::default();
        for column in SEALED_COLUMNS {
            match column.key_kind {
                RowKey::Uuid => {
                    self.check_column::<Uuid>(column, &mut report, ToString::to_string)
                        .await?;
                }
                RowKey::Text => {
                    self.check_column::<String>(column, &mut report, String::clone)
                        .await?;
                }
                RowKey::Bytes => {
                    self.check_column::<Vec<u8>>(column, &mut report, |k| hex::encode(k))
                        .await?;
                }
            }
        }
        Ok(report)
    }

    async fn check_column<K: RowKeyType>(
        &self,
        column: &SealedColumn,
        report: &mut SealedReport,
        key_text: fn(&K) -> String,
    ) -> Result<(), StoreError> {
        let mut cursor: Option<K> = None;
        loop {
            let rows: Vec<(K, Vec<u8>)> = self
                .sealed_batch(column, None, cursor.as_ref(), 1000)
                .await?;
            let Some((last, _)) = rows.last() else {
                return Ok(());
            };
            cursor = Some(last.clone());
            for (key, value) in &rows {
                let aad = format!("{}:{}", column.aad, key_text(key));
                report.total += 1;
                if self.sealer.open(aad.as_bytes(), value).is_err() {
                    report.unreadable += 1;
                }
            }
        }
    }

    /// Up to `batch` non-null values of a sealed column after `cursor`, in key order; with
    /// `skip_prefix`, only values that do not start with it.
    async fn sealed_batch<K: RowKeyType>(
        &self,
        column: &SealedColumn,
        skip_prefix: Option<&[u8]>,
        cursor: Option<&K>,
        batch: u32,
    ) -> Result<Vec<(K, Vec<u8>)>, StoreError> {
        let (t, c, k) = (column.table, column.column, column.key);
        let mut sql = format!("SELECT {k}, {c} FROM {t} WHERE {c} IS NOT NULL");
        let mut n = 1;
        if let Some(p) = skip_prefix {
            let _ = std::write!(sql, " AND substr({c}, 1, {}) <> ${n}", p.len());
            n += 1;
        }
        if cursor.is_some() {
            let _ = std::write!(sql, " AND {k} > ${n}");
            n += 1;
        }
        let _ = std::write!(sql, " ORDER BY {k} LIMIT ${n}");
        let rows = read!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            if let Some(p) = skip_prefix {
                q = q.bind(p);
            }
            if let Some(c) = cursor {
                q = q.bind(c.clone());
            }
            q.bind(i64::from(batch)).fetch_all(pool).await
        })?;
        Ok(rows)
    }

    async fn reseal_column<K: RowKeyType>(
        &self,
        column: &SealedColumn,
        batch: u32,
        progress: &mut (impl FnMut(u64) -> ControlFlow<()> + Send),
        key_text: fn(&K) -> String,
    ) -> Result<(u64, ControlFlow<()>), StoreError> {
        let (_, _, prefix) = self.rotation_keys()?;
        let (t, c, k) = (column.table, column.column, column.key);
        let update = format!("UPDATE {t} SET {c} = $1 WHERE {k} = $2 AND {c} = $3");
        let mut cursor: Option<K> = None;
        let mut done = 0u64;
        loop {
            let rows = self
                .sealed_batch(column, Some(&prefix), cursor.as_ref(), batch)
                .await?;
            let Some((last, _)) = rows.last() else {
                return Ok((done, ControlFlow::Continue(())));
            };
            let last = last.clone();
            let mut resealed = Vec::with_capacity(rows.len());
            for (key, old) in rows {
                let aad = format!("{}:{}", column.aad, key_text(&key));
                let plain = self.sealer.open(aad.as_bytes(), &old).map_err(|_| {
                    StoreError::Rejected(format!(
                        "{t}.{c} of row {} cannot be opened with either key; the rotation \
                         stopped (nothing of that row was changed)",
                        key_text(&key)
                    ))
                })?;
                let new = self
                    .sealer
                    .seal_next(aad.as_bytes(), &plain)
                    .ok_or_else(|| StoreError::Rejected("no new key".into()))?;
                resealed.push((key, old, new));
            }
            let count = resealed.len() as u64;
            tx!(self, |tx| {
                for (key, old, new) in &resealed {
                    sqlx::query(&update)
                        .bind(new)
                        .bind(key.clone())
                        .bind(old)
                        .execute(&mut *tx)
                        .await?;
                }
                Ok::<(), StoreError>(())
            })?;
            done += count;
            cursor = Some(last);
            if progress(count).is_break() {
                return Ok((done, ControlFlow::Break(())));
            }
        }
    }

    /// Ends the rotation: the next key becomes the only key check (the old key is refused
    /// from now on). Refused while any value is still sealed under the old key.
    pub async fn finish_rotation(&self) -> Result<(), StoreError> {
        let (mine, next, _) = self.rotation_keys()?;
        let left = self.values_to_reseal().await?;
        if left > 0 {
            return Err(StoreError::Rejected(format!(
                "{left} values are still sealed under the old key; run the rotation again"
            )));
        }
        let changed = write!(self, |pool| sqlx::query(
            "UPDATE key_check SET check_value = $1, next_check_value = NULL, \
             rotation_started_at_ms = NULL WHERE id = 1 AND check_value = $2 \
             AND next_check_value = $1"
        )
        .bind(next)
        .bind(mine)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Rejected(
                "no rotation to this key is under way".into(),
            ))
        }
    }
}
