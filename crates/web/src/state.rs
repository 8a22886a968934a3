//! Shared application state: the store, the current clinic snapshot, settings, the clock, the
//! availability snapshot and the hook that wakes the mail worker.

use crate::config::AppConfig;
use crate::holds::HoldCache;
use medspa_core::clinic::Clinic;
use medspa_store::Store;
use medspa_store::clock::Clock;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Wakes the outbox worker after a commit that queued mail.
pub type MailNudge = Arc<dyn Fn() + Send + Sync>;

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<AppConfig>,
    pub clock: Arc<dyn Clock>,
    pub holds: Arc<HoldCache>,
    clinic: Arc<RwLock<Arc<Clinic>>>,
    nudge: Option<MailNudge>,
    metrics: Option<Arc<crate::metrics::Metrics>>,
}

impl AppState {
    /// State over a loaded clinic.
    pub fn new(store: Store, clinic: Clinic, config: AppConfig, clock: Arc<dyn Clock>) -> Self {
        // SQLite: this process makes every write. PostgreSQL: other instances' writes reach
        // the cache through the database's change counter, read per availability request
        // (`HoldCache::sync`); the expiry is only a safety net on both.
        let ttl = Duration::from_mins(1);
        let holds = Arc::new(HoldCache::new(ttl, config.policy.horizon_days + 1));
        Self {
            store,
            config: Arc::new(config),
            clock,
            holds,
            clinic: Arc::new(RwLock::new(Arc::new(clinic))),
            nudge: None,
            metrics: None,
        }
    }

    /// Turns on `GET /metrics` (Prometheus text) and the request counters behind it.
    #[must_use]
    pub fn with_metrics(mut self) -> Self {
        self.metrics = Some(Arc::default());
        self
    }

    /// The request counters, when `/metrics` is on.
    pub fn metrics(&self) -> Option<&crate::metrics::Metrics> {
        self.metrics.as_deref()
    }

    /// Sets the hook that wakes the mail worker.
    #[must_use]
    pub fn with_mail_nudge(mut self, nudge: MailNudge) -> Self {
        self.nudge = Some(nudge);
        self
    }

    /// Wakes the mail worker (no-op without one).
    pub fn mail_nudge(&self) {
        if let Some(n) = &self.nudge {
            n();
        }
    }

    /// The current clinic snapshot (settings, catalog, staff).
    pub fn clinic(&self) -> Arc<Clinic> {
        self.clinic
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the clinic snapshot after a settings change.
    pub fn set_clinic(&self, clinic: Clinic) {
        *self
            .clinic
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(clinic);
        // Cached availability was computed from the old hours, staff and services.
        self.holds.invalidate();
    }
}
