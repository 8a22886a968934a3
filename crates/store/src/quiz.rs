//! Short-lived, shareable skin quiz results (issue 7).
//!
//! A quiz result whose answers include a health flag cannot live in its link, so it is kept
//! here for a short time (the web layer uses 24 h) under a random 128-bit id that only the link
//! knows. At rest a row holds the SHA-256 of that id (a database reader cannot rebuild a link)
//! and the answers sealed with the field key, bound to that hash. Loading re-runs the pure
//! engine on the answers, so a result always explains itself the same way.
//!
//! Nothing here logs answers or ids. Expired rows are invisible at once and deleted whenever a
//! new result is saved (or by [`Store::expire_quiz_results`]). Answers are never stored
//! anywhere else unless the client books and agrees (that is the booking's screening data).

use crate::{Store, StoreError, read, tx, write};
use medspa_core::quiz::{Flag, QuizAnswers};
use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;

/// The id in a saved result's link: 128 random bits, written as 32 lowercase hex characters.
/// A bearer secret: `Debug` is redacted and only [`QuizResultId::to_hex`] reveals it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct QuizResultId([u8; 16]);

impl fmt::Debug for QuizResultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QuizResultId(***)")
    }
}

impl QuizResultId {
    /// A fresh random id from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Reads the 32 hex characters of a link; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(raw, &mut bytes).ok()?;
        Some(Self(bytes))
    }

    /// The 32 lowercase hex characters for the link.
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    fn hash(self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"medspa/quiz-result/v1");
        h.update(self.0);
        h.finalize().into()
    }
}

/// A saved result's answers and when it stops working.
#[derive(Clone)]
pub struct SavedQuiz {
    pub answers: QuizAnswers,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

impl fmt::Debug for SavedQuiz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedQuiz")
            .field("created_at_ms", &self.created_at_ms)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    answers_sealed: Vec<u8>,
    created_at_ms: i64,
    expires_at_ms: i64,
}

fn aad(hash: &[u8; 32]) -> Vec<u8> {
    let mut out = b"quiz_results.answers:".to_vec();
    out.extend_from_slice(hex::encode(hash).as_bytes());
    out
}

/// The answers as the API's `{id: value}` object, which [`QuizAnswers::parse`] reads back.
pub fn answers_json(a: &QuizAnswers) -> Map<String, Value> {
    let mut m = Map::new();
    for n in 1..=10 {
        m.insert(format!("fitz_{n}"), Value::String(a.fitz(n).to_string()));
    }
    let concerns = a
        .concerns()
        .iter()
        .map(|c| Value::String(c.as_str().to_owned()))
        .collect();
    m.insert("concerns".into(), Value::Array(concerns));
    m.insert("downtime".into(), a.downtime().as_str().into());
    m.insert("budget".into(), a.budget().as_str().into());
    for flag in Flag::ALL {
        m.insert(flag.as_str().into(), Value::Bool(a.flag(flag)));
    }
    m
}

impl Store {
    /// Keeps `answers` until `now_ms + ttl_ms` and returns the id for the link. Deletes
    /// expired results in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn save_quiz_result(
        &self,
        answers: &QuizAnswers,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<(QuizResultId, i64), StoreError> {
        let id = QuizResultId::generate();
        let hash = id.hash();
        let plain = serde_json::to_vec(&Value::Object(answers_json(answers)))
            .map_err(|_| StoreError::Corrupt("quiz_results.answers".into()))?;
        let sealed = self.sealer.seal(&aad(&hash), &plain);
        let expires_at_ms = now_ms.saturating_add(ttl_ms.max(1));
        tx!(self, |tx| {
            sqlx::query("DELETE FROM quiz_results WHERE expires_at_ms <= $1")
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO quiz_results (id_hash, answers_sealed, created_at_ms, expires_at_ms) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&hash[..])
            .bind(&sealed)
            .bind(now_ms)
            .bind(expires_at_ms)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })?;
        tracing::info!("quiz result saved");
        Ok((id, expires_at_ms))
    }

    /// The saved answers for a link's id, or `None` when unknown or expired at `now_ms`.
    pub async fn quiz_result(
        &self,
        id: QuizResultId,
        now_ms: i64,
    ) -> Result<Option<SavedQuiz>, StoreError> {
        let hash = id.hash();
        let row: Option<Row> = read!(self, |pool| sqlx::query_as(
            "SELECT answers_sealed, created_at_ms, expires_at_ms FROM quiz_results \
             WHERE id_hash = $1 AND expires_at_ms > $2"
        )
        .bind(&hash[..])
        .bind(now_ms)
        .fetch_optional(pool)
        .await)?;
        let Some(row) = row else { return Ok(None) };
        let plain = self.sealer.open(&aad(&hash), &row.answers_sealed)?;
        let corrupt = || StoreError::Corrupt("quiz_results.answers".into());
        let map: Map<String, Value> = serde_json::from_slice(&plain).map_err(|_| corrupt())?;
        let answers = QuizAnswers::parse(&map).map_err(|_| corrupt())?;
        Ok(Some(SavedQuiz {
            answers,
            created_at_ms: row.created_at_ms,
            expires_at_ms: row.expires_at_ms,
        }))
    }

    /// Deletes a saved result now (the client asked us to forget it). `true` when one was
    /// deleted.
    pub async fn forget_quiz_result(&self, id: QuizResultId) -> Result<bool, StoreError> {
        let hash = id.hash();
        let n = write!(self, |pool| sqlx::query(
            "DELETE FROM quiz_results WHERE id_hash = $1"
        )
        .bind(&hash[..])
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Deletes every result expired at `now_ms`; returns how many.
    pub async fn expire_quiz_results(&self, now_ms: i64) -> Result<u64, StoreError> {
        Ok(write!(self, |pool| sqlx::query(
            "DELETE FROM quiz_results WHERE expires_at_ms <= $1"
        )
        .bind(now_ms)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?)
    }

    /// How many saved results exist, expired or not (for tests and the back office).
    pub async fn count_quiz_results(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) = read!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM quiz_results"
        )
        .fetch_one(pool)
        .await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_junk() {
        let id = QuizResultId::generate();
        let hex = id.to_hex();
        assert_eq!(hex.len(), 32);
        assert_eq!(QuizResultId::parse(&hex), Some(id));
        assert_eq!(QuizResultId::parse("zz"), None);
        assert_eq!(QuizResultId::parse(&"g".repeat(32)), None);
        assert_ne!(QuizResultId::generate(), id);
        assert_eq!(format!("{id:?}"), "QuizResultId(***)");
    }

    #[test]
    fn answers_json_parses_back() {
        let mut raw = Map::new();
        for n in 1..=10 {
            raw.insert(format!("fitz_{n}"), Value::String("2".into()));
        }
        raw.insert("concerns".into(), serde_json::json!(["pores", "redness"]));
        raw.insert("downtime".into(), "week".into());
        raw.insert("budget".into(), "mid".into());
        for flag in Flag::ALL {
            raw.insert(flag.as_str().into(), Value::Bool(flag == Flag::Melasma));
        }
        let a = QuizAnswers::parse(&raw).unwrap();
        let back = QuizAnswers::parse(&answers_json(&a)).unwrap();
        assert!(back == a);
        assert!(back.flag(Flag::Melasma) && !back.flag(Flag::Pregnant));
    }
}
