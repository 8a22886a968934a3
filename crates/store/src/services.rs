//! Services as the back office edits them: every service (archived too), create, edit the
//! words, price, buffer and rules, archive. Archiving never deletes (appointments reference
//! services) and is refused while a future visit is booked for the service, naming it. Each
//! change is one transaction with its audit entry.

use crate::audit::{Actor, insert_audit};
use crate::resources::{Blocking, StillBooked};
use crate::{Store, StoreError, read, tx};
use medspa_core::ServiceId;
use medspa_core::catalog::{Segment, Service, ServiceKind};
use medspa_core::input::Slug;
use medspa_core::protocol::Protocol;
use serde_json::json;
use uuid::Uuid;

/// A stored service with whether it is offered.
#[derive(Clone, Debug)]
pub struct ServiceRecord {
    pub service: Service,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
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
    position: i32,
    active: bool,
}

/// The editable words, price, buffer and rules of a service.
#[derive(Clone, Debug)]
pub struct ServiceEdit {
    pub name: String,
    pub summary: String,
    pub description: String,
    pub price_cents: i64,
    pub buffer_after_minutes: u32,
    pub consultation_required: bool,
    pub protocol: Protocol,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|_| corrupt("json"))
}

impl Store {
    /// Every service, offered ones first, in display order.
    pub async fn service_records(&self) -> Result<Vec<ServiceRecord>, StoreError> {
        const SQL: &str = "SELECT id, slug, name, kind, summary, description, suits, price_cents, \
            segments_json, buffer_before_minutes, buffer_after_minutes, downtime_days, \
            consultation_required, protocol_json, position, active FROM services \
            ORDER BY active DESC, position, name";
        let rows: Vec<Row> = read!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(ServiceRecord {
                    active: r.active,
                    service: Service {
                        id: ServiceId::new(r.id),
                        slug: Slug::parse(&r.slug, "slug").map_err(|_| corrupt("services.slug"))?,
                        name: r.name,
                        kind: if r.kind == "consultation" {
                            ServiceKind::Consultation
                        } else {
                            ServiceKind::Treatment
                        },
                        summary: r.summary,
                        description: r.description,
                        suits: r.suits,
                        price_cents: r.price_cents,
                        segments: serde_json::from_str::<Vec<Segment>>(&r.segments_json)
                            .map_err(|_| corrupt("services.segments_json"))?,
                        buffer_before_minutes: u32::try_from(r.buffer_before_minutes)
                            .map_err(|_| corrupt("services.buffer"))?,
                        buffer_after_minutes: u32::try_from(r.buffer_after_minutes)
                            .map_err(|_| corrupt("services.buffer"))?,
                        downtime_days: u32::try_from(r.downtime_days)
                            .map_err(|_| corrupt("services.downtime_days"))?,
                        consultation_required: r.consultation_required,
                        protocol: serde_json::from_str(&r.protocol_json)
                            .map_err(|_| corrupt("services.protocol_json"))?,
                        faq: Vec::new(),
                        position: r.position,
                    },
                })
            })
            .collect()
    }

    /// Creates a service at the end of the list; `Conflict("services_slug_key")` when its slug
    /// is taken (archived services keep theirs).
    pub async fn create_service(
        &self,
        s: &Service,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let segments = to_json(&s.segments)?;
        let protocol = to_json(&s.protocol)?;
        tx!(self, |tx| {
            let (next,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) FROM services",
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO services (id, slug, name, kind, summary, description, suits, \
                 price_cents, segments_json, buffer_before_minutes, buffer_after_minutes, \
                 downtime_days, consultation_required, protocol_json, faq_json, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, 0, $9, $10, $11, $12, '[]', $13)",
            )
            .bind(s.id.get())
            .bind(s.slug.as_str())
            .bind(&s.name)
            .bind(s.kind.as_str())
            .bind(&s.summary)
            .bind(&s.description)
            .bind(s.price_cents)
            .bind(&segments)
            .bind(i64::from(s.buffer_after_minutes))
            .bind(i64::from(s.protocol.downtime_days()))
            .bind(s.consultation_required)
            .bind(&protocol)
            .bind(i32::try_from(next).unwrap_or(i32::MAX))
            .execute(&mut *tx)
            .await?;
            let e = actor.entry(
                "service.create",
                "service",
                &s.id.to_string(),
                &json!({"after": {"slug": s.slug.as_str(), "name": s.name, "price_cents": s.price_cents,
                                  "segments": s.segments.len()}}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(())
        })
    }

    /// Edits a service's words, price, buffer and rules (segments stay). `NotFound` for an
    /// unknown id.
    pub async fn update_service(
        &self,
        id: ServiceId,
        edit: &ServiceEdit,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let protocol = to_json(&edit.protocol)?;
        tx!(self, |tx| {
            let before: Option<(String, i64, i32)> = sqlx::query_as(
                "SELECT name, price_cents, buffer_after_minutes FROM services WHERE id = $1",
            )
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await?;
            let Some((name, price, buffer)) = before else {
                return Err(StoreError::NotFound);
            };
            sqlx::query(
                "UPDATE services SET name = $2, summary = $3, description = $4, price_cents = $5, \
                 buffer_after_minutes = $6, consultation_required = $7, protocol_json = $8, \
                 downtime_days = $9 WHERE id = $1",
            )
            .bind(id.get())
            .bind(&edit.name)
            .bind(&edit.summary)
            .bind(&edit.description)
            .bind(edit.price_cents)
            .bind(i64::from(edit.buffer_after_minutes))
            .bind(edit.consultation_required)
            .bind(&protocol)
            .bind(i64::from(edit.protocol.downtime_days()))
            .execute(&mut *tx)
            .await?;
            let e = actor.entry(
                "service.update",
                "service",
                &id.to_string(),
                &json!({
                    "before": {"name": name, "price_cents": price, "buffer_after_minutes": buffer},
                    "after": {"name": edit.name, "price_cents": edit.price_cents,
                              "buffer_after_minutes": edit.buffer_after_minutes},
                }),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(())
        })
    }

    /// Archives a service unless a future visit is booked for it (`Ok(Err(StillBooked))`,
    /// nothing changes). `NotFound` for an unknown id.
    pub async fn archive_service(
        &self,
        id: ServiceId,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<Result<(), StillBooked>, StoreError> {
        tx!(self, |tx| {
            let found: Option<(bool,)> =
                sqlx::query_as("SELECT active FROM services WHERE id = $1")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((active,)) = found else {
                return Err(StoreError::NotFound);
            };
            let blocking: Vec<Blocking> = sqlx::query_as(
                "SELECT reference, starts_at_ms FROM appointments WHERE service_id = $1 \
                 AND status = 'confirmed' AND ends_at_ms > $2 ORDER BY starts_at_ms",
            )
            .bind(id.get())
            .bind(now_ms)
            .fetch_all(&mut *tx)
            .await?;
            if !active {
                Ok(Ok(()))
            } else if blocking.is_empty() {
                sqlx::query("UPDATE services SET active = $2 WHERE id = $1")
                    .bind(id.get())
                    .bind(false)
                    .execute(&mut *tx)
                    .await?;
                let e = actor.entry(
                    "service.archive",
                    "service",
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
