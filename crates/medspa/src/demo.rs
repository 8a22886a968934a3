//! Creating the demo clinic in an empty database.

use medspa_store::clock::Clock;
use medspa_store::{Store, StoreError};
use std::time::Instant;

/// What creating the demo did.
pub struct Report {
    pub appointments: usize,
    pub millis: u128,
}

/// Writes the demo clinic and its calendar, with dates relative to today in the clinic's zone.
pub async fn create(store: &Store, clock: &dyn Clock) -> Result<Report, StoreError> {
    let started = Instant::now();
    let chicago =
        jiff::tz::TimeZone::get("America/Chicago").map_err(|e| StoreError::Io(e.to_string()))?;
    let today = clock.now().to_zoned(chicago).date();
    let clinic = medspa_demo::clinic(today);
    store.insert_clinic(&clinic).await?;
    Ok(Report {
        appointments: 0,
        millis: started.elapsed().as_millis(),
    })
}
