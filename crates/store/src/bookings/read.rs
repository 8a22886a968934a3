//! Reading bookings: by reference + token (constant-time check), by id, by series, by time;
//! hold snapshots for the availability engine.

use super::{
    APPOINTMENT_SELECT, Appointment, AppointmentId, AppointmentRow, ConstantTimeEq, Digest,
    HoldIndex, Interval, LocationId, MAX_HOLD_MS, ResourceId, Sha256, Store, StoreError, Uuid,
    hold_index, screening_aad,
};

impl Store {
    /// Active holds of a location's resources overlapping `[from_ms, to_ms)`, for the
    /// availability engine.
    pub async fn holds_between(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<HoldIndex, StoreError> {
        let rows: Vec<(Uuid, i64, i64, Uuid)> = crate::read!(self, |pool| {
            sqlx::query_as(self.holds_near_sql())
                .bind(location.get())
                .bind(to_ms)
                .bind(from_ms)
                .bind(from_ms - MAX_HOLD_MS)
                .fetch_all(pool)
                .await
        })?;
        Ok(hold_index(rows))
    }

    /// An appointment by reference, only when `token` matches its manage token. A wrong
    /// reference and a wrong token are indistinguishable (`NotFound`), and the token check
    /// runs in constant time.
    pub async fn appointment_with_token(
        &self,
        reference: &str,
        token: &str,
    ) -> Result<Appointment, StoreError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.reference = $1");
        let reference = reference.trim().to_uppercase();
        // Only a string that could be a reference reaches the database (PostgreSQL refuses a
        // NUL byte in text with an error, not a miss).
        let row: Option<AppointmentRow> = if plausible_reference(&reference) {
            crate::read!(self, |pool| {
                sqlx::query_as(&sql)
                    .bind(&reference)
                    .fetch_optional(pool)
                    .await
            })?
        } else {
            None
        };
        let presented = Sha256::digest(token.as_bytes());
        // Compare against a dummy hash when the reference is unknown, so both paths do the
        // same work.
        let (appointment, stored) = match row {
            Some(r) => {
                let (a, h) = r.into_appointment()?;
                (Some(a), h)
            }
            None => (None, vec![0u8; 32]),
        };
        let ok: bool = stored.ct_eq(presented.as_slice()).into();
        match appointment {
            Some(a) if ok => Ok(a),
            _ => Err(StoreError::NotFound),
        }
    }

    /// An appointment by id (staff views and workers).
    pub async fn appointment(&self, id: AppointmentId) -> Result<Appointment, StoreError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.id = $1");
        let row: AppointmentRow = crate::read!(self, |pool| sqlx::query_as(&sql)
            .bind(id.get())
            .fetch_one(pool)
            .await)?;
        Ok(row.into_appointment()?.0)
    }

    /// The screening answers of an appointment as JSON (decrypted; health data).
    pub fn screening_json(&self, a: &Appointment) -> Result<Option<String>, StoreError> {
        a.screening_sealed
            .as_ref()
            .map(|s| {
                self.sealer
                    .open(&screening_aad(a.id.get()), s)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .transpose()
    }

    /// The appointments of a series (the first one's id), in order.
    pub async fn series_appointments(
        &self,
        first: AppointmentId,
    ) -> Result<Vec<Appointment>, StoreError> {
        let sql = format!(
            "{APPOINTMENT_SELECT} WHERE a.id = $1 OR a.series_id = $1 ORDER BY a.starts_at_ms"
        );
        let rows: Vec<AppointmentRow> = crate::read!(self, |pool| sqlx::query_as(&sql)
            .bind(first.get())
            .fetch_all(pool)
            .await)?;
        rows.into_iter()
            .map(|r| r.into_appointment().map(|x| x.0))
            .collect()
    }

    /// The active holds of an appointment.
    pub async fn holds_of(
        &self,
        id: AppointmentId,
    ) -> Result<Vec<(ResourceId, Interval)>, StoreError> {
        let rows: Vec<(Uuid, i64, i64)> = crate::read!(self, |pool| {
            sqlx::query_as(
                "SELECT resource_id, starts_at_ms, ends_at_ms FROM holds WHERE appointment_id = $1 AND active = $2",
            )
            .bind(id.get())
            .bind(true)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(r, s, e)| (ResourceId(r), Interval::new(s, e)))
            .collect())
    }

    /// Appointments (any status) at a location starting in `[from_ms, to_ms)`, by start.
    pub async fn appointments_between(
        &self,
        location: LocationId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Appointment>, StoreError> {
        let sql = format!(
            "{APPOINTMENT_SELECT} WHERE a.location_id = $1 AND a.starts_at_ms >= $2 AND a.starts_at_ms < $3 \
             ORDER BY a.starts_at_ms"
        );
        let rows: Vec<AppointmentRow> = crate::read!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(location.get())
                .bind(from_ms)
                .bind(to_ms)
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter()
            .map(|r| r.into_appointment().map(|x| x.0))
            .collect()
    }
}

/// Whether `s` has the shape of a booking reference: 1 to 32 ASCII letters, digits or dashes.
fn plausible_reference(s: &str) -> bool {
    (1..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
