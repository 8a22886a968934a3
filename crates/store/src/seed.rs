//! Bulk writes for a new clinic's history: the demo clinic's clients and appointments (and
//! imports later). One transaction, so a half-written demo never appears.

use crate::{Store, StoreError, tx};
use medspa_core::time::Interval;
use medspa_core::{
    AppointmentId, ClientId, DeviceId, LocationId, ResourceId, RoomId, ServiceId, StaffId,
};

/// A client to create.
#[derive(Clone, Debug)]
pub struct SeedClient {
    pub id: ClientId,
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// An appointment to create with the exact holds it takes.
#[derive(Clone, Debug)]
pub struct SeedAppointment {
    pub id: AppointmentId,
    pub reference: String,
    pub token_hash: Vec<u8>,
    pub client_id: ClientId,
    pub service_id: ServiceId,
    pub location_id: LocationId,
    pub staff_id: Option<StaffId>,
    pub room_id: Option<RoomId>,
    pub device_id: Option<DeviceId>,
    pub start_ms: i64,
    pub end_ms: i64,
    /// `confirmed`, `completed`, `no_show` or `cancelled` (cancelled ones hold nothing).
    pub status: &'static str,
    pub holds: Vec<(ResourceId, Interval)>,
}

impl Store {
    /// Inserts clients and appointments with their holds in one transaction. The overlap guard
    /// applies as for any booking, so a generator bug cannot seed a double booking.
    pub async fn insert_history(
        &self,
        clients: &[SeedClient],
        appointments: &[SeedAppointment],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        tx!(self, |tx| {
            for c in clients {
                sqlx::query(
                    "INSERT INTO clients (id, name, email, email_norm, phone, created_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(c.id.get())
                .bind(&c.name)
                .bind(&c.email)
                .bind(c.email.to_lowercase())
                .bind(&c.phone)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            }
            for a in appointments {
                sqlx::query(
                    "INSERT INTO appointments (id, reference, token_hash, client_id, service_id, \
                     location_id, staff_id, room_id, device_id, starts_at_ms, ends_at_ms, status, \
                     source, created_at_ms, updated_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'demo', $13, $13)",
                )
                .bind(a.id.get())
                .bind(&a.reference)
                .bind(&a.token_hash)
                .bind(a.client_id.get())
                .bind(a.service_id.get())
                .bind(a.location_id.get())
                .bind(a.staff_id.map(StaffId::get))
                .bind(a.room_id.map(RoomId::get))
                .bind(a.device_id.map(DeviceId::get))
                .bind(a.start_ms)
                .bind(a.end_ms)
                .bind(a.status)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                let active = a.status != "cancelled";
                for (resource, iv) in &a.holds {
                    sqlx::query(
                        "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(a.id.get())
                    .bind(resource.0)
                    .bind(iv.start)
                    .bind(iv.end)
                    .bind(active)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let entry = crate::audit::Entry::system(
                "history.import",
                "clinic",
                &format!("{} appointments", appointments.len()),
            );
            crate::audit::insert_audit!(&mut *tx, &entry, now_ms)?;
            Ok::<(), StoreError>(())
        })
    }

    /// Counts appointments (all statuses).
    pub async fn count_appointments(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = crate::read!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM appointments")
                .fetch_one(pool)
                .await
        })?;
        Ok(n)
    }
}
