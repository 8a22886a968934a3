//! Group commit for SQLite. With `synchronous = FULL`, every commit waits for an fsync of the
//! write-ahead log (a few milliseconds on ordinary disks), so one booking per commit caps the
//! clinic at a few hundred bookings a second. Here concurrent bookings share a commit: each
//! runs in its own nested transaction (a `SAVEPOINT`) of one open transaction on the single
//! writer connection, and whoever finishes while nobody else is waiting commits for everyone.
//! A caller learns its outcome only after the commit is on disk, so "acknowledged" still means
//! "durable".
//!
//! A job that fails (or returns early) rolls back to its savepoint, leaving the others
//! untouched; if its caller goes away, a cleanup task commits the batch so nobody waits
//! forever.

use crate::StoreError;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// Commits after at most this many jobs even if more are waiting, to bound latency.
const MAX_BATCH: usize = 64;

type Outcome = Result<(), String>;

#[derive(Default)]
struct Batch {
    /// The open transaction (`BEGIN IMMEDIATE`) on the writer connection.
    tx: Option<Transaction<'static, Sqlite>>,
    /// Jobs done in this batch, told the commit's outcome when it happens.
    done: Vec<oneshot::Sender<Outcome>>,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("open", &self.tx.is_some())
            .field("done", &self.done.len())
            .finish()
    }
}

/// Shares commits between concurrent writers on one SQLite connection.
#[derive(Debug)]
pub(crate) struct GroupWriter {
    pool: SqlitePool,
    batch: Arc<Mutex<Batch>>,
    waiting: Arc<AtomicUsize>,
}

/// Counts a caller as waiting for the batch until it gets in (or gives up).
struct Waiting {
    count: Arc<AtomicUsize>,
    batch: Arc<Mutex<Batch>>,
    got_in: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
        if !self.got_in {
            // A caller that gave up (its client went away) may have been the one the batch was
            // left open for: make sure someone commits it.
            tokio::spawn(flush(self.batch.clone(), self.count.clone()));
        }
    }
}

/// One job's place in the open batch.
pub(crate) struct Slot {
    guard: Option<OwnedMutexGuard<Batch>>,
    waiting: Arc<AtomicUsize>,
}

impl GroupWriter {
    /// A group writer over the single-connection write pool.
    pub(crate) fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            batch: Arc::new(Mutex::new(Batch::default())),
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Joins the open batch, or opens one.
    pub(crate) async fn enter(&self) -> Result<Slot, StoreError> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut counted = Waiting {
            count: self.waiting.clone(),
            batch: self.batch.clone(),
            got_in: false,
        };
        let mut guard = self.batch.clone().lock_owned().await;
        counted.got_in = true;
        drop(counted);
        if guard.tx.is_none() {
            guard.tx = Some(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        }
        Ok(Slot {
            guard: Some(guard),
            waiting: self.waiting.clone(),
        })
    }
}

impl Slot {
    /// The batch's transaction: start a nested transaction (savepoint) on it for the job.
    pub(crate) fn tx(&mut self) -> &mut Transaction<'static, Sqlite> {
        let guard = self.guard.as_mut().expect("slot is live");
        guard.tx.as_mut().expect("batch is open")
    }

    /// Ends the job (its savepoint already released or rolled back) and commits the batch if
    /// nobody else is waiting to join it. Returns once this job's outcome is durable.
    pub(crate) async fn finish(mut self, ok: bool) -> Result<(), StoreError> {
        let mut guard = self.guard.take().expect("slot is live");
        let outcome = ok.then(|| {
            let (tx, rx) = oneshot::channel();
            guard.done.push(tx);
            rx
        });
        if self.waiting.load(Ordering::SeqCst) == 0 || guard.done.len() >= MAX_BATCH {
            commit(&mut guard).await;
        }
        drop(guard);
        match outcome {
            None => Ok(()),
            Some(rx) => match rx.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(msg)) => Err(StoreError::Io(format!("commit failed: {msg}"))),
                Err(_) => Err(StoreError::Io("commit outcome lost".into())),
            },
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        // The job ended without `finish` (an early return or a dropped caller): its nested
        // transaction already queued its rollback; commit the others' work if nobody else
        // will.
        if let Some(guard) = self.guard.take() {
            if self.waiting.load(Ordering::SeqCst) == 0 {
                tokio::spawn(commit_owned(guard));
            } else {
                // Someone is queued and will finish the batch; if they give up instead, their
                // `Waiting` guard flushes it.
                drop(guard);
            }
        }
    }
}

async fn commit_owned(mut guard: OwnedMutexGuard<Batch>) {
    commit(&mut guard).await;
}

/// Commits the open batch, if any, once nobody is waiting to join it.
async fn flush(batch: Arc<Mutex<Batch>>, waiting: Arc<AtomicUsize>) {
    let guard = batch.lock_owned().await;
    if waiting.load(Ordering::SeqCst) == 0 {
        commit_owned(guard).await;
    }
}

/// Commits the open batch and tells every finished job the outcome.
async fn commit(batch: &mut Batch) {
    let Some(tx) = batch.tx.take() else { return };
    let outcome = tx.commit().await.map_err(|e| e.to_string());
    for done in batch.done.drain(..) {
        let _ = done.send(outcome.clone());
    }
}
