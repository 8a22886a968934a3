//! Bookings: create, read by reference + token, cancel, reschedule. Each is one transaction
//! that re-reads the holds it depends on, runs the pure availability engine, and writes the
//! appointment, its holds, outbox rows and an audit entry together.
//!
//! The engine's check is the first guard against double booking; the database is the last:
//! on PostgreSQL an exclusion constraint, on SQLite a trigger under the single writer
//! (`BEGIN IMMEDIATE`). A race lost at the database surfaces as [`BookError::Unavailable`].

use crate::audit::{Entry, insert_audit};
use crate::{Backend, Store, StoreError};
use medspa_core::availability::{self, Hold, HoldIndex, Plan, Policy, Query, Unavailable};
use medspa_core::catalog::Service;
use medspa_core::clinic::{Clinic, Location};
use medspa_core::input::{Email, PersonName, Phone};
use medspa_core::protocol::{Answers, care_plan};
use medspa_core::time::Interval;
use medspa_core::{
    AppointmentId, ClientId, DeviceId, LocationId, ResourceId, RoomId, ServiceId, StaffId,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// Characters of booking references: no 0/O, 1/I/L, so they read well over the phone.
const REFERENCE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const REFERENCE_LEN: usize = 8;
/// How far around a start the booking transaction reads holds: enough for buffers and for the
/// "fewest held minutes that day" staff rule.
const HOLD_WINDOW_MS: i64 = 36 * 3_600_000;

/// Status of an appointment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Confirmed,
    Cancelled,
    Completed,
    NoShow,
}

impl Status {
    /// Stored and API spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }
    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "confirmed" => Self::Confirmed,
            "cancelled" => Self::Cancelled,
            "completed" => Self::Completed,
            "no_show" => Self::NoShow,
            _ => return Err(StoreError::Corrupt("appointments.status".into())),
        })
    }
}

/// A validated booking request.
#[derive(Clone, Debug)]
pub struct NewBooking {
    pub service: ServiceId,
    pub location: LocationId,
    pub start_ms: i64,
    pub staff: Option<StaffId>,
    pub name: PersonName,
    pub email: Email,
    pub phone: Phone,
    /// Screening answers as JSON (health data: sealed before it is written).
    pub screening_json: Option<String>,
    /// Free-text notes from the client (may hold health data: sealed).
    pub notes: Option<String>,
    /// The first appointment of the series this one continues, and this one's 1-based index.
    pub series: Option<(AppointmentId, u32)>,
}

/// An idempotency key with the hash of the request body it first came with.
#[derive(Clone, Debug)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: [u8; 32],
}

impl IdempotencyKey {
    /// A key for a request body.
    pub fn new(key: &str, body: &[u8]) -> Self {
        Self {
            key: key.to_owned(),
            request_hash: Sha256::digest(body).into(),
        }
    }
}

/// A stored appointment with what the API and pages show about it (no health data).
#[derive(Clone, Debug)]
pub struct Appointment {
    pub id: AppointmentId,
    pub reference: String,
    pub status: Status,
    pub service: ServiceId,
    pub location: LocationId,
    pub staff: Option<StaffId>,
    pub room: Option<RoomId>,
    pub device: Option<DeviceId>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub client: ClientId,
    pub client_name: String,
    pub client_email: String,
    pub series_id: Option<AppointmentId>,
    pub series_index: u32,
    pub created_at_ms: i64,
    screening_sealed: Option<Vec<u8>>,
}

impl Appointment {
    /// The client's first name: the only part of the name an email or reminder may carry.
    pub fn first_name(&self) -> &str {
        self.client_name
            .split_whitespace()
            .next()
            .unwrap_or_default()
    }
}

/// A new booking and its secret manage token (shown once, in the 201).
#[derive(Clone, Debug)]
pub struct Booked {
    pub appointment: Appointment,
    pub token: String,
    pub plan: Plan,
}

/// What booking returned.
#[derive(Clone, Debug)]
pub enum BookOutcome {
    /// A new appointment.
    Created(Box<Booked>),
    /// The same idempotency key and body were seen before: the stored response body.
    Replayed(String),
}

/// Why a booking write was refused.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// The slot cannot be held (taken, or outside the rules).
    #[error("unavailable: {0}")]
    Unavailable(Unavailable),
    /// The idempotency key was used with a different body.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// Cancel or reschedule inside the cut-off.
    #[error("too late to change this appointment online")]
    TooLate,
    /// The appointment is cancelled (or otherwise not changeable).
    #[error("the appointment is {0}")]
    NotChangeable(&'static str),
    /// Too close to another live session of the same client (series interval or
    /// cross-service spacing, PROTOCOLS.md §5).
    #[error("too close to another session of this client")]
    Spacing(medspa_core::protocol::spacing::SpacingConflict),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BookError {
    fn from(e: sqlx::Error) -> Self {
        let e = StoreError::from(e);
        if e.is_overlap() {
            Self::Unavailable(Unavailable::Taken)
        } else {
            Self::Store(e)
        }
    }
}

#[derive(sqlx::FromRow)]
struct AppointmentRow {
    id: Uuid,
    reference: String,
    status: String,
    service_id: Uuid,
    location_id: Uuid,
    staff_id: Option<Uuid>,
    room_id: Option<Uuid>,
    device_id: Option<Uuid>,
    starts_at_ms: i64,
    ends_at_ms: i64,
    client_id: Uuid,
    client_name: String,
    client_email: String,
    series_id: Option<Uuid>,
    series_index: i32,
    created_at_ms: i64,
    token_hash: Vec<u8>,
    screening_sealed: Option<Vec<u8>>,
}

impl AppointmentRow {
    fn into_appointment(self) -> Result<(Appointment, Vec<u8>), StoreError> {
        Ok((
            Appointment {
                id: AppointmentId::new(self.id),
                reference: self.reference,
                status: Status::parse(&self.status)?,
                service: ServiceId::new(self.service_id),
                location: LocationId::new(self.location_id),
                staff: self.staff_id.map(StaffId::new),
                room: self.room_id.map(RoomId::new),
                device: self.device_id.map(DeviceId::new),
                start_ms: self.starts_at_ms,
                end_ms: self.ends_at_ms,
                client: ClientId::new(self.client_id),
                client_name: self.client_name,
                client_email: self.client_email,
                series_id: self.series_id.map(AppointmentId::new),
                series_index: u32::try_from(self.series_index).unwrap_or(1),
                created_at_ms: self.created_at_ms,
                screening_sealed: self.screening_sealed,
            },
            self.token_hash,
        ))
    }
}

const APPOINTMENT_SELECT: &str = "SELECT a.id, a.reference, a.status, a.service_id, a.location_id, \
    a.staff_id, a.room_id, a.device_id, a.starts_at_ms, a.ends_at_ms, a.client_id, \
    c.name AS client_name, c.email AS client_email, a.series_id, a.series_index, a.created_at_ms, \
    a.token_hash, a.screening_sealed FROM appointments a JOIN clients c ON c.id = a.client_id";

/// Active holds of a location's resources overlapping `[$3, $2)`. Holds last at most a day
/// (`holds_max_length`), so `$4` = `$3` minus a day bounds the index range from below and the
/// read does not grow with history. The `active` test is a literal so SQLite can use its
/// partial index (a bound parameter cannot prove `active = 1`).
const HOLDS_NEAR_SQLITE: &str = "SELECT h.resource_id, h.starts_at_ms, h.ends_at_ms, h.appointment_id \
    FROM holds h JOIN resources r ON r.id = h.resource_id \
    WHERE r.location_id = $1 AND h.active = 1 AND h.starts_at_ms < $2 AND h.ends_at_ms > $3 \
    AND h.starts_at_ms > $4";
const HOLDS_NEAR_POSTGRES: &str = "SELECT h.resource_id, h.starts_at_ms, h.ends_at_ms, h.appointment_id \
    FROM holds h JOIN resources r ON r.id = h.resource_id \
    WHERE r.location_id = $1 AND h.active AND h.starts_at_ms < $2 AND h.ends_at_ms > $3 \
    AND h.starts_at_ms > $4";
/// The longest a hold may be (the schema enforces it).
const MAX_HOLD_MS: i64 = 86_400_000;

/// A fresh manage token (256 random bits, URL-safe) and its SHA-256 hash.
pub fn new_token() -> (String, Vec<u8>) {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    (token, hash)
}

/// A fresh human-readable reference such as `H7K3M9QD`.
pub fn new_reference() -> String {
    let mut bytes = [0u8; REFERENCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(REFERENCE_ALPHABET[usize::from(*b) % REFERENCE_ALPHABET.len()]))
        .collect()
}

fn token_aad(id: Uuid) -> Vec<u8> {
    format!("appointments.token:{id}").into_bytes()
}
fn screening_aad(id: Uuid) -> Vec<u8> {
    format!("appointments.screening:{id}").into_bytes()
}
fn notes_aad(id: Uuid) -> Vec<u8> {
    format!("appointments.notes:{id}").into_bytes()
}
fn idempotency_aad(key: &str) -> Vec<u8> {
    format!("idempotency_keys.response:{key}").into_bytes()
}

fn hold_index(rows: Vec<(Uuid, i64, i64, Uuid)>) -> HoldIndex {
    rows.into_iter()
        .map(|(r, s, e, a)| {
            (
                ResourceId(r),
                Hold {
                    interval: Interval::new(s, e),
                    appointment: Some(AppointmentId::new(a)),
                },
            )
        })
        .collect()
}

/// The emails a booking at `start_ms` causes (confirmation or reschedule notice, reminders,
/// care steps), planned from the care plan for that start.
#[expect(
    clippy::too_many_arguments,
    reason = "the planner's inputs, named at the call site"
)]
fn booking_mail(
    store: &Store,
    service: &Service,
    location: &Location,
    appointment: AppointmentId,
    recipient: &str,
    start_ms: i64,
    answers: Option<&Answers>,
    now_ms: i64,
    previous_start_ms: Option<i64>,
) -> Vec<crate::outbox::OutboxMessage> {
    let start = medspa_core::time::from_millis(start_ms);
    let zoned = start.to_zoned(location.zone.tz().clone());
    let steps = care_plan(&service.protocol, &zoned, answers);
    let plan = crate::outbox::MailPlan {
        appointment_id: appointment,
        recipient,
        start,
        zone: location.zone.tz(),
        care_plan: &steps,
        protocol: &service.protocol,
        reminder_offsets: &store.reminder_offsets,
        now: medspa_core::time::from_millis(now_ms),
    };
    match previous_start_ms {
        None => crate::outbox::plan_booking_messages(&plan),
        Some(prev) => {
            crate::outbox::plan_reschedule_messages(&plan, medspa_core::time::from_millis(prev))
        }
    }
}

/// Parses stored screening JSON against a protocol (answers the protocol no longer asks are
/// dropped; unreadable answers count as none).
fn parse_answers(service: &Service, json: Option<&str>) -> Option<Answers> {
    let raw: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json?).ok()?;
    Answers::parse(&service.protocol, &raw).ok()
}

/// Inside a booking transaction: locks the client (by normalised email), reads their other
/// live sessions near `start_ms` (leaving out `exclude`) and applies the spacing rules.
macro_rules! check_spacing {
    ($store:expr, $tx:ident, $clinic:expr, $service:expr, $location:expr, $email_norm:expr, $start_ms:expr, $exclude:expr) => {{
        sqlx::query($store.client_lock_sql())
            .bind($email_norm)
            .execute(&mut *$tx)
            .await
            .map_err(StoreError::from)?;
        let rows: Vec<(Uuid, i64)> = sqlx::query_as(super::CLIENT_SESSIONS)
            .bind($email_norm)
            .bind($start_ms - super::SPACING_WINDOW_MS)
            .bind($start_ms + super::SPACING_WINDOW_MS)
            .bind($exclude)
            .fetch_all(&mut *$tx)
            .await
            .map_err(StoreError::from)?;
        let tz = $location.zone.tz();
        let others: Vec<(String, jiff::civil::Date)> = rows
            .into_iter()
            .filter_map(|(sid, ms)| {
                let s = $clinic.service_by_id(medspa_core::ServiceId::new(sid))?;
                Some((s.slug.to_string(), medspa_core::time::local_date(ms, tz)))
            })
            .collect();
        medspa_core::protocol::spacing::check(
            $service.slug.as_str(),
            $service.protocol.series,
            medspa_core::time::local_date($start_ms, tz),
            &others,
        )
        .map_err(BookError::Spacing)?;
    }};
}

/// Renders a new booking as the response body kept for idempotent replays.
pub type Render = std::sync::Arc<dyn Fn(&Booked) -> String + Send + Sync>;

/// Runs a booking write on its own task and waits for it. If the caller stops waiting (its
/// client disconnected, or the request ran past its time limit and was dropped), the write
/// still runs to its end, committed or rolled back as a whole, instead of being cut off at an
/// await point inside a savepoint of the shared SQLite batch (which could leave the batch's
/// nesting inconsistent for the next booking, or the writer waiting forever).
pub(crate) async fn detached<T: Send + 'static>(
    write: impl std::future::Future<Output = Result<T, BookError>> + Send + 'static,
) -> Result<T, BookError> {
    // The request's context (client address, request id) goes along for the audit entry.
    let cx = crate::audit::RequestContext::current();
    let task = async move {
        match cx {
            Some(cx) => cx.scope(write).await,
            None => write.await,
        }
    };
    tokio::spawn(task).await.unwrap_or_else(|e| {
        Err(BookError::Store(StoreError::Io(format!(
            "booking task failed: {e}"
        ))))
    })
}

/// Runs `$body` with `$tx` bound to a fresh read-write transaction, committing on `Ok`.
/// Like `crate::tx!` but for functions returning `BookError`.
macro_rules! book_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.backend {
            // SQLite: one savepoint in a shared batch; the commit is shared with concurrent
            // bookings (see `group.rs`), and this returns only once it is durable.
            Backend::Sqlite { group, .. } => {
                let mut slot = group.enter().await?;
                let out = {
                    let mut $tx = sqlx::Connection::begin(&mut **slot.tx())
                        .await
                        .map_err(StoreError::from)?;
                    let out = $body;
                    if out.is_ok() {
                        $tx.commit().await.map_err(StoreError::from)?;
                    }
                    out
                };
                slot.finish(out.is_ok()).await?;
                out
            }
            Backend::Postgres(pool) => {
                let mut $tx = pool.begin().await.map_err(StoreError::from)?;
                let out = $body;
                if out.is_ok() {
                    $tx.commit().await.map_err(StoreError::from)?;
                }
                out
            }
        }
    };
}

/// Serialises one client's bookings inside the booking transaction. PostgreSQL: a
/// transaction-scoped advisory lock keyed on the normalised email (a hash collision only
/// serialises two clients more than needed). SQLite: the single writer already serialises
/// every booking, so the statement only binds its parameter.
const CLIENT_LOCK_POSTGRES: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 7))";
const CLIENT_LOCK_SQLITE: &str = "SELECT 1 WHERE $1 IS NULL";

/// The client's live sessions (by email) near a start, for the spacing rules.
const CLIENT_SESSIONS: &str = "SELECT a.service_id, a.starts_at_ms FROM appointments a \
    JOIN clients c ON c.id = a.client_id \
    WHERE c.email_norm = $1 AND a.status IN ('confirmed', 'completed') \
    AND a.starts_at_ms >= $2 AND a.starts_at_ms < $3 AND a.id <> $4";

/// How far around a start the spacing rules look (longer than any rule's interval).
const SPACING_WINDOW_MS: i64 = 400 * 86_400_000;

impl Store {
    fn client_lock_sql(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => CLIENT_LOCK_SQLITE,
            Backend::Postgres(_) => CLIENT_LOCK_POSTGRES,
        }
    }

    /// [`HOLDS_NEAR_SQLITE`] or [`HOLDS_NEAR_POSTGRES`], for the live backend.
    fn holds_near_sql(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => HOLDS_NEAR_SQLITE,
            Backend::Postgres(_) => HOLDS_NEAR_POSTGRES,
        }
    }
}

mod change;
mod create;
mod read;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_readable() {
        let r = new_reference();
        assert_eq!(r.len(), REFERENCE_LEN);
        assert!(r.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)));
        assert_ne!(new_reference(), new_reference());
    }

    #[test]
    fn tokens_are_long_and_hashed() {
        let (t, h) = new_token();
        assert!(t.len() >= 43, "256 bits in base64url");
        assert_eq!(h, Sha256::digest(t.as_bytes()).to_vec());
    }
}
