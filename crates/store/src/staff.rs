//! Staff members as the back office edits them: name, title, bio, location, the services they
//! are qualified for and their weekly working hours. Archiving is `Store::archive_resource`
//! with [`ResourceKind::Staff`] (refused while they hold a future appointment). A change of
//! hours that no longer covers a booked visit of theirs is refused, naming it.

use crate::audit::{Actor, insert_audit};
use crate::resources::{Blocking, StillBooked};
use crate::{Store, StoreError, read, tx};
use medspa_core::time::{Interval, WeeklySchedule};
use medspa_core::{LocationId, ServiceId};
use serde_json::json;
use uuid::Uuid;

/// What to store for a staff member (already checked by the caller).
#[derive(Clone, Debug)]
pub struct StaffInput {
    pub location: LocationId,
    pub name: String,
    pub title: String,
    pub bio: String,
    pub services: Vec<ServiceId>,
    pub hours: WeeklySchedule,
}

/// A stored staff member, archived or not.
#[derive(Clone, Debug)]
pub struct StaffRecord {
    pub id: Uuid,
    pub location_id: Uuid,
    pub name: String,
    pub title: String,
    pub bio: String,
    pub active: bool,
    pub services: Vec<Uuid>,
    pub hours: WeeklySchedule,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    location_id: Uuid,
    name: String,
    title: String,
    bio: String,
    active: bool,
    hours_json: String,
}

const SELECT: &str = "SELECT r.id, r.location_id, r.name, s.title, s.bio, r.active, s.hours_json \
    FROM resources r JOIN staff s ON s.resource_id = r.id";

fn hours_json(h: &WeeklySchedule) -> Result<String, StoreError> {
    serde_json::to_string(h).map_err(|_| StoreError::Corrupt("hours".into()))
}

impl Store {
    /// Every staff member, active first, with qualifications and hours.
    pub async fn staff_records(&self) -> Result<Vec<StaffRecord>, StoreError> {
        let sql = format!("{SELECT} ORDER BY r.active DESC, r.position, r.name");
        let (rows, quals): (Vec<Row>, Vec<(Uuid, Uuid)>) = read!(self, |pool| {
            let rows = sqlx::query_as(&sql).fetch_all(pool).await?;
            let quals = sqlx::query_as("SELECT staff_id, service_id FROM staff_services")
                .fetch_all(pool)
                .await?;
            Ok::<_, StoreError>((rows, quals))
        })?;
        rows.into_iter()
            .map(|r| {
                let services = quals
                    .iter()
                    .filter(|(s, _)| *s == r.id)
                    .map(|(_, svc)| *svc)
                    .collect();
                Ok(StaffRecord {
                    hours: serde_json::from_str(&r.hours_json)
                        .map_err(|_| StoreError::Corrupt("staff.hours_json".into()))?,
                    id: r.id,
                    location_id: r.location_id,
                    name: r.name,
                    title: r.title,
                    bio: r.bio,
                    active: r.active,
                    services,
                })
            })
            .collect()
    }

    /// Adds a staff member.
    pub async fn create_staff(
        &self,
        input: &StaffInput,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let hours = hours_json(&input.hours)?;
        let breaks = hours_json(&WeeklySchedule::default())?;
        tx!(self, |tx| {
            let (next,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) FROM resources WHERE kind = 'staff'",
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO resources (id, location_id, kind, name, category, position) \
                 VALUES ($1, $2, 'staff', $3, '', $4)",
            )
            .bind(id)
            .bind(input.location.get())
            .bind(&input.name)
            .bind(i32::try_from(next).unwrap_or(i32::MAX))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO staff (resource_id, title, bio, hours_json, breaks_json) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(&input.title)
            .bind(&input.bio)
            .bind(&hours)
            .bind(&breaks)
            .execute(&mut *tx)
            .await?;
            for svc in &input.services {
                sqlx::query("INSERT INTO staff_services (staff_id, service_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(svc.get())
                    .execute(&mut *tx)
                    .await?;
            }
            let e = actor.entry(
                "staff.create",
                "staff",
                &id.to_string(),
                &json!({"after": {"name": input.name, "title": input.title, "hours": hours,
                                  "services": input.services.len()}}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Updates a staff member; `Ok(Err(StillBooked))` (nothing written) when the new hours
    /// would no longer cover one of their future appointments. `NotFound` for an unknown id.
    pub async fn update_staff(
        &self,
        id: Uuid,
        input: &StaffInput,
        zone: &jiff::tz::TimeZone,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<Result<(), StillBooked>, StoreError> {
        let hours = hours_json(&input.hours)?;
        tx!(self, |tx| {
            let before: Option<(String, String, String)> = sqlx::query_as(
                "SELECT r.name, s.title, s.hours_json FROM resources r \
                 JOIN staff s ON s.resource_id = r.id WHERE r.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((old_name, old_title, old_hours)) = before else {
                return Err(StoreError::NotFound);
            };
            // Each visit of theirs, as the span of all their holds in it.
            let held: Vec<(String, i64, i64)> = sqlx::query_as(
                "SELECT a.reference, MIN(h.starts_at_ms), MAX(h.ends_at_ms) FROM holds h \
                 JOIN appointments a ON a.id = h.appointment_id \
                 WHERE h.resource_id = $1 AND h.active = $2 AND h.ends_at_ms > $3 \
                 GROUP BY a.reference ORDER BY MIN(h.starts_at_ms)",
            )
            .bind(id)
            .bind(true)
            .bind(now_ms)
            .fetch_all(&mut *tx)
            .await?;
            let stranded: Vec<Blocking> = if old_hours == hours {
                Vec::new()
            } else {
                held.into_iter()
                    .filter(|(_, s, e)| !input.hours.covers(Interval::new(*s, *e), zone))
                    .map(|(reference, starts_at_ms, _)| Blocking {
                        reference,
                        starts_at_ms,
                    })
                    .collect()
            };
            if stranded.is_empty() {
                sqlx::query("UPDATE resources SET name = $2, location_id = $3 WHERE id = $1")
                    .bind(id)
                    .bind(&input.name)
                    .bind(input.location.get())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE staff SET title = $2, bio = $3, hours_json = $4 WHERE resource_id = $1",
                )
                .bind(id)
                .bind(&input.title)
                .bind(&input.bio)
                .bind(&hours)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM staff_services WHERE staff_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for svc in &input.services {
                    sqlx::query(
                        "INSERT INTO staff_services (staff_id, service_id) VALUES ($1, $2)",
                    )
                    .bind(id)
                    .bind(svc.get())
                    .execute(&mut *tx)
                    .await?;
                }
                let e = actor.entry(
                    "staff.update",
                    "staff",
                    &id.to_string(),
                    &json!({
                        "before": {"name": old_name, "title": old_title, "hours": old_hours},
                        "after": {"name": input.name, "title": input.title, "hours": hours,
                                  "services": input.services.len()},
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
