//! The worker's side of the outbox: claim due messages under a lease, mark them sent, schedule
//! a retry with exponential backoff or mark them dead, and the staff views (summary, list,
//! requeue).
//!
//! Several app instances may run a worker. PostgreSQL: a claim locks due rows with
//! `FOR UPDATE SKIP LOCKED` inside one statement and stamps a lease, so two workers never hold
//! the same row and a crashed worker's rows come back when its lease expires. SQLite: the same
//! statement without the locking clause runs under the single writer, which serializes claims.
//!
//! Must not: store server replies or recipients in `last_error` (callers pass a short code),
//! or log anything but ids, kinds and statuses.

use super::{
    MailKind, MailPayload, OutboxMessage, OutboxStatus, cancel_pending_for, insert_outbox,
};
use crate::{Backend, Store, StoreError, read, tx, write};
use medspa_core::AppointmentId;
use std::fmt;
use std::time::Duration;
use uuid::Uuid;

/// How often and how long to retry a message that could not be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first failure; doubles after each further one.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub cap: Duration,
    /// After this many attempts the message is `dead` (visible to staff, who may requeue it).
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min, ... capped at 1 h; dead after 8 attempts (about 1 h 4 min in all).
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            cap: Duration::from_hours(1),
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The wait after `attempts` failed attempts (1-based): `base * 2^(attempts-1)`, capped.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let shift = attempts.saturating_sub(1).min(30);
        self.base
            .checked_mul(1u32 << shift)
            .map_or(self.cap, |d| d.min(self.cap))
    }
}

/// A message a worker has leased and should now send.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimedMessage {
    pub id: Uuid,
    pub kind: MailKind,
    pub appointment_id: Option<AppointmentId>,
    /// Personal data: hidden from `Debug`.
    pub recipient: String,
    pub payload: MailPayload,
    /// Attempts so far, this one included.
    pub attempts: u32,
    pub send_after_ms: i64,
    pub created_at_ms: i64,
}

impl fmt::Debug for ClaimedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimedMessage")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("appointment_id", &self.appointment_id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// One outbox row for staff and the CLI.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: Uuid,
    pub kind: MailKind,
    pub appointment_id: Option<AppointmentId>,
    /// Personal data: hidden from `Debug`; show it to signed-in staff only.
    pub recipient: String,
    pub status: OutboxStatus,
    pub attempts: u32,
    /// A short code such as `smtp 451` or `connect`; never server text.
    pub last_error: Option<String>,
    pub send_after_ms: i64,
    pub created_at_ms: i64,
    pub sent_at_ms: Option<i64>,
}

impl fmt::Debug for OutboxRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboxRow")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

/// Counts by status, for the back office and `medspa` health output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    pub pending: i64,
    /// Pending and due now (a growing number means mail is not going out).
    pub due: i64,
    pub sent: i64,
    pub dead: i64,
    pub cancelled: i64,
    /// When the oldest due message became due (Unix ms).
    pub oldest_due_ms: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: Uuid,
    kind: String,
    appointment_id: Option<Uuid>,
    recipient: String,
    payload: String,
    attempts: i32,
    send_after_ms: i64,
    created_at_ms: i64,
}

impl ClaimRow {
    fn into_message(self) -> Result<ClaimedMessage, StoreError> {
        Ok(ClaimedMessage {
            id: self.id,
            kind: parse_kind(&self.kind)?,
            appointment_id: self.appointment_id.map(AppointmentId::new),
            recipient: self.recipient,
            payload: serde_json::from_str(&self.payload)
                .map_err(|_| StoreError::Corrupt("outbox.payload".into()))?,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
            send_after_ms: self.send_after_ms,
            created_at_ms: self.created_at_ms,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: Uuid,
    kind: String,
    appointment_id: Option<Uuid>,
    recipient: String,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    send_after_ms: i64,
    created_at_ms: i64,
    sent_at_ms: Option<i64>,
}

impl ListRow {
    fn into_row(self) -> Result<OutboxRow, StoreError> {
        Ok(OutboxRow {
            id: self.id,
            kind: parse_kind(&self.kind)?,
            appointment_id: self.appointment_id.map(AppointmentId::new),
            recipient: self.recipient,
            status: OutboxStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Corrupt("outbox.status".into()))?,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
            last_error: self.last_error,
            send_after_ms: self.send_after_ms,
            created_at_ms: self.created_at_ms,
            sent_at_ms: self.sent_at_ms,
        })
    }
}

const LIST_COLUMNS: &str = "id, kind, appointment_id, recipient, status, attempts, last_error, \
     send_after_ms, created_at_ms, sent_at_ms";

fn parse_kind(raw: &str) -> Result<MailKind, StoreError> {
    MailKind::parse(raw).ok_or_else(|| StoreError::Corrupt("outbox.kind".into()))
}

const CLAIM_COLUMNS: &str =
    "id, kind, appointment_id, recipient, payload, attempts, send_after_ms, created_at_ms";

/// Due rows: pending, time reached, no live lease. Oldest first.
const DUE: &str = "SELECT id FROM outbox WHERE status = 'pending' AND send_after_ms <= $3 \
     AND (lease_until_ms IS NULL OR lease_until_ms <= $3) \
     ORDER BY send_after_ms, created_at_ms, id LIMIT $4";

impl Store {
    /// Writes messages outside any other transaction (notices, tests); a message whose dedupe
    /// key exists is skipped. Returns how many rows were written.
    pub async fn enqueue(&self, messages: &[OutboxMessage]) -> Result<u64, StoreError> {
        tx!(self, |tx| {
            let mut n = 0;
            for m in messages {
                n += insert_outbox!(&mut *tx, m)?;
            }
            Ok::<u64, StoreError>(n)
        })
    }

    /// Leases up to `limit` due messages to `worker` until `now_ms + lease_ms` and counts the
    /// attempt. A message is due when pending, `send_after_ms <= now_ms` and unleased (or its
    /// lease expired: the worker holding it died). Returned oldest first.
    pub async fn outbox_claim(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let until = now_ms.saturating_add(lease_ms.max(1));
        let rows: Vec<ClaimRow> = match &self.backend {
            Backend::Postgres(pool) => {
                // The CTE runs once and locks what it returns; rows another worker is claiming
                // right now are skipped, not waited for. A row whose lease another worker set
                // after our snapshot fails the re-check on the locked row version.
                let sql = format!(
                    "WITH due AS ({DUE} FOR UPDATE SKIP LOCKED) \
                     UPDATE outbox o SET lease_until_ms = $1, leased_by = $2, attempts = o.attempts + 1 \
                     FROM due WHERE o.id = due.id RETURNING {}",
                    prefixed("o.", CLAIM_COLUMNS)
                );
                sqlx::query_as(&sql)
                    .bind(until)
                    .bind(worker)
                    .bind(now_ms)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
            Backend::Sqlite { write, .. } => {
                // One statement on the single writer connection: atomic against other
                // claims in this process and, through SQLite's write lock, in others.
                let sql = format!(
                    "UPDATE outbox SET lease_until_ms = $1, leased_by = $2, attempts = attempts + 1 \
                     WHERE id IN ({DUE}) RETURNING {CLAIM_COLUMNS}"
                );
                sqlx::query_as(&sql)
                    .bind(until)
                    .bind(worker)
                    .bind(now_ms)
                    .bind(limit)
                    .fetch_all(write)
                    .await?
            }
        };
        let mut out = rows
            .into_iter()
            .map(ClaimRow::into_message)
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|m| (m.send_after_ms, m.created_at_ms, m.id));
        Ok(out)
    }

    /// Marks a message sent. `false` when it was no longer pending (sent or cancelled by
    /// someone else meanwhile).
    pub async fn outbox_mark_sent(&self, id: Uuid, now_ms: i64) -> Result<bool, StoreError> {
        // `leased_by` stays: which instance sent it.
        const SQL: &str = "UPDATE outbox SET status = 'sent', sent_at_ms = $2, last_error = NULL, \
             lease_until_ms = NULL WHERE id = $1 AND status = 'pending'";
        let n = write!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(now_ms)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records a failed attempt by `worker`: schedules the next one after the policy's backoff,
    /// or marks the message `dead` when `permanent` or out of attempts. `error` must be a short
    /// code without personal data. Returns the new status (`None` if the lease was lost).
    pub async fn outbox_fail(
        &self,
        message: &ClaimedMessage,
        worker: &str,
        now_ms: i64,
        error: &str,
        permanent: bool,
        policy: &RetryPolicy,
    ) -> Result<Option<OutboxStatus>, StoreError> {
        const SQL: &str = "UPDATE outbox SET status = $3, send_after_ms = $4, last_error = $5, \
             lease_until_ms = NULL, leased_by = NULL \
             WHERE id = $1 AND leased_by = $2 AND status = 'pending'";
        let dead = permanent || message.attempts >= policy.max_attempts;
        let (status, next) = if dead {
            (OutboxStatus::Dead, now_ms)
        } else {
            let wait =
                i64::try_from(policy.backoff(message.attempts).as_millis()).unwrap_or(i64::MAX);
            (OutboxStatus::Pending, now_ms.saturating_add(wait))
        };
        let error: String = error.chars().take(120).collect();
        let n = write!(self, |pool| sqlx::query(SQL)
            .bind(message.id)
            .bind(worker)
            .bind(status.as_str())
            .bind(next)
            .bind(&error)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok((n == 1).then_some(status))
    }

    /// Cancels one pending message that no longer applies (its appointment was cancelled or
    /// moved), with a short reason.
    pub async fn outbox_skip(&self, id: Uuid, reason: &str) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE outbox SET status = 'cancelled', last_error = $2, \
             lease_until_ms = NULL, leased_by = NULL WHERE id = $1 AND status = 'pending'";
        let n = write!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(reason)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Gives back leased messages a stopping worker did not get to, uncounting the attempt, so
    /// another instance sends them without waiting for the lease to expire.
    pub async fn outbox_release(&self, ids: &[Uuid], worker: &str) -> Result<u64, StoreError> {
        const SQL: &str = "UPDATE outbox SET lease_until_ms = NULL, leased_by = NULL, \
             attempts = attempts - 1 \
             WHERE id = $1 AND leased_by = $2 AND status = 'pending' AND attempts > 0";
        let mut n = 0;
        for id in ids {
            n += write!(self, |pool| sqlx::query(SQL)
                .bind(*id)
                .bind(worker)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(n)
    }

    /// Cancels an appointment's pending reminders and care-step emails outside a transaction
    /// (booking code uses [`cancel_pending_for!`](super::cancel_pending_for) inside its own).
    pub async fn outbox_cancel_pending(
        &self,
        appointment_id: AppointmentId,
    ) -> Result<u64, StoreError> {
        Ok(write!(self, |pool| cancel_pending_for!(
            pool,
            appointment_id
        ))?)
    }

    /// Puts a dead message back in the queue, due now, with a fresh retry budget.
    pub async fn outbox_requeue(&self, id: Uuid, now_ms: i64) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE outbox SET status = 'pending', attempts = 0, send_after_ms = $2, \
             lease_until_ms = NULL, leased_by = NULL WHERE id = $1 AND status = 'dead'";
        let n = write!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(now_ms)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Counts by status; `due` and `oldest_due_ms` as of `now_ms`.
    pub async fn outbox_summary(&self, now_ms: i64) -> Result<OutboxSummary, StoreError> {
        const COUNTS: &str = "SELECT status, COUNT(*) FROM outbox GROUP BY status";
        const DUE_SQL: &str = "SELECT COUNT(*), MIN(send_after_ms) FROM outbox \
             WHERE status = 'pending' AND send_after_ms <= $1";
        let counts: Vec<(String, i64)> =
            read!(self, |pool| sqlx::query_as(COUNTS).fetch_all(pool).await)?;
        let due: (i64, Option<i64>) = read!(self, |pool| sqlx::query_as(DUE_SQL)
            .bind(now_ms)
            .fetch_one(pool)
            .await)?;
        let mut s = OutboxSummary {
            due: due.0,
            oldest_due_ms: due.1,
            ..OutboxSummary::default()
        };
        for (status, n) in counts {
            match OutboxStatus::parse(&status) {
                Some(OutboxStatus::Pending) => s.pending = n,
                Some(OutboxStatus::Sent) => s.sent = n,
                Some(OutboxStatus::Dead) => s.dead = n,
                Some(OutboxStatus::Cancelled) => s.cancelled = n,
                None => return Err(StoreError::Corrupt("outbox.status".into())),
            }
        }
        Ok(s)
    }

    /// Messages with `status` (all when `None`), newest first, paged.
    pub async fn outbox_list(
        &self,
        status: Option<OutboxStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let all = format!(
            "SELECT {LIST_COLUMNS} FROM outbox ORDER BY created_at_ms DESC, id DESC LIMIT $1 OFFSET $2"
        );
        let one = format!(
            "SELECT {LIST_COLUMNS} FROM outbox WHERE status = $3 \
             ORDER BY created_at_ms DESC, id DESC LIMIT $1 OFFSET $2"
        );
        let rows: Vec<ListRow> = read!(self, |pool| match status {
            None => {
                sqlx::query_as(&all)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(pool)
                    .await
            }
            Some(s) => {
                sqlx::query_as(&one)
                    .bind(limit)
                    .bind(offset)
                    .bind(s.as_str())
                    .fetch_all(pool)
                    .await
            }
        })?;
        rows.into_iter().map(ListRow::into_row).collect()
    }

    /// The messages written for one appointment, oldest first (staff view, tests).
    pub async fn outbox_for_appointment(
        &self,
        appointment_id: AppointmentId,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let sql = format!(
            "SELECT {LIST_COLUMNS} FROM outbox WHERE appointment_id = $1 \
             ORDER BY send_after_ms, created_at_ms, id"
        );
        let rows: Vec<ListRow> = read!(self, |pool| sqlx::query_as(&sql)
            .bind(appointment_id.get())
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(ListRow::into_row).collect()
    }

    /// One message by id.
    pub async fn outbox_get(&self, id: Uuid) -> Result<OutboxRow, StoreError> {
        let sql = format!("SELECT {LIST_COLUMNS} FROM outbox WHERE id = $1");
        let row: ListRow = read!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_one(pool)
            .await)?;
        row.into_row()
    }
}

/// `"a, b"` -> `"o.a, o.b"`.
fn prefixed(prefix: &str, columns: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}
