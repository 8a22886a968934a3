//! Rooms and devices as the back office edits them: list (archived ones too), create, rename
//! or re-kind, and archive. Archiving never deletes (appointments reference resources) and is
//! refused while the resource holds any future appointment, naming them. Every change is
//! audited in its own transaction.

use crate::audit::{Actor, insert_audit};
use crate::{Store, StoreError, read, tx};
use medspa_core::LocationId;
use serde_json::json;
use uuid::Uuid;

/// A room or a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    Room,
    Device,
    Staff,
}

impl ResourceKind {
    /// The stored `resources.kind`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Room => "room",
            Self::Device => "device",
            Self::Staff => "staff",
        }
    }
}

/// A stored room or device.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResourceRecord {
    pub id: Uuid,
    pub location_id: Uuid,
    pub name: String,
    /// The room or device kind a service segment asks for (e.g. `laser`).
    pub category: String,
    pub active: bool,
}

/// What to store for a room or device (already checked by the caller).
#[derive(Clone, Debug)]
pub struct ResourceInput {
    pub location: LocationId,
    pub name: String,
    pub category: String,
}

/// A future appointment that keeps a resource from being archived.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Blocking {
    pub reference: String,
    pub starts_at_ms: i64,
}

/// Why archiving was refused: the future appointments that hold the resource.
#[derive(Clone, Debug)]
pub struct StillBooked(pub Vec<Blocking>);

impl Store {
    /// Every room or device, active first, by position and name.
    pub async fn resources_of(
        &self,
        kind: ResourceKind,
    ) -> Result<Vec<ResourceRecord>, StoreError> {
        const SQL: &str = "SELECT id, location_id, name, category, active FROM resources \
            WHERE kind = $1 ORDER BY active DESC, position, name";
        let rows = read!(self, |pool| sqlx::query_as(SQL)
            .bind(kind.as_str())
            .fetch_all(pool)
            .await)?;
        Ok(rows)
    }

    /// One room or device; `None` when there is none of that kind with this id.
    pub async fn resource(
        &self,
        kind: ResourceKind,
        id: Uuid,
    ) -> Result<Option<ResourceRecord>, StoreError> {
        const SQL: &str = "SELECT id, location_id, name, category, active FROM resources \
            WHERE kind = $1 AND id = $2";
        let row = read!(self, |pool| sqlx::query_as(SQL)
            .bind(kind.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        Ok(row)
    }

    /// Creates a room or device at the end of its list.
    pub async fn create_resource(
        &self,
        kind: ResourceKind,
        input: &ResourceInput,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        tx!(self, |tx| {
            let (next,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) FROM resources WHERE kind = $1",
            )
            .bind(kind.as_str())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO resources (id, location_id, kind, name, category, position) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(input.location.get())
            .bind(kind.as_str())
            .bind(&input.name)
            .bind(&input.category)
            .bind(i32::try_from(next).unwrap_or(i32::MAX))
            .execute(&mut *tx)
            .await?;
            let e = actor.entry(
                &format!("{}.create", kind.as_str()),
                kind.as_str(),
                &id.to_string(),
                &json!({"after": {"name": input.name, "kind": input.category, "location": input.location.to_string()}}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Renames or re-kinds a room or device; `NotFound` for an unknown id.
    pub async fn update_resource(
        &self,
        kind: ResourceKind,
        id: Uuid,
        input: &ResourceInput,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        tx!(self, |tx| {
            let before: Option<(String, String, Uuid)> = sqlx::query_as(
                "SELECT name, category, location_id FROM resources WHERE kind = $1 AND id = $2",
            )
            .bind(kind.as_str())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((name, category, location)) = before else {
                return Err(StoreError::NotFound);
            };
            sqlx::query(
                "UPDATE resources SET name = $3, category = $4, location_id = $5 \
                 WHERE kind = $1 AND id = $2",
            )
            .bind(kind.as_str())
            .bind(id)
            .bind(&input.name)
            .bind(&input.category)
            .bind(input.location.get())
            .execute(&mut *tx)
            .await?;
            let e = actor.entry(
                &format!("{}.update", kind.as_str()),
                kind.as_str(),
                &id.to_string(),
                &json!({
                    "before": {"name": name, "kind": category, "location": location.to_string()},
                    "after": {"name": input.name, "kind": input.category, "location": input.location.to_string()},
                }),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(())
        })
    }

    /// Archives a room or device, unless it holds a future appointment: then nothing changes
    /// and the appointments are returned (`Ok(Err(StillBooked))`). `NotFound` for an unknown id.
    pub async fn archive_resource(
        &self,
        kind: ResourceKind,
        id: Uuid,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<Result<(), StillBooked>, StoreError> {
        tx!(self, |tx| {
            let found: Option<(bool,)> =
                sqlx::query_as("SELECT active FROM resources WHERE kind = $1 AND id = $2")
                    .bind(kind.as_str())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((active,)) = found else {
                return Err(StoreError::NotFound);
            };
            let blocking: Vec<Blocking> = sqlx::query_as(
                "SELECT DISTINCT a.reference, a.starts_at_ms FROM holds h \
                 JOIN appointments a ON a.id = h.appointment_id \
                 WHERE h.resource_id = $1 AND h.active = $2 AND h.ends_at_ms > $3 \
                 ORDER BY a.starts_at_ms",
            )
            .bind(id)
            .bind(true)
            .bind(now_ms)
            .fetch_all(&mut *tx)
            .await?;
            if !active {
                Ok(Ok(()))
            } else if blocking.is_empty() {
                sqlx::query("UPDATE resources SET active = $3 WHERE kind = $1 AND id = $2")
                    .bind(kind.as_str())
                    .bind(id)
                    .bind(false)
                    .execute(&mut *tx)
                    .await?;
                let e = actor.entry(
                    &format!("{}.archive", kind.as_str()),
                    kind.as_str(),
                    &id.to_string(),
                    &json!({"before": {"active": true}, "after": {"active": false}}),
                );
                insert_audit!(&mut *tx, &e, now_ms)?;
                Ok(Ok(()))
            } else {
                Ok::<_, StoreError>(Err(StillBooked(blocking)))
            }
        })
    }
}
