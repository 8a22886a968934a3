//! Creating the demo clinic in an empty database: catalog, people, rooms, a lived-in calendar
//! of about 1,600 appointments over the next 60 days, blog posts and editable pages.

use medspa_demo::HistoryOptions;
use medspa_store::clock::Clock;
use medspa_store::{Store, StoreError};
use std::time::Instant;

/// What creating the demo did.
pub struct Report {
    pub appointments: usize,
    pub millis: u128,
}

/// Writes the demo clinic, with dates relative to today in the clinic's zone.
pub async fn create(store: &Store, clock: &dyn Clock) -> Result<Report, StoreError> {
    let started = Instant::now();
    let now = clock.now();
    let chicago =
        jiff::tz::TimeZone::get("America/Chicago").map_err(|e| StoreError::Io(e.to_string()))?;
    let today = now.to_zoned(chicago).date();
    let now_ms = now.as_millisecond();
    let clinic = medspa_demo::clinic(today);
    store.insert_clinic(&clinic).await?;
    for page in medspa_demo::pages() {
        store.upsert_page(&page, now_ms).await?;
    }
    for post in medspa_demo::posts(today) {
        store.upsert_post(&post, now_ms).await?;
    }
    let (clients, appointments) =
        medspa_demo::history(&clinic, today, now_ms, HistoryOptions::default());
    store
        .insert_history(&clients, &appointments, now_ms)
        .await?;
    Ok(Report {
        appointments: appointments.len(),
        millis: started.elapsed().as_millis(),
    })
}
