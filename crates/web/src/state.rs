//! Shared application state: the store, the current clinic snapshot, settings and the clock.

use crate::config::AppConfig;
use medspa_core::clinic::Clinic;
use medspa_store::Store;
use medspa_store::clock::Clock;
use std::sync::{Arc, RwLock};

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<AppConfig>,
    pub clock: Arc<dyn Clock>,
    clinic: Arc<RwLock<Arc<Clinic>>>,
}

impl AppState {
    /// State over a loaded clinic.
    pub fn new(store: Store, clinic: Clinic, config: AppConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            config: Arc::new(config),
            clock,
            clinic: Arc::new(RwLock::new(Arc::new(clinic))),
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
    }
}
