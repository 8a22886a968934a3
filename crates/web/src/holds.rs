//! An in-memory snapshot of each location's active holds, so availability answers without a
//! database round trip. It is a cache, never the authority: every booking re-checks inside its
//! transaction and the database rejects overlaps. Local writes update the snapshot at once.
//! Writes by other app instances (PostgreSQL) travel through the database: every change to
//! `holds` bumps a counter in the same transaction (`hold_changes`, a trigger), and each
//! availability read first reads the counters' sum ([`HoldCache::sync`]); a different sum than
//! the last one seen drops every snapshot and cached answer before answering. So a slot
//! another instance has taken is never offered by a request that starts after that booking
//! committed. `ttl` remains a safety net.

use medspa_core::availability::{Hold, HoldIndex};
use medspa_core::time::Interval;
use medspa_core::{AppointmentId, LocationId, ResourceId};
use medspa_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DAY_MS: i64 = 86_400_000;
/// Cached answers (whole, and per date) kept at most; the map is cleared when full and
/// popular queries refill it. A per-date answer is about 1 KB.
const MAX_RESPONSES: usize = 8192;

struct CachedResponse {
    generation: u64,
    minute: i64,
    at: Instant,
    body: axum::body::Bytes,
}

struct Entry {
    index: Arc<HoldIndex>,
    from_ms: i64,
    to_ms: i64,
    loaded: Instant,
    /// Shortened by [`HoldCache::invalidate`].
    ttl: Duration,
    /// The `hold_changes` sum seen before loading: the entry is only used while it is current.
    db_changes: i64,
}

/// After an invalidation, a snapshot is still used for this long: a burst of lost races
/// (hundreds of clients after one slot) then costs a few reloads, not one each.
const MIN_RELOAD_INTERVAL: Duration = Duration::from_millis(250);

/// Per-location hold snapshots.
pub struct HoldCache {
    ttl: Duration,
    /// How far past the requested window a reload reads, so the next queries hit.
    lookahead_ms: i64,
    entries: Mutex<HashMap<LocationId, Entry>>,
    /// Bumped whenever any snapshot changes, so answers derived from one can be cached.
    generation: std::sync::atomic::AtomicU64,
    /// Serialized answers by request key, valid for one snapshot generation and one minute.
    responses: Mutex<HashMap<String, CachedResponse>>,
    loading: tokio::sync::Mutex<()>,
    /// The last `hold_changes` sum seen (PostgreSQL); `i64::MIN` before the first.
    db_changes: std::sync::atomic::AtomicI64,
}

impl HoldCache {
    /// A cache whose snapshots expire after `ttl` and cover at least `lookahead_days` ahead.
    pub fn new(ttl: Duration, lookahead_days: u32) -> Self {
        Self {
            ttl,
            lookahead_ms: i64::from(lookahead_days) * DAY_MS,
            entries: Mutex::new(HashMap::new()),
            generation: std::sync::atomic::AtomicU64::new(0),
            responses: Mutex::new(HashMap::new()),
            loading: tokio::sync::Mutex::new(()),
            db_changes: std::sync::atomic::AtomicI64::new(i64::MIN),
        }
    }

    /// PostgreSQL: reads the database's hold-change counter and, when another instance (or
    /// this one) committed a change since the last read, drops every snapshot and cached
    /// answer. One small query; nothing on SQLite.
    pub async fn sync(&self, store: &Store) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        let Some(n) = store.hold_changes().await? else {
            return Ok(());
        };
        let seen = self.db_changes.swap(n, Ordering::AcqRel);
        if seen != n {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            entries.clear();
            drop(entries);
            self.bump();
        }
        Ok(())
    }

    fn fresh(&self, location: LocationId, from_ms: i64, to_ms: i64) -> Option<Arc<HoldIndex>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries
            .get(&location)
            .filter(|e| {
                e.from_ms <= from_ms
                    && to_ms <= e.to_ms
                    && e.loaded.elapsed() < e.ttl.min(self.ttl)
                    && e.db_changes == self.db_changes.load(std::sync::atomic::Ordering::Acquire)
            })
            .map(|e| e.index.clone())
    }

    /// The holds of `location` covering `[from_ms, to_ms)`.
    pub async fn get(
        &self,
        store: &Store,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Arc<HoldIndex>, StoreError> {
        self.sync(store).await?;
        if let Some(index) = self.fresh(location, from_ms, to_ms) {
            return Ok(index);
        }
        // One loader at a time; whoever waited finds the fresh snapshot.
        let _guard = self.loading.lock().await;
        if let Some(index) = self.fresh(location, from_ms, to_ms) {
            return Ok(index);
        }
        let lo = from_ms - 2 * DAY_MS;
        let hi = to_ms.max(from_ms + self.lookahead_ms) + 2 * DAY_MS;
        // Read before loading: the holds read below are at least this current.
        let db_changes = self.db_changes.load(std::sync::atomic::Ordering::Acquire);
        let index = Arc::new(store.holds_between(location, lo, hi).await?);
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.insert(
            location,
            Entry {
                index: index.clone(),
                from_ms: lo,
                to_ms: hi,
                loaded: Instant::now(),
                ttl: self.ttl,
                db_changes,
            },
        );
        drop(entries);
        // After the new snapshot is in place: readers that see the new number see the data.
        self.bump();
        Ok(index)
    }

    /// A number that changes whenever any snapshot changes.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn bump(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    fn update(&self, location: LocationId, f: impl FnOnce(&mut HoldIndex)) {
        {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(e) = entries.get_mut(&location) {
                f(Arc::make_mut(&mut e.index));
            }
        }
        self.bump();
    }

    /// Records a committed booking's (or reschedule's) holds, replacing the appointment's
    /// earlier ones.
    pub fn held(
        &self,
        location: LocationId,
        appointment: AppointmentId,
        holds: &[(ResourceId, Interval)],
    ) {
        self.update(location, |index| {
            index.remove_appointment(appointment);
            for (resource, interval) in holds {
                index.insert(
                    *resource,
                    Hold {
                        interval: *interval,
                        appointment: Some(appointment),
                    },
                );
            }
        });
    }

    /// Records a committed cancellation.
    pub fn released(&self, location: LocationId, appointment: AppointmentId) {
        self.update(location, |index| index.remove_appointment(appointment));
    }

    /// A cached answer for `key`, if it was computed from generation `generation` during
    /// `minute` (Unix minutes) and is younger than the snapshot time-to-live.
    pub fn cached_response(
        &self,
        key: &str,
        generation: u64,
        minute: i64,
    ) -> Option<axum::body::Bytes> {
        let responses = self
            .responses
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        responses
            .get(key)
            .filter(|r| {
                r.generation == generation && r.minute == minute && r.at.elapsed() < self.ttl
            })
            .map(|r| r.body.clone())
    }

    /// Keeps an answer computed from generation `generation` during `minute`.
    pub fn keep_response(
        &self,
        key: String,
        generation: u64,
        minute: i64,
        body: axum::body::Bytes,
    ) {
        let mut responses = self
            .responses
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if responses.len() >= MAX_RESPONSES {
            responses.clear();
        }
        responses.insert(
            key,
            CachedResponse {
                generation,
                minute,
                at: Instant::now(),
                body,
            },
        );
    }

    /// Marks every snapshot stale (after a race was lost, or settings changed): the next read
    /// reloads, but no sooner than [`MIN_RELOAD_INTERVAL`] after the last load.
    pub fn invalidate(&self) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for e in entries.values_mut() {
            e.ttl = MIN_RELOAD_INTERVAL;
        }
        drop(entries);
        self.bump();
    }
}
