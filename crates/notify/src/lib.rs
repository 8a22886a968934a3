//! Email for medspa: the outbox worker, email rendering (askama, plain text + HTML), iCalendar
//! files and SMTP delivery with lettre. The outbox rows themselves, and the planners that
//! decide which emails a booking causes, live in `medspa_store::outbox`, so a booking, its
//! emails and its audit row commit in one transaction.
//!
//! Must not: put health data in any email, log line or outbox payload. Emails carry at most
//! the first name, the service, the time, the location and the manage link, plus (care-step
//! emails only) the protocol's generic step text. Logs carry ids, kinds and statuses only.
//!
//! # 1. Write the emails inside the booking transaction (crate `medspa-store`)
//!
//! ```ignore
//! use crate::outbox::{self, MailPlan, cancel_pending_for, insert_outbox};
//! tx!(self, |tx| {
//!     // ... insert the appointment, its holds, its audit row ...
//!     // Store the raw manage token sealed, so emails sent later can link to the booking:
//!     //   token_sealed = self.sealer.seal(format!("appointments.token:{}", id.get()).as_bytes(), token.as_bytes())
//!     let plan = MailPlan {
//!         appointment_id: id,
//!         recipient: request.client.email.as_str(),
//!         start,                               // jiff::Timestamp
//!         zone: location.zone.tz(),            // &jiff::tz::TimeZone
//!         care_plan: &care_steps,              // medspa_core::protocol::care_plan(..)
//!         protocol: &service.protocol,         // drops steps that reveal a "yes" answer
//!         reminder_offsets: &reminder_offsets, // MailConfig::reminder_offsets(), default 48 h, 2 h
//!         now,
//!     };
//!     for msg in outbox::plan_booking_messages(&plan) {
//!         insert_outbox!(&mut *tx, &msg)?;
//!     }
//!     Ok::<_, StoreError>(booked)
//! })?;
//! ```
//! Reschedule: `cancel_pending_for!(&mut *tx, id)?;` then insert
//! `outbox::plan_reschedule_messages(&plan_for_new_start, old_start)`.
//! Cancel: `cancel_pending_for!(&mut *tx, id)?;` then insert
//! `outbox::plan_cancel_messages(id, email, start, now)`.
//! A free-form notice: `store.enqueue(&[OutboxMessage::notice(..)])`.
//!
//! # 2. Run the worker (the binary, and the web test harness)
//!
//! ```ignore
//! let config = medspa_notify::MailConfig::new(mail_from, base_url)
//!     .with_smtp(smtp_url);                     // None: mail stays pending in the outbox
//! config.validate()?;                           // fail fast on a bad URL or sender
//! let (mail, worker) = medspa_notify::Worker::spawn(store.clone(), config, clock.clone(), shutdown_signal());
//! // keep `mail` (a WorkerHandle) in AppState and call `mail.nudge()` after each commit that
//! // wrote outbox rows: the email then leaves within a second; without a nudge the worker
//! // polls every `poll_interval` (1 s).
//! // ... serve ...
//! worker.await?;                                // after shutdown: finishes the message in flight
//! ```
//!
//! # 3. Calendar files and staff views
//!
//! [`ics::appointment_ics`] renders one appointment (UID [`ics::uid`]`(reference, host)`,
//! `SEQUENCE` from `Store::calendar_sequence`) for `GET /api/v1/bookings/{ref}/calendar.ics`.
//! `Store::outbox_summary`, `Store::outbox_list` and `Store::outbox_requeue` back the staff
//! page and the CLI: `dead` messages stay visible until requeued.

pub mod config;
pub mod ics;
pub mod render;
mod smtp;
pub mod worker;

pub use config::{ConfigError, MailConfig, parse_reminder_offsets};
pub use worker::{Worker, WorkerHandle};
