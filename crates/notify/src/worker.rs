//! The outbox worker: wakes when nudged after a commit or every `poll_interval`, claims due
//! messages under a lease, renders and sends each over SMTP, and records the outcome (sent,
//! retry later with backoff, dead, or cancelled when the appointment moved or was cancelled).
//! Safe with several app instances on PostgreSQL (leases with `FOR UPDATE SKIP LOCKED`).
//!
//! Delivery is at least once: a crash between the server's 250 and the `sent` mark sends that
//! one message again after the lease expires, with the same `Message-ID`.
//!
//! Must not: log anything but outbox ids, kinds, statuses, attempt counts and short error
//! codes; send when no SMTP server is configured (mail then stays `pending`, visible to staff).

use crate::config::{MailConfig, SmtpTarget};
use crate::render::{build_message, render};
use crate::smtp::Mailer;
use lettre::message::Mailbox;
use medspa_store::clock::Clock;
use medspa_store::outbox::{ClaimedMessage, MailContext, MailKind, OutboxStatus};
use medspa_store::{Store, StoreError};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing::{debug, error, info, warn};
use uuid::Uuid;

/// Starts the outbox worker.
pub struct Worker;

/// Wakes a running worker; cheap to clone into every place that commits mail.
#[derive(Clone, Debug)]
pub struct WorkerHandle {
    wake: Arc<Notify>,
    id: Arc<str>,
}

impl WorkerHandle {
    /// Asks the worker to look for due mail now (call right after committing outbox rows).
    /// A nudge while it is busy is remembered, so none is lost.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// This worker's lease owner name (`leased_by`).
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Worker {
    /// Spawns the worker on the current tokio runtime. It runs until `shutdown` completes,
    /// then finishes the message in flight, gives back the rest of its batch and returns; await
    /// the `JoinHandle` for a clean stop. Aborting the handle instead is a crash: leased
    /// messages are sent by a worker once their lease (`config.lease`) expires.
    pub fn spawn(
        store: Store,
        config: MailConfig,
        clock: Arc<dyn Clock>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> (WorkerHandle, JoinHandle<()>) {
        let handle = WorkerHandle {
            wake: Arc::new(Notify::new()),
            id: format!("w-{}", Uuid::new_v4().simple()).into(),
        };
        let (stop_tx, stop_rx) = watch::channel(false);
        let watcher = tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let run = Run {
            store,
            config,
            clock,
            wake: Arc::clone(&handle.wake),
            id: Arc::clone(&handle.id),
        };
        let join = tokio::spawn(async move {
            run.run(stop_rx).await;
            watcher.abort();
        });
        (handle, join)
    }
}

struct Run {
    store: Store,
    config: MailConfig,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
    id: Arc<str>,
}

/// What a configured worker sends with.
struct Sender {
    mailer: Mailer,
    from: Mailbox,
    host: String,
}

impl Run {
    async fn run(&self, mut stop: watch::Receiver<bool>) {
        let sender = self.sender();
        if sender.is_none() {
            info!(worker = %self.id, "mail worker idle: no SMTP configured, mail stays in the outbox");
        } else {
            info!(worker = %self.id, "mail worker started");
        }
        loop {
            if *stop.borrow() {
                break;
            }
            if let Some(sender) = &sender {
                self.drain(sender, &stop).await;
            }
            if *stop.borrow() {
                break;
            }
            tokio::select! {
                _ = stop.changed() => {}
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
        info!(worker = %self.id, "mail worker stopped");
    }

    fn sender(&self) -> Option<Sender> {
        let url = self.config.smtp_url.as_deref()?;
        let built = SmtpTarget::parse(url).and_then(|target| {
            Ok(Sender {
                mailer: Mailer::new(&target, self.config.smtp_timeout)?,
                from: self.config.mailbox()?,
                host: self.config.host()?,
            })
        });
        match built {
            Ok(s) => Some(s),
            Err(e) => {
                error!(worker = %self.id, error = %e, "mail worker cannot send; mail stays in the outbox");
                None
            }
        }
    }

    /// Sends everything due now, batch after batch, until nothing is due or asked to stop.
    async fn drain(&self, sender: &Sender, stop: &watch::Receiver<bool>) {
        let limit = i64::from(self.config.batch.max(1));
        let lease_ms = i64::try_from(self.config.lease.as_millis()).unwrap_or(i64::MAX);
        loop {
            let now_ms = self.clock.now().as_millisecond();
            let batch = match self
                .store
                .outbox_claim(&self.id, now_ms, lease_ms, limit)
                .await
            {
                Ok(b) => b,
                Err(e) => {
                    warn!(worker = %self.id, error = %short(&e), "outbox claim failed");
                    return;
                }
            };
            let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= limit;
            for (i, message) in batch.iter().enumerate() {
                if *stop.borrow() {
                    let rest: Vec<Uuid> = batch[i..].iter().map(|m| m.id).collect();
                    if let Err(e) = self.store.outbox_release(&rest, &self.id).await {
                        warn!(worker = %self.id, error = %short(&e), "releasing leases failed");
                    }
                    return;
                }
                self.deliver(sender, message).await;
            }
            if !full {
                return;
            }
        }
    }

    async fn deliver(&self, sender: &Sender, message: &ClaimedMessage) {
        let ctx = match self
            .store
            .mail_context(message, &self.config.base_url)
            .await
        {
            Ok(ctx) => ctx,
            Err(StoreError::NotFound) => return self.fail(message, "no appointment", true).await,
            Err(StoreError::Unseal) => return self.fail(message, "token unseal", true).await,
            Err(StoreError::Corrupt(_)) => return self.fail(message, "corrupt", true).await,
            Err(e) => {
                warn!(outbox_id = %message.id, error = %short(&e), "loading mail context failed");
                return self.fail(message, "database", false).await;
            }
        };
        let now = self.clock.now();
        if let Some(reason) = stale(&ctx, now) {
            match self.store.outbox_skip(message.id, reason).await {
                Ok(_) => {
                    info!(outbox_id = %message.id, kind = %message.kind, status = "cancelled", reason, "outbox message no longer applies");
                }
                Err(e) => {
                    warn!(outbox_id = %message.id, error = %short(&e), "cancelling stale message failed");
                }
            }
            return;
        }
        let email = render(&ctx, &sender.host, now)
            .and_then(|r| build_message(&ctx, r, &sender.from, &sender.host, now));
        let email = match email {
            Ok(m) => m,
            Err(e) => return self.fail(message, e.code(), true).await,
        };
        // One conversation never outlives half the lease, so no other worker can take the
        // message over while this one may still be sending it.
        let deadline = self.config.lease / 2;
        match tokio::time::timeout(deadline, sender.mailer.send(email)).await {
            Ok(Ok(())) => self.mark_sent(message).await,
            Ok(Err(e)) => self.fail(message, &e.code, e.permanent).await,
            Err(_) => self.fail(message, "timeout", false).await,
        }
    }

    /// Records success, retrying briefly: a lost mark means a duplicate after the lease.
    async fn mark_sent(&self, message: &ClaimedMessage) {
        let mut wait = Duration::from_millis(100);
        for _ in 0..6 {
            match self
                .store
                .outbox_mark_sent(message.id, self.clock.now().as_millisecond())
                .await
            {
                Ok(_) => {
                    info!(outbox_id = %message.id, kind = %message.kind, status = "sent", attempts = message.attempts, "mail sent");
                    return;
                }
                Err(e) => {
                    warn!(outbox_id = %message.id, error = %short(&e), "marking sent failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
            }
        }
        error!(outbox_id = %message.id, "could not mark sent; it will be sent again after its lease");
    }

    async fn fail(&self, message: &ClaimedMessage, code: &str, permanent: bool) {
        let now_ms = self.clock.now().as_millisecond();
        let result = self
            .store
            .outbox_fail(
                message,
                &self.id,
                now_ms,
                code,
                permanent,
                &self.config.retry,
            )
            .await;
        match result {
            Ok(Some(OutboxStatus::Dead)) => {
                warn!(outbox_id = %message.id, kind = %message.kind, status = "dead", attempts = message.attempts, error = code, "mail given up; staff may requeue it");
            }
            Ok(Some(status)) => {
                info!(outbox_id = %message.id, kind = %message.kind, status = %status, attempts = message.attempts, error = code, "mail will be retried");
            }
            Ok(None) => debug!(outbox_id = %message.id, "lease lost before recording the failure"),
            Err(e) => {
                warn!(outbox_id = %message.id, error = %short(&e), "recording the failure failed; the lease will expire");
            }
        }
    }
}

/// Why a message should not go out any more, if so.
fn stale(ctx: &MailContext, now: jiff::Timestamp) -> Option<&'static str> {
    let a = ctx.appointment.as_ref()?;
    let start = a.starts_at.timestamp();
    let moved = ctx
        .payload
        .starts_at_ms
        .is_some_and(|ms| ms != start.as_millisecond());
    let status = a.status.as_str();
    match ctx.kind {
        MailKind::Cancellation | MailKind::Notice => None,
        _ if status == "cancelled" => Some("cancelled"),
        MailKind::Reschedule | MailKind::Reminder | MailKind::CareStep if moved => Some("moved"),
        MailKind::Reminder if status != "confirmed" => Some("not confirmed"),
        MailKind::Reminder if now >= start => Some("too late"),
        MailKind::CareStep if status == "no_show" => Some("no show"),
        MailKind::Confirmation | MailKind::Reschedule | MailKind::Reminder | MailKind::CareStep => {
            None
        }
    }
}

/// A store error in one line without detail that could carry data.
fn short(e: &StoreError) -> &'static str {
    match e {
        StoreError::NotFound => "not found",
        StoreError::Conflict(c) => c,
        StoreError::Db(_) if e.is_unavailable() => "database unavailable",
        StoreError::Db(_) => "database error",
        StoreError::Unseal => "unseal",
        StoreError::Corrupt(_) => "corrupt",
        _ => "store error",
    }
}
