//! The transactional outbox: every email is a row written in the same transaction as the
//! booking, cancellation or reschedule that caused it, and sent later by the worker in
//! `medspa-notify`. This file owns the row type, the planners that decide which emails a change
//! causes and when, and the [`insert_outbox!`] / [`cancel_pending_for!`] macros that booking
//! transactions call. The worker's side (claim, lease, retry, dead letters, staff views) is in
//! `outbox/queue.rs`; what a message needs to render is in `outbox/context.rs`.
//!
//! Must not: put personal data in `payload` (it holds the appointment start it was planned
//! for, a reminder offset and the protocol's generic care-step text, nothing typed by or about
//! the client), or email a care step whose mere existence reveals a screening answer (steps
//! with `only_if` are left out: see [`MailPlan::protocol`]).
//!
//! # Writing mail inside a booking transaction
//!
//! ```ignore
//! use crate::outbox::{MailPlan, cancel_pending_for, insert_outbox, plan_booking_messages};
//! tx!(self, |tx| {
//!     // ... insert the appointment and its holds ...
//!     let plan = MailPlan {
//!         appointment_id: id,
//!         recipient: client_email.as_str(),
//!         start,                      // jiff::Timestamp
//!         zone: location.zone.tz(),   // &jiff::tz::TimeZone
//!         care_plan: &care_steps,     // from medspa_core::protocol::care_plan(..)
//!         protocol: &service.protocol,
//!         reminder_offsets: &offsets, // e.g. outbox::DEFAULT_REMINDER_OFFSETS
//!         now,
//!     };
//!     for msg in plan_booking_messages(&plan) {
//!         insert_outbox!(&mut *tx, &msg)?;
//!     }
//!     Ok::<_, StoreError>(booked)
//! })
//! // after the commit: worker_handle.nudge()
//! ```
//! A reschedule calls `cancel_pending_for!(&mut *tx, id)` first (the old reminders go), then
//! inserts [`plan_reschedule_messages`]; a cancellation calls `cancel_pending_for!` and
//! inserts [`plan_cancel_messages`].

mod context;
mod queue;
#[cfg(test)]
mod tests;

pub use context::{AppointmentMail, ClinicMail, MailContext, manage_url};
pub use queue::{ClaimedMessage, OutboxRow, OutboxSummary, RetryPolicy};

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use medspa_core::AppointmentId;
use medspa_core::protocol::{CareStep, Phase, Protocol};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Reminders 48 hours and 2 hours before the start (the default, per DESIGN.md).
pub const DEFAULT_REMINDER_OFFSETS: [SignedDuration; 2] = [
    SignedDuration::from_hours(48),
    SignedDuration::from_hours(2),
];

/// Care-step emails go out at this local time on the step's date.
const CARE_SEND_TIME: Time = Time::constant(9, 0, 0, 0);
/// ... unless that is too close to (or after) the appointment for a step due before or on the
/// treatment day; then at this local time the evening before.
const CARE_EVE_TIME: Time = Time::constant(18, 0, 0, 0);
/// A pre-care or day-of email must arrive at least this long before the start.
const CARE_MIN_LEAD: SignedDuration = SignedDuration::from_hours(1);

/// What an outbox message is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// Booking confirmed: manage link, .ics, care-plan summary.
    Confirmation,
    /// A reminder before the start: first name, service, time and link only.
    Reminder,
    /// One pre-care or after-care step from the protocol.
    CareStep,
    /// The appointment was cancelled.
    Cancellation,
    /// The appointment moved: new time and an updated .ics.
    Reschedule,
    /// A free-form notice from the clinic (subject and body in the payload).
    Notice,
}

impl MailKind {
    /// The stored name (the `outbox.kind` CHECK list).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Confirmation => "confirmation",
            Self::Reminder => "reminder",
            Self::CareStep => "care_step",
            Self::Cancellation => "cancellation",
            Self::Reschedule => "reschedule",
            Self::Notice => "notice",
        }
    }

    /// The kind with this stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Confirmation,
            Self::Reminder,
            Self::CareStep,
            Self::Cancellation,
            Self::Reschedule,
            Self::Notice,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }
}

impl fmt::Display for MailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a message is in its life: `pending` until sent, `dead` after the retry limit or a
/// permanent refusal (staff may requeue it), `cancelled` when superseded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Dead,
    Cancelled,
}

impl OutboxStatus {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Dead => "dead",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status with this stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Dead, Self::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

impl fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The non-personal inputs a message renders from, stored as JSON in `outbox.payload`.
/// Names, addresses and links are read at send time (see [`MailContext`]), so the payload
/// never holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPayload {
    /// The appointment start this message was planned for (Unix ms). A reminder or care step
    /// whose appointment has since moved is stale and is not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at_ms: Option<i64>,
    /// For a reschedule: the start it moved from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_start_ms: Option<i64>,
    /// For a reminder: how long before the start it is due, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_minutes: Option<i64>,
    /// For a care-step email: the protocol's generic text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepText>,
    /// For a confirmation: the dated care-plan summary (generic titles only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub care_plan: Vec<PlanLine>,
    /// For a confirmation: the advisory pre-care steps (generic titles) the booked date no
    /// longer leaves the full time for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missed_prep: Vec<String>,
    /// For a notice: what the clinic wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<NoticeText>,
    /// For a notice carrying a secret link (an invitation, a password reset): the link, sealed
    /// with AAD `outbox.link:<outbox id>` and base64-encoded. It replaces `{link}` in the
    /// notice's body at send time, so the database never holds a usable link in clear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_link: Option<String>,
}

/// A care step's generic protocol text (the same for every client of the service).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepText {
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub title: String,
    pub detail: String,
    /// When to call the clinic (after-care and check-ins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_flags: Option<String>,
}

/// One line of a care-plan summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLine {
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub title: String,
}

/// A clinic-written notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeText {
    pub subject: String,
    pub body: String,
}

/// One email to write to the outbox.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub kind: MailKind,
    pub appointment_id: Option<AppointmentId>,
    /// The address to send to. Personal data: hidden from `Debug`.
    pub recipient: String,
    /// Unique per intended email; writing the same key twice keeps the first row.
    pub dedupe_key: String,
    pub payload: MailPayload,
    /// Not sent before this instant (Unix ms).
    pub send_after_ms: i64,
    pub created_at_ms: i64,
}

impl fmt::Debug for OutboxMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboxMessage")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("appointment_id", &self.appointment_id)
            .field("recipient", &"***")
            .field("dedupe_key", &self.dedupe_key)
            .field("send_after_ms", &self.send_after_ms)
            .finish_non_exhaustive()
    }
}

impl OutboxMessage {
    /// The payload as stored.
    pub fn payload_json(&self) -> String {
        // A struct of strings, integers and dates always serializes.
        serde_json::to_string(&self.payload).unwrap_or_else(|_| "{}".to_owned())
    }

    /// A free-form notice to one address, sent as soon as possible. `dedupe_key` names the
    /// occasion (e.g. `closure:2026-12-24:<client id>`), so sending it twice is harmless.
    pub fn notice(
        recipient: &str,
        subject: &str,
        body: &str,
        dedupe_key: &str,
        now: Timestamp,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            kind: MailKind::Notice,
            appointment_id: None,
            recipient: recipient.to_owned(),
            dedupe_key: format!("notice/{dedupe_key}"),
            payload: MailPayload {
                notice: Some(NoticeText {
                    subject: subject.to_owned(),
                    body: body.to_owned(),
                }),
                ..MailPayload::default()
            },
            send_after_ms: now.as_millisecond(),
            created_at_ms: now.as_millisecond(),
        }
    }
}

impl OutboxMessage {
    /// A notice whose body holds `{link}`, replaced by `link` when it is sent; the link is
    /// stored sealed (see [`MailPayload::sealed_link`]).
    pub fn notice_with_link(
        sealer: &crate::Sealer,
        recipient: &str,
        text: (&str, &str),
        link: &str,
        dedupe_key: &str,
        now: Timestamp,
    ) -> Self {
        use base64::Engine as _;
        let mut m = Self::notice(recipient, text.0, text.1, dedupe_key, now);
        let ciphertext = sealer.seal(link_aad(m.id).as_bytes(), link.as_bytes());
        m.payload.sealed_link = Some(base64::engine::general_purpose::STANDARD.encode(ciphertext));
        m
    }
}

/// The associated data binding a sealed link to its message.
pub(crate) fn link_aad(id: Uuid) -> String {
    format!("outbox.link:{id}")
}

/// SQL behind [`insert_outbox!`]: a duplicate `dedupe_key` keeps the first row.
pub(crate) const INSERT_SQL: &str = "INSERT INTO outbox (id, kind, appointment_id, recipient, \
     dedupe_key, payload, send_after_ms, status, attempts, created_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8) ON CONFLICT (dedupe_key) DO NOTHING";

/// SQL behind [`cancel_pending_for!`].
pub(crate) const CANCEL_PENDING_SQL: &str = "UPDATE outbox SET status = 'cancelled', \
     last_error = 'superseded', lease_until_ms = NULL, leased_by = NULL \
     WHERE appointment_id = $1 AND status = 'pending' AND kind IN ('reminder', 'care_step')";

/// Inserts an [`OutboxMessage`] with any executor (a transaction or a pool) on either backend;
/// evaluates to `Result<u64, sqlx::Error>` (rows inserted: 0 when the dedupe key exists).
macro_rules! insert_outbox {
    ($exec:expr, $msg:expr) => {{
        let m: &$crate::outbox::OutboxMessage = $msg;
        sqlx::query($crate::outbox::INSERT_SQL)
            .bind(m.id)
            .bind(m.kind.as_str())
            .bind(m.appointment_id.map(medspa_core::AppointmentId::get))
            .bind(&m.recipient)
            .bind(&m.dedupe_key)
            .bind(m.payload_json())
            .bind(m.send_after_ms)
            .bind(m.created_at_ms)
            .execute($exec)
            .await
            .map(|r| r.rows_affected())
    }};
}

/// Cancels an appointment's pending reminders and care-step emails (before a reschedule writes
/// the new ones, or on cancellation) with any executor; evaluates to `Result<u64, sqlx::Error>`.
/// Confirmations and reschedule notices already written stay: the worker drops them itself
/// when they no longer match the appointment.
macro_rules! cancel_pending_for {
    ($exec:expr, $appointment_id:expr) => {{
        let id: medspa_core::AppointmentId = $appointment_id;
        sqlx::query($crate::outbox::CANCEL_PENDING_SQL)
            .bind(id.get())
            .execute($exec)
            .await
            .map(|r| r.rows_affected())
    }};
}
pub(crate) use {cancel_pending_for, insert_outbox};

/// What the planners need to know about one booked appointment.
#[derive(Clone, Copy)]
pub struct MailPlan<'a> {
    pub appointment_id: AppointmentId,
    /// The client's address.
    pub recipient: &'a str,
    /// The (new) start.
    pub start: Timestamp,
    /// The location's zone: care-step emails go out at 09:00 local.
    pub zone: &'a TimeZone,
    /// The client's care plan (`medspa_core::protocol::care_plan`); every pre-care step and
    /// the other steps with `remind` get an email on their date, every step appears in the
    /// confirmation's summary.
    pub care_plan: &'a [CareStep],
    /// The service's protocol. Steps of a care rule with `only_if` exist only because the
    /// client answered a screening question "yes", so an email about one would disclose that
    /// answer: they are neither emailed nor listed (the booking page shows them).
    pub protocol: &'a Protocol,
    /// How long before the start to remind (positive durations; others are ignored).
    pub reminder_offsets: &'a [SignedDuration],
    pub now: Timestamp,
}

impl fmt::Debug for MailPlan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailPlan")
            .field("appointment_id", &self.appointment_id)
            .field("start", &self.start)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// The emails a new booking causes: a confirmation now, a reminder at `start - offset` for each
/// offset still in the future, and a care-step email at 09:00 local on each emailable step's
/// date still in the future. Dedupe keys name the appointment, kind, offset or step and the
/// start, so writing the same booking twice adds nothing and a reschedule adds fresh rows.
pub fn plan_booking_messages(plan: &MailPlan<'_>) -> Vec<OutboxMessage> {
    let start_ms = plan.start.as_millisecond();
    let mut out = vec![message(
        plan,
        MailKind::Confirmation,
        format!("{}/confirmation/{start_ms}", plan.appointment_id.get()),
        plan.now,
        MailPayload {
            starts_at_ms: Some(start_ms),
            care_plan: emailable(plan)
                .map(|s| PlanLine {
                    date: s.date,
                    until: s.until,
                    title: s.title.clone(),
                })
                .collect(),
            missed_prep: missed_prep(plan),
            ..MailPayload::default()
        },
    )];
    out.extend(follow_ups(plan, ""));
    out
}

/// The emails a reschedule causes: a reschedule notice now (new time, updated .ics), then the
/// reminders and care steps for the new start as for a booking. Call `cancel_pending_for!`
/// before inserting these. Keys also carry the time of the change, so moving A -> B -> A
/// still writes fresh reminders for A.
pub fn plan_reschedule_messages(
    plan: &MailPlan<'_>,
    previous_start: Timestamp,
) -> Vec<OutboxMessage> {
    let start_ms = plan.start.as_millisecond();
    let change = format!("/r{}", plan.now.as_millisecond());
    let mut out = vec![message(
        plan,
        MailKind::Reschedule,
        format!(
            "{}/reschedule/{start_ms}{change}",
            plan.appointment_id.get()
        ),
        plan.now,
        MailPayload {
            starts_at_ms: Some(start_ms),
            previous_start_ms: Some(previous_start.as_millisecond()),
            ..MailPayload::default()
        },
    )];
    out.extend(follow_ups(plan, &change));
    out
}

/// The email a cancellation causes: one cancellation notice now. Call `cancel_pending_for!`
/// in the same transaction so no reminder follows it.
pub fn plan_cancel_messages(
    appointment_id: AppointmentId,
    recipient: &str,
    start: Timestamp,
    now: Timestamp,
) -> Vec<OutboxMessage> {
    let start_ms = start.as_millisecond();
    vec![OutboxMessage {
        id: Uuid::now_v7(),
        kind: MailKind::Cancellation,
        appointment_id: Some(appointment_id),
        recipient: recipient.to_owned(),
        dedupe_key: format!("{}/cancellation/{start_ms}", appointment_id.get()),
        payload: MailPayload {
            starts_at_ms: Some(start_ms),
            ..MailPayload::default()
        },
        send_after_ms: now.as_millisecond(),
        created_at_ms: now.as_millisecond(),
    }]
}

/// Reminders and care-step emails for `plan.start`; `suffix` distinguishes a reschedule.
fn follow_ups(plan: &MailPlan<'_>, suffix: &str) -> Vec<OutboxMessage> {
    let id = plan.appointment_id.get();
    let start_ms = plan.start.as_millisecond();
    let mut out = Vec::new();
    let mut offsets: Vec<SignedDuration> = plan
        .reminder_offsets
        .iter()
        .copied()
        .filter(SignedDuration::is_positive)
        .collect();
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    offsets.dedup();
    for offset in offsets {
        let Ok(at) = plan.start.checked_sub(offset) else {
            continue;
        };
        if at <= plan.now {
            continue;
        }
        let minutes = offset.as_mins();
        out.push(message(
            plan,
            MailKind::Reminder,
            format!("{id}/reminder/{minutes}m/{start_ms}{suffix}"),
            at,
            MailPayload {
                starts_at_ms: Some(start_ms),
                reminder_minutes: Some(minutes),
                ..MailPayload::default()
            },
        ));
    }
    // Every dated pre-care step is emailed on its date (issue 12), and the after-care steps
    // worth a reminder; never a step that exists only because of a "yes" answer.
    for step in emailable(plan).filter(|s| s.remind || s.phase == Phase::Before) {
        let Some(at) = care_send_time(step, plan.start, plan.zone) else {
            continue;
        };
        if at <= plan.now {
            continue;
        }
        out.push(message(
            plan,
            MailKind::CareStep,
            format!("{id}/care/{}/{}/{start_ms}{suffix}", step.rule, step.date),
            at,
            MailPayload {
                starts_at_ms: Some(start_ms),
                step: Some(StepText {
                    date: step.date,
                    until: step.until,
                    title: step.title.clone(),
                    detail: step.detail.clone(),
                    red_flags: step.red_flags.clone(),
                }),
                ..MailPayload::default()
            },
        ));
    }
    out
}

/// The advisory pre-care steps whose first day had passed when the booking was made (never
/// a step that exists only because of a "yes" answer).
fn missed_prep(plan: &MailPlan<'_>) -> Vec<String> {
    let today = plan.now.to_zoned(plan.zone.clone()).date();
    let start = plan.start.to_zoned(plan.zone.clone()).date();
    plan.protocol
        .missed_advisory_steps(today, start)
        .into_iter()
        .filter(|c| c.only_if.is_none())
        .map(|c| c.title.clone())
        .collect()
}

/// Steps that may appear in an email: not those that exist only because of a "yes" answer.
fn emailable<'a>(plan: &'a MailPlan<'a>) -> impl Iterator<Item = &'a CareStep> + 'a {
    plan.care_plan.iter().filter(|s| {
        !plan
            .protocol
            .care
            .iter()
            .any(|rule| rule.id == s.rule && rule.only_if.is_some())
    })
}

/// 09:00 local on the step's date; a pre-care or day-of step that would then arrive less than
/// an hour before the start (or after it) goes out at 18:00 the evening before instead.
fn care_send_time(step: &CareStep, start: Timestamp, zone: &TimeZone) -> Option<Timestamp> {
    let local = |date: Date, time: Time| -> Option<Timestamp> {
        // A gap or fold at 09:00 or 18:00 does not happen in practice; take the later
        // reading on purpose if it ever does.
        zone.to_ambiguous_zoned(date.to_datetime(time))
            .later()
            .ok()
            .map(|z| z.timestamp())
    };
    let at = local(step.date, CARE_SEND_TIME)?;
    let before_treatment = matches!(step.phase, Phase::Before | Phase::Day);
    let latest = start.checked_sub(CARE_MIN_LEAD).ok()?;
    if before_treatment && at > latest {
        let eve = step.date.yesterday().ok()?;
        return local(eve, CARE_EVE_TIME).filter(|t| *t <= latest);
    }
    Some(at)
}

fn message(
    plan: &MailPlan<'_>,
    kind: MailKind,
    dedupe_key: String,
    send_after: Timestamp,
    payload: MailPayload,
) -> OutboxMessage {
    OutboxMessage {
        id: Uuid::now_v7(),
        kind,
        appointment_id: Some(plan.appointment_id),
        recipient: plan.recipient.to_owned(),
        dedupe_key,
        payload,
        send_after_ms: send_after.as_millisecond(),
        created_at_ms: plan.now.as_millisecond(),
    }
}
