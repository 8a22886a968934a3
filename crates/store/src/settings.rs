//! The clinic settings page's one change: the clinic's public identity and currency, and its
//! first location's name, address, zone and opening hours, in one transaction with its audit
//! entry. A change that would strand future appointments is refused, naming them: new hours
//! that no longer cover a booked visit, or a new time zone while any visit is booked.

use crate::audit::{Actor, insert_audit};
use crate::resources::{Blocking, StillBooked};
use crate::{Store, StoreError, tx};
use medspa_core::LocationId;
use medspa_core::setup::ClinicSettings;
use medspa_core::time::{Interval, WeeklySchedule};
use serde_json::json;

#[derive(sqlx::FromRow)]
struct Booked {
    reference: String,
    starts_at_ms: i64,
    ends_at_ms: i64,
}

impl Store {
    /// Saves the settings; `Ok(Err(StillBooked))` (nothing written) when future appointments
    /// would fall outside the new hours or the zone changes under booked visits.
    pub async fn update_clinic_settings(
        &self,
        location: LocationId,
        s: &ClinicSettings,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<Result<(), StillBooked>, StoreError> {
        let hours_json =
            serde_json::to_string(&s.hours).map_err(|_| StoreError::Corrupt("hours".into()))?;
        let settings = [
            ("clinic.name", s.info.name.as_str()),
            ("clinic.tagline", s.info.tagline.as_str()),
            ("clinic.phone", s.info.phone.as_str()),
            ("clinic.email", s.info.email.as_str()),
            ("clinic.currency", s.currency),
        ];
        tx!(self, |tx| {
            let before: Option<(String, String, String)> =
                sqlx::query_as("SELECT name, timezone, hours_json FROM locations WHERE id = $1")
                    .bind(location.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((old_name, old_zone, old_hours)) = before else {
                return Err(StoreError::NotFound);
            };
            let booked: Vec<Booked> = sqlx::query_as(
                "SELECT reference, starts_at_ms, ends_at_ms FROM appointments \
                 WHERE location_id = $1 AND status = 'confirmed' AND ends_at_ms > $2 \
                 ORDER BY starts_at_ms",
            )
            .bind(location.get())
            .bind(now_ms)
            .fetch_all(&mut *tx)
            .await?;
            let zone_changed = old_zone != s.zone.name();
            let hours_changed = old_hours != hours_json;
            let stranded: Vec<Blocking> = booked
                .into_iter()
                .filter(|b| {
                    zone_changed
                        || (hours_changed
                            && !covers(&s.hours, b.starts_at_ms, b.ends_at_ms, s.zone.tz()))
                })
                .map(|b| Blocking {
                    reference: b.reference,
                    starts_at_ms: b.starts_at_ms,
                })
                .collect();
            if stranded.is_empty() {
                for (k, v) in settings {
                    sqlx::query(
                        "INSERT INTO settings (key, value) VALUES ($1, $2) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    )
                    .bind(k)
                    .bind(v)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "UPDATE locations SET name = $2, timezone = $3, street = $4, city = $5, \
                     region = $6, postal_code = $7, country = $8, phone = $9, hours_json = $10 \
                     WHERE id = $1",
                )
                .bind(location.get())
                .bind(&s.location_name)
                .bind(s.zone.name())
                .bind(&s.address.street)
                .bind(&s.address.city)
                .bind(&s.address.region)
                .bind(&s.address.postal_code)
                .bind(&s.address.country)
                .bind(&s.info.phone)
                .bind(&hours_json)
                .execute(&mut *tx)
                .await?;
                let e = actor.entry(
                    "clinic.settings",
                    "location",
                    &location.to_string(),
                    &json!({
                        "before": {"location": old_name, "timezone": old_zone, "hours": old_hours},
                        "after": {"location": s.location_name, "timezone": s.zone.name(),
                                  "hours": hours_json, "clinic": s.info.name, "currency": s.currency},
                    }),
                );
                insert_audit!(&mut *tx, &e, now_ms)?;
                Ok(Ok(()))
            } else {
                Ok::<_, StoreError>(Err(StillBooked(stranded)))
            }
        })
    }
}

fn covers(hours: &WeeklySchedule, start: i64, end: i64, tz: &jiff::tz::TimeZone) -> bool {
    hours.covers(Interval::new(start, end), tz)
}
