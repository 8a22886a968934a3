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

impl Store {
    /// [`HOLDS_NEAR_SQLITE`] or [`HOLDS_NEAR_POSTGRES`], for the live backend.
    fn holds_near_sql(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => HOLDS_NEAR_SQLITE,
            Backend::Postgres(_) => HOLDS_NEAR_POSTGRES,
        }
    }

    /// Books a slot: re-checks availability against the holds in the database, writes the
    /// client (found by email, else created), the appointment, its holds, its emails
    /// (confirmation, reminders, care steps), an audit entry and the idempotency record, all
    /// in one transaction.
    ///
    /// `render` turns the new booking into the response body stored for idempotent replays.
    pub async fn book(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        booking: &NewBooking,
        idem: Option<&IdempotencyKey>,
        now_ms: i64,
        render: &(dyn Fn(&Booked) -> String + Sync),
    ) -> Result<BookOutcome, BookError> {
        // A reference collision is astronomically rare; retry once with a fresh one.
        for attempt in 0..3 {
            match self
                .try_book(clinic, policy, booking, idem, now_ms, render)
                .await
            {
                Err(BookError::Store(StoreError::Conflict("appointments_reference_key")))
                    if attempt < 2 => {}
                Err(BookError::Store(StoreError::Conflict("idempotency_keys_pkey"))) => {
                    // A concurrent request with the same key committed first: replay it.
                    return self.replay(idem.expect("conflict implies a key")).await;
                }
                other => return other,
            }
        }
        Err(BookError::Store(StoreError::Conflict(
            "appointments_reference_key",
        )))
    }

    async fn replay(&self, idem: &IdempotencyKey) -> Result<BookOutcome, BookError> {
        let row: Option<(Vec<u8>, Option<Vec<u8>>)> = crate::read!(self, |pool| {
            sqlx::query_as(
                "SELECT request_hash, response_sealed FROM idempotency_keys WHERE key = $1",
            )
            .bind(&idem.key)
            .fetch_optional(pool)
            .await
        })
        .map_err(StoreError::from)?;
        match row {
            Some((hash, _)) if hash != idem.request_hash => Err(BookError::IdempotencyMismatch),
            Some((_, Some(sealed))) => {
                let body = self.sealer.open(&idempotency_aad(&idem.key), &sealed)?;
                Ok(BookOutcome::Replayed(
                    String::from_utf8_lossy(&body).into_owned(),
                ))
            }
            _ => Err(BookError::Store(StoreError::Conflict(
                "idempotency_keys_pkey",
            ))),
        }
    }

    #[expect(clippy::too_many_lines, reason = "one transaction, step by step")]
    async fn try_book(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        booking: &NewBooking,
        idem: Option<&IdempotencyKey>,
        now_ms: i64,
        render: &(dyn Fn(&Booked) -> String + Sync),
    ) -> Result<BookOutcome, BookError> {
        let service = clinic
            .service_by_id(booking.service)
            .ok_or(StoreError::NotFound)?;
        let location = clinic
            .location(booking.location)
            .ok_or(StoreError::NotFound)?;
        let date = medspa_core::time::local_date(booking.start_ms, location.zone.tz());
        let id = Uuid::now_v7();
        let (token, token_hash) = new_token();
        let reference = new_reference();
        let holds_near = self.holds_near_sql();
        book_tx!(self, |tx| {
            if let Some(k) = idem {
                let prior: Option<(Vec<u8>, Option<Vec<u8>>)> = sqlx::query_as(
                    "SELECT request_hash, response_sealed FROM idempotency_keys WHERE key = $1",
                )
                .bind(&k.key)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((hash, sealed)) = prior {
                    if hash != k.request_hash {
                        return Err(BookError::IdempotencyMismatch);
                    }
                    let sealed =
                        sealed.ok_or(StoreError::Corrupt("idempotency_keys.response".into()))?;
                    let body = self.sealer.open(&idempotency_aad(&k.key), &sealed)?;
                    return Ok(BookOutcome::Replayed(
                        String::from_utf8_lossy(&body).into_owned(),
                    ));
                }
                // Claim the key first: a concurrent twin blocks here until we commit, then
                // fails on the primary key and replays our response.
                sqlx::query("INSERT INTO idempotency_keys (key, request_hash, created_at_ms) VALUES ($1, $2, $3)")
                    .bind(&k.key)
                    .bind(k.request_hash.to_vec())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }

            let rows: Vec<(Uuid, i64, i64, Uuid)> = sqlx::query_as(holds_near)
                .bind(location.id.get())
                .bind(booking.start_ms + HOLD_WINDOW_MS)
                .bind(booking.start_ms - HOLD_WINDOW_MS)
                .bind(booking.start_ms - HOLD_WINDOW_MS - MAX_HOLD_MS)
                .fetch_all(&mut *tx)
                .await?;
            let holds = hold_index(rows);
            let query = Query {
                clinic,
                service,
                location,
                from: date,
                to: date,
                staff: booking.staff,
                now_ms,
                policy,
                exclude: None,
            };
            let plan = availability::plan_at(&query, booking.start_ms, &holds)
                .map_err(BookError::Unavailable)?;

            let email_norm = booking.email.as_str().to_lowercase();
            let existing: Option<(Uuid, String)> = sqlx::query_as(
                "SELECT id, name FROM clients WHERE email_norm = $1 ORDER BY created_at_ms LIMIT 1",
            )
            .bind(&email_norm)
            .fetch_optional(&mut *tx)
            .await?;
            let (client_id, client_name) = if let Some((cid, name)) = existing {
                (cid, name)
            } else {
                {
                    let cid = Uuid::now_v7();
                    sqlx::query(
                        "INSERT INTO clients (id, name, email, email_norm, phone, created_at_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(cid)
                    .bind(booking.name.as_str())
                    .bind(booking.email.as_str())
                    .bind(&email_norm)
                    .bind(booking.phone.as_str())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                    (cid, booking.name.as_str().to_owned())
                }
            };

            let screening = booking
                .screening_json
                .as_ref()
                .map(|s| self.sealer.seal(&screening_aad(id), s.as_bytes()));
            let notes = booking
                .notes
                .as_ref()
                .map(|s| self.sealer.seal(&notes_aad(id), s.as_bytes()));
            let (series_id, series_index) = booking
                .series
                .map_or((None, 1), |(first, n)| (Some(first.get()), i64::from(n)));
            sqlx::query(
                "INSERT INTO appointments (id, reference, token_hash, token_sealed, client_id, service_id, \
                 location_id, staff_id, room_id, device_id, starts_at_ms, ends_at_ms, status, \
                 screening_sealed, notes_sealed, series_id, series_index, source, consent_at_ms, \
                 created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'confirmed', $13, $14, $15, $16, \
                 'online', $17, $17, $17)",
            )
            .bind(id)
            .bind(&reference)
            .bind(&token_hash)
            .bind(self.sealer.seal(&token_aad(id), token.as_bytes()))
            .bind(client_id)
            .bind(service.id.get())
            .bind(location.id.get())
            .bind(plan.staff.map(StaffId::get))
            .bind(plan.room.map(RoomId::get))
            .bind(plan.device.map(DeviceId::get))
            .bind(plan.start)
            .bind(plan.end)
            .bind(screening)
            .bind(notes)
            .bind(series_id)
            .bind(series_index)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            for (resource, iv) in &plan.holds {
                sqlx::query(
                    "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(resource.0)
                .bind(iv.start)
                .bind(iv.end)
                .bind(true)
                .execute(&mut *tx)
                .await?;
            }

            let booked = Booked {
                appointment: Appointment {
                    id: AppointmentId::new(id),
                    reference: reference.clone(),
                    status: Status::Confirmed,
                    service: service.id,
                    location: location.id,
                    staff: plan.staff,
                    room: plan.room,
                    device: plan.device,
                    start_ms: plan.start,
                    end_ms: plan.end,
                    client: ClientId::new(client_id),
                    client_name,
                    client_email: booking.email.as_str().to_owned(),
                    series_id: booking.series.map(|s| s.0),
                    series_index: booking.series.map_or(1, |s| s.1),
                    created_at_ms: now_ms,
                    screening_sealed: None,
                },
                token: token.clone(),
                plan: plan.clone(),
            };
            let answers = parse_answers(service, booking.screening_json.as_deref());
            for msg in booking_mail(
                self,
                service,
                location,
                AppointmentId::new(id),
                booking.email.as_str(),
                plan.start,
                answers.as_ref(),
                now_ms,
                None,
            ) {
                crate::outbox::insert_outbox!(&mut *tx, &msg).map_err(StoreError::from)?;
            }
            let mut entry = Entry::system("appointment.create", "appointment", &id.to_string());
            entry.actor = "client".into();
            entry.detail = serde_json::json!({
                "reference": reference, "service": service.slug.as_str(), "start_ms": plan.start,
                "staff": plan.staff.map(|s| s.to_string()),
            })
            .to_string();
            insert_audit!(&mut *tx, &entry, now_ms).map_err(StoreError::from)?;
            if let Some(k) = idem {
                let body = render(&booked);
                sqlx::query("UPDATE idempotency_keys SET response_sealed = $1, appointment_id = $2 WHERE key = $3")
                    .bind(self.sealer.seal(&idempotency_aad(&k.key), body.as_bytes()))
                    .bind(id)
                    .bind(&k.key)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }
            Ok(BookOutcome::Created(Box::new(booked)))
        })
    }

    /// Active holds of a location's resources overlapping `[from_ms, to_ms)`, for the
    /// availability engine.
    pub async fn holds_between(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<HoldIndex, StoreError> {
        let rows: Vec<(Uuid, i64, i64, Uuid)> = crate::read!(self, |pool| {
            sqlx::query_as(self.holds_near_sql())
                .bind(location.get())
                .bind(to_ms)
                .bind(from_ms)
                .bind(from_ms - MAX_HOLD_MS)
                .fetch_all(pool)
                .await
        })?;
        Ok(hold_index(rows))
    }

    /// An appointment by reference, only when `token` matches its manage token. A wrong
    /// reference and a wrong token are indistinguishable (`NotFound`), and the token check
    /// runs in constant time.
    pub async fn appointment_with_token(
        &self,
        reference: &str,
        token: &str,
    ) -> Result<Appointment, StoreError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.reference = $1");
        let row: Option<AppointmentRow> = crate::read!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(reference.trim().to_uppercase())
                .fetch_optional(pool)
                .await
        })?;
        let presented = Sha256::digest(token.as_bytes());
        // Compare against a dummy hash when the reference is unknown, so both paths do the
        // same work.
        let (appointment, stored) = match row {
            Some(r) => {
                let (a, h) = r.into_appointment()?;
                (Some(a), h)
            }
            None => (None, vec![0u8; 32]),
        };
        let ok: bool = stored.ct_eq(presented.as_slice()).into();
        match appointment {
            Some(a) if ok => Ok(a),
            _ => Err(StoreError::NotFound),
        }
    }

    /// An appointment by id (staff views and workers).
    pub async fn appointment(&self, id: AppointmentId) -> Result<Appointment, StoreError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.id = $1");
        let row: AppointmentRow = crate::read!(self, |pool| sqlx::query_as(&sql)
            .bind(id.get())
            .fetch_one(pool)
            .await)?;
        Ok(row.into_appointment()?.0)
    }

    /// The screening answers of an appointment as JSON (decrypted; health data).
    pub fn screening_json(&self, a: &Appointment) -> Result<Option<String>, StoreError> {
        a.screening_sealed
            .as_ref()
            .map(|s| {
                self.sealer
                    .open(&screening_aad(a.id.get()), s)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .transpose()
    }

    /// The appointments of a series (the first one's id), in order.
    pub async fn series_appointments(
        &self,
        first: AppointmentId,
    ) -> Result<Vec<Appointment>, StoreError> {
        let sql = format!(
            "{APPOINTMENT_SELECT} WHERE a.id = $1 OR a.series_id = $1 ORDER BY a.starts_at_ms"
        );
        let rows: Vec<AppointmentRow> = crate::read!(self, |pool| sqlx::query_as(&sql)
            .bind(first.get())
            .fetch_all(pool)
            .await)?;
        rows.into_iter()
            .map(|r| r.into_appointment().map(|x| x.0))
            .collect()
    }

    /// Cancels an appointment: frees every hold at once, cancels its pending reminders, writes
    /// the outbox rows `messages` builds and an audit entry. Refused inside the cut-off.
    /// Cancelling a cancelled appointment changes nothing and returns it.
    pub async fn cancel(
        &self,
        id: AppointmentId,
        cutoff_ms: i64,
        now_ms: i64,
        actor: &str,
    ) -> Result<Appointment, BookError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.id = $1");
        book_tx!(self, |tx| {
            let row: AppointmentRow = sqlx::query_as(&sql)
                .bind(id.get())
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            let (mut a, _) = row.into_appointment()?;
            match a.status {
                Status::Cancelled => return Ok(a),
                Status::Completed | Status::NoShow => {
                    return Err(BookError::NotChangeable(a.status.as_str()));
                }
                Status::Confirmed => {}
            }
            if a.start_ms - now_ms < cutoff_ms {
                return Err(BookError::TooLate);
            }
            sqlx::query("UPDATE appointments SET status = 'cancelled', cancelled_at_ms = $1, updated_at_ms = $1 WHERE id = $2")
                .bind(now_ms)
                .bind(id.get())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            sqlx::query("UPDATE holds SET active = $1 WHERE appointment_id = $2")
                .bind(false)
                .bind(id.get())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            a.status = Status::Cancelled;
            crate::outbox::cancel_pending_for!(&mut *tx, a.id).map_err(StoreError::from)?;
            let notice = crate::outbox::plan_cancel_messages(
                a.id,
                &a.client_email,
                medspa_core::time::from_millis(a.start_ms),
                medspa_core::time::from_millis(now_ms),
            );
            for msg in &notice {
                crate::outbox::insert_outbox!(&mut *tx, msg).map_err(StoreError::from)?;
            }
            let mut entry = Entry::system("appointment.cancel", "appointment", &id.to_string());
            entry.actor = actor.to_owned();
            entry.detail = serde_json::json!({"reference": a.reference}).to_string();
            insert_audit!(&mut *tx, &entry, now_ms).map_err(StoreError::from)?;
            Ok(a)
        })
    }

    /// Moves an appointment to `new_start` atomically: its old holds are released and the new
    /// ones taken in one transaction, so the old slot is freed only if the new one is held.
    /// Refused inside the cut-off (measured from the current start).
    #[expect(
        clippy::too_many_arguments,
        reason = "one use case, its inputs named at the call site"
    )]
    pub async fn reschedule(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        id: AppointmentId,
        new_start: i64,
        staff: Option<StaffId>,
        cutoff_ms: i64,
        now_ms: i64,
        actor: &str,
    ) -> Result<Appointment, BookError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.id = $1");
        let holds_near = self.holds_near_sql();
        book_tx!(self, |tx| {
            let row: AppointmentRow = sqlx::query_as(&sql)
                .bind(id.get())
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            let (mut a, _) = row.into_appointment()?;
            if a.status != Status::Confirmed {
                return Err(BookError::NotChangeable(a.status.as_str()));
            }
            if a.start_ms - now_ms < cutoff_ms {
                return Err(BookError::TooLate);
            }
            let service = clinic
                .service_by_id(a.service)
                .ok_or(StoreError::NotFound)?;
            let location = clinic.location(a.location).ok_or(StoreError::NotFound)?;
            let rows: Vec<(Uuid, i64, i64, Uuid)> = sqlx::query_as(holds_near)
                .bind(location.id.get())
                .bind(new_start + HOLD_WINDOW_MS)
                .bind(new_start - HOLD_WINDOW_MS)
                .bind(new_start - HOLD_WINDOW_MS - MAX_HOLD_MS)
                .fetch_all(&mut *tx)
                .await?;
            let holds = hold_index(rows);
            let date = medspa_core::time::local_date(new_start, location.zone.tz());
            let query = Query {
                clinic,
                service,
                location,
                from: date,
                to: date,
                staff,
                now_ms,
                policy,
                exclude: Some(a.id),
            };
            let plan =
                availability::plan_at(&query, new_start, &holds).map_err(BookError::Unavailable)?;
            sqlx::query("UPDATE holds SET active = $1 WHERE appointment_id = $2 AND active = $3")
                .bind(false)
                .bind(id.get())
                .bind(true)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            for (resource, iv) in &plan.holds {
                sqlx::query(
                    "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id.get())
                .bind(resource.0)
                .bind(iv.start)
                .bind(iv.end)
                .bind(true)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "UPDATE appointments SET starts_at_ms = $1, ends_at_ms = $2, staff_id = $3, room_id = $4, \
                 device_id = $5, updated_at_ms = $6 WHERE id = $7",
            )
            .bind(plan.start)
            .bind(plan.end)
            .bind(plan.staff.map(StaffId::get))
            .bind(plan.room.map(RoomId::get))
            .bind(plan.device.map(DeviceId::get))
            .bind(now_ms)
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            let old_start = a.start_ms;
            a.start_ms = plan.start;
            a.end_ms = plan.end;
            a.staff = plan.staff;
            a.room = plan.room;
            a.device = plan.device;
            crate::outbox::cancel_pending_for!(&mut *tx, a.id).map_err(StoreError::from)?;
            let json = self.screening_json(&a)?;
            let answers = parse_answers(service, json.as_deref());
            for msg in booking_mail(
                self,
                service,
                location,
                a.id,
                &a.client_email,
                plan.start,
                answers.as_ref(),
                now_ms,
                Some(old_start),
            ) {
                crate::outbox::insert_outbox!(&mut *tx, &msg).map_err(StoreError::from)?;
            }
            let mut entry = Entry::system("appointment.reschedule", "appointment", &id.to_string());
            entry.actor = actor.to_owned();
            entry.detail = serde_json::json!({"reference": a.reference, "from_ms": old_start, "to_ms": plan.start}).to_string();
            insert_audit!(&mut *tx, &entry, now_ms).map_err(StoreError::from)?;
            Ok(a)
        })
    }

    /// The active holds of an appointment.
    pub async fn holds_of(
        &self,
        id: AppointmentId,
    ) -> Result<Vec<(ResourceId, Interval)>, StoreError> {
        let rows: Vec<(Uuid, i64, i64)> = crate::read!(self, |pool| {
            sqlx::query_as(
                "SELECT resource_id, starts_at_ms, ends_at_ms FROM holds WHERE appointment_id = $1 AND active = $2",
            )
            .bind(id.get())
            .bind(true)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(r, s, e)| (ResourceId(r), Interval::new(s, e)))
            .collect())
    }

    /// Appointments (any status) at a location starting in `[from_ms, to_ms)`, by start.
    pub async fn appointments_between(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Appointment>, StoreError> {
        let sql = format!(
            "{APPOINTMENT_SELECT} WHERE a.location_id = $1 AND a.starts_at_ms >= $2 AND a.starts_at_ms < $3 \
             ORDER BY a.starts_at_ms"
        );
        let rows: Vec<AppointmentRow> = crate::read!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(location.get())
                .bind(from_ms)
                .bind(to_ms)
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter()
            .map(|r| r.into_appointment().map(|x| x.0))
            .collect()
    }
}

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
