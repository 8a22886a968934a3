//! The clinic snapshot: settings, locations, closures, staff, rooms, devices and services,
//! loaded whole into a core [`Clinic`] and written whole when a clinic is created.

use crate::{Store, StoreError, read, tx};
use jiff::civil::Date;
use medspa_core::catalog::{Faq, Segment, Service, ServiceKind};
use medspa_core::clinic::{
    Address, Clinic, ClinicInfo, Closure, Device, Location, Room, Staff, Zone,
};
use medspa_core::input::Slug;
use medspa_core::protocol::Protocol;
use medspa_core::time::Interval;
use medspa_core::{DeviceId, LocationId, RoomId, ServiceId, StaffId};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use uuid::Uuid;

/// What [`Store::load_clinic`] returns: the snapshot and when it was read.
pub type ClinicRecord = Clinic;

const CLINIC_KEYS: [&str; 4] = [
    "clinic.name",
    "clinic.tagline",
    "clinic.phone",
    "clinic.email",
];

#[derive(sqlx::FromRow)]
struct LocationRow {
    id: Uuid,
    name: String,
    timezone: String,
    street: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
    phone: String,
    hours_json: String,
}

#[derive(sqlx::FromRow)]
struct ClosureRow {
    location_id: Uuid,
    starts_on: String,
    ends_on: String,
    reason: String,
}

#[derive(sqlx::FromRow)]
struct ResourceRow {
    id: Uuid,
    location_id: Uuid,
    kind: String,
    name: String,
    category: String,
    title: Option<String>,
    bio: Option<String>,
    hours_json: Option<String>,
    breaks_json: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: Uuid,
    slug: String,
    name: String,
    kind: String,
    summary: String,
    description: String,
    suits: String,
    price_cents: i64,
    segments_json: String,
    buffer_before_minutes: i32,
    buffer_after_minutes: i32,
    downtime_days: i32,
    consultation_required: bool,
    protocol_json: String,
    faq_json: String,
    position: i32,
}

const LOCATIONS: &str = "SELECT id, name, timezone, street, city, region, postal_code, country, \
    phone, hours_json FROM locations ORDER BY position, name";
const CLOSURES: &str =
    "SELECT location_id, starts_on, ends_on, reason FROM closures ORDER BY starts_on";
const RESOURCES: &str = "SELECT r.id, r.location_id, r.kind, r.name, r.category, s.title, s.bio, \
    s.hours_json, s.breaks_json FROM resources r LEFT JOIN staff s ON s.resource_id = r.id \
    WHERE r.active = $1 ORDER BY r.position, r.name";
const STAFF_SERVICES: &str = "SELECT staff_id, service_id FROM staff_services";
const TIME_OFF: &str =
    "SELECT staff_id, starts_at_ms, ends_at_ms FROM time_off ORDER BY staff_id, starts_at_ms";
const SERVICES: &str = "SELECT id, slug, name, kind, summary, description, suits, price_cents, \
    segments_json, buffer_before_minutes, buffer_after_minutes, downtime_days, \
    consultation_required, protocol_json, faq_json, position FROM services WHERE active = $1 \
    ORDER BY position, name";
const SETTINGS: &str = "SELECT key, value FROM settings";

fn json<T: DeserializeOwned>(raw: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(|_| StoreError::Corrupt(what.to_owned()))
}

fn date(raw: &str, what: &str) -> Result<Date, StoreError> {
    raw.parse()
        .map_err(|_| StoreError::Corrupt(what.to_owned()))
}

fn to_u32(v: i32, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(what.to_owned()))
}

impl Store {
    /// Loads the clinic; `None` when no clinic has been created yet.
    pub async fn load_clinic(&self) -> Result<Option<Clinic>, StoreError> {
        let (locations, closures, resources, quals, time_off, services, settings) =
            read!(self, |pool| {
                let locs: Vec<LocationRow> = sqlx::query_as(LOCATIONS).fetch_all(pool).await?;
                let closures: Vec<ClosureRow> = sqlx::query_as(CLOSURES).fetch_all(pool).await?;
                let res: Vec<ResourceRow> =
                    sqlx::query_as(RESOURCES).bind(true).fetch_all(pool).await?;
                let quals: Vec<(Uuid, Uuid)> =
                    sqlx::query_as(STAFF_SERVICES).fetch_all(pool).await?;
                let off: Vec<(Uuid, i64, i64)> = sqlx::query_as(TIME_OFF).fetch_all(pool).await?;
                let svcs: Vec<ServiceRow> =
                    sqlx::query_as(SERVICES).bind(true).fetch_all(pool).await?;
                let kv: Vec<(String, String)> = sqlx::query_as(SETTINGS).fetch_all(pool).await?;
                Ok::<_, StoreError>((locs, closures, res, quals, off, svcs, kv))
            })?;
        if locations.is_empty() {
            return Ok(None);
        }
        let settings: HashMap<String, String> = settings.into_iter().collect();
        let setting = |k: &str| settings.get(k).cloned().unwrap_or_default();
        let info = ClinicInfo {
            name: setting("clinic.name"),
            tagline: setting("clinic.tagline"),
            phone: setting("clinic.phone"),
            email: setting("clinic.email"),
        };

        let mut locs = Vec::with_capacity(locations.len());
        for row in locations {
            let zone = Zone::parse(&row.timezone, "timezone")
                .map_err(|_| StoreError::Corrupt(format!("locations.timezone {}", row.id)))?;
            let mut closures_here = Vec::new();
            for c in closures.iter().filter(|c| c.location_id == row.id) {
                closures_here.push(Closure {
                    from: date(&c.starts_on, "closures.starts_on")?,
                    to: date(&c.ends_on, "closures.ends_on")?,
                    reason: c.reason.clone(),
                });
            }
            locs.push(Location {
                id: LocationId::new(row.id),
                name: row.name,
                zone,
                address: Address {
                    street: row.street,
                    city: row.city,
                    region: row.region,
                    postal_code: row.postal_code,
                    country: row.country,
                },
                phone: row.phone,
                hours: json(&row.hours_json, "locations.hours_json")?,
                closures: closures_here,
            });
        }

        let mut quals_by_staff: HashMap<Uuid, Vec<ServiceId>> = HashMap::new();
        for (staff, service) in quals {
            quals_by_staff
                .entry(staff)
                .or_default()
                .push(ServiceId::new(service));
        }
        let mut off_by_staff: HashMap<Uuid, Vec<Interval>> = HashMap::new();
        for (staff, start, end) in time_off {
            off_by_staff
                .entry(staff)
                .or_default()
                .push(Interval::new(start, end));
        }

        let (mut staff, mut rooms, mut devices) = (Vec::new(), Vec::new(), Vec::new());
        for r in resources {
            let location_id = LocationId::new(r.location_id);
            match r.kind.as_str() {
                "staff" => staff.push(Staff {
                    id: StaffId::new(r.id),
                    location_id,
                    name: r.name,
                    title: r.title.unwrap_or_default(),
                    bio: r.bio.unwrap_or_default(),
                    services: quals_by_staff.remove(&r.id).unwrap_or_default(),
                    hours: json(
                        r.hours_json.as_deref().unwrap_or("null"),
                        "staff.hours_json",
                    )?,
                    breaks: json(
                        r.breaks_json.as_deref().unwrap_or("null"),
                        "staff.breaks_json",
                    )?,
                    time_off: off_by_staff.remove(&r.id).unwrap_or_default(),
                }),
                "room" => rooms.push(Room {
                    id: RoomId::new(r.id),
                    location_id,
                    name: r.name,
                    kind: r.category,
                }),
                "device" => devices.push(Device {
                    id: DeviceId::new(r.id),
                    location_id,
                    name: r.name,
                    kind: r.category,
                }),
                _ => return Err(StoreError::Corrupt("resources.kind".into())),
            }
        }

        let mut svcs = Vec::with_capacity(services.len());
        for s in services {
            svcs.push(Service {
                id: ServiceId::new(s.id),
                slug: Slug::parse(&s.slug, "slug")
                    .map_err(|_| StoreError::Corrupt("services.slug".into()))?,
                name: s.name,
                kind: match s.kind.as_str() {
                    "consultation" => ServiceKind::Consultation,
                    _ => ServiceKind::Treatment,
                },
                summary: s.summary,
                description: s.description,
                suits: s.suits,
                price_cents: s.price_cents,
                segments: json::<Vec<Segment>>(&s.segments_json, "services.segments_json")?,
                buffer_before_minutes: to_u32(s.buffer_before_minutes, "services.buffer")?,
                buffer_after_minutes: to_u32(s.buffer_after_minutes, "services.buffer")?,
                downtime_days: to_u32(s.downtime_days, "services.downtime_days")?,
                consultation_required: s.consultation_required,
                protocol: json::<Protocol>(&s.protocol_json, "services.protocol_json")?,
                faq: json::<Vec<Faq>>(&s.faq_json, "services.faq_json")?,
                position: s.position,
            });
        }

        Ok(Some(Clinic {
            info,
            locations: locs,
            staff,
            rooms,
            devices,
            services: svcs,
        }))
    }

    /// Writes a whole clinic (settings, locations, resources, services) in one transaction.
    /// Used to create the demo clinic and by tests; fails if any id or slug already exists.
    pub async fn insert_clinic(&self, clinic: &Clinic) -> Result<(), StoreError> {
        let settings = [
            (CLINIC_KEYS[0], clinic.info.name.as_str()),
            (CLINIC_KEYS[1], clinic.info.tagline.as_str()),
            (CLINIC_KEYS[2], clinic.info.phone.as_str()),
            (CLINIC_KEYS[3], clinic.info.email.as_str()),
        ];
        tx!(self, |tx| {
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
            for (pos, l) in clinic.locations.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO locations (id, name, timezone, street, city, region, \
                     postal_code, country, phone, hours_json, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(l.id.get())
                .bind(&l.name)
                .bind(l.zone.name())
                .bind(&l.address.street)
                .bind(&l.address.city)
                .bind(&l.address.region)
                .bind(&l.address.postal_code)
                .bind(&l.address.country)
                .bind(&l.phone)
                .bind(to_json(&l.hours))
                .bind(position(pos))
                .execute(&mut *tx)
                .await?;
                for c in &l.closures {
                    sqlx::query(
                        "INSERT INTO closures (id, location_id, starts_on, ends_on, reason) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(Uuid::now_v7())
                    .bind(l.id.get())
                    .bind(c.from.to_string())
                    .bind(c.to.to_string())
                    .bind(&c.reason)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for (pos, s) in clinic.services.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO services (id, slug, name, kind, summary, description, suits, \
                     price_cents, segments_json, buffer_before_minutes, buffer_after_minutes, \
                     downtime_days, consultation_required, protocol_json, faq_json, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                )
                .bind(s.id.get())
                .bind(s.slug.as_str())
                .bind(&s.name)
                .bind(s.kind.as_str())
                .bind(&s.summary)
                .bind(&s.description)
                .bind(&s.suits)
                .bind(s.price_cents)
                .bind(to_json(&s.segments))
                .bind(i64::from(s.buffer_before_minutes))
                .bind(i64::from(s.buffer_after_minutes))
                .bind(i64::from(s.downtime_days))
                .bind(s.consultation_required)
                .bind(to_json(&s.protocol))
                .bind(to_json(&s.faq))
                .bind(if s.position == 0 { position(pos) } else { s.position })
                .execute(&mut *tx)
                .await?;
            }
            let resource = "INSERT INTO resources (id, location_id, kind, name, category, position) \
                            VALUES ($1, $2, $3, $4, $5, $6)";
            for (pos, st) in clinic.staff.iter().enumerate() {
                sqlx::query(resource)
                    .bind(st.id.get())
                    .bind(st.location_id.get())
                    .bind("staff")
                    .bind(&st.name)
                    .bind("")
                    .bind(position(pos))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO staff (resource_id, title, bio, hours_json, breaks_json) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(st.id.get())
                .bind(&st.title)
                .bind(&st.bio)
                .bind(to_json(&st.hours))
                .bind(to_json(&st.breaks))
                .execute(&mut *tx)
                .await?;
                for svc in &st.services {
                    sqlx::query(
                        "INSERT INTO staff_services (staff_id, service_id) VALUES ($1, $2)",
                    )
                    .bind(st.id.get())
                    .bind(svc.get())
                    .execute(&mut *tx)
                    .await?;
                }
                for off in &st.time_off {
                    sqlx::query(
                        "INSERT INTO time_off (id, staff_id, starts_at_ms, ends_at_ms) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(Uuid::now_v7())
                    .bind(st.id.get())
                    .bind(off.start)
                    .bind(off.end)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for (pos, r) in clinic.rooms.iter().enumerate() {
                sqlx::query(resource)
                    .bind(r.id.get())
                    .bind(r.location_id.get())
                    .bind("room")
                    .bind(&r.name)
                    .bind(&r.kind)
                    .bind(position(pos))
                    .execute(&mut *tx)
                    .await?;
            }
            for (pos, d) in clinic.devices.iter().enumerate() {
                sqlx::query(resource)
                    .bind(d.id.get())
                    .bind(d.location_id.get())
                    .bind("device")
                    .bind(&d.name)
                    .bind(&d.kind)
                    .bind(position(pos))
                    .execute(&mut *tx)
                    .await?;
            }
            Ok::<(), StoreError>(())
        })
    }

    /// Reads one setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = read!(self, |pool| {
            sqlx::query_as("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }
}

fn position(pos: usize) -> i32 {
    i32::try_from(pos).unwrap_or(i32::MAX)
}

/// Serialises a JSON column value (catalog types always serialise).
fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("catalog types always serialise to JSON")
}

#[cfg(test)]
mod tests {
    use super::*;
    use medspa_core::time::WeeklySchedule;

    #[test]
    fn schedules_round_trip_through_json() {
        let s = WeeklySchedule::default();
        let back: WeeklySchedule = json(&serde_json::to_string(&s).unwrap(), "x").unwrap();
        assert_eq!(back, s);
    }
}
