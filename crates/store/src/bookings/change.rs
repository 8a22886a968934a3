//! Changing a booking: cancel (frees every hold at once) and reschedule (the old holds are
//! released and the new ones taken in one transaction).

use super::{
    APPOINTMENT_SELECT, Appointment, AppointmentId, AppointmentRow, Backend, BookError, Clinic,
    DeviceId, Entry, HOLD_WINDOW_MS, MAX_HOLD_MS, Policy, Query, RoomId, StaffId, Status, Store,
    StoreError, Uuid, availability, booking_mail, hold_index, insert_audit, parse_answers,
};

impl Store {
    /// Cancels an appointment: frees every hold at once, cancels its pending reminders, queues
    /// the cancellation email and writes an audit entry. Refused inside the cut-off.
    /// Cancelling a cancelled appointment changes nothing and returns it.
    pub async fn cancel(
        &self,
        id: AppointmentId,
        cutoff_ms: i64,
        now_ms: i64,
        actor: &str,
    ) -> Result<Appointment, BookError> {
        let (this, actor) = (self.clone(), actor.to_owned());
        super::detached(async move { this.cancel_attached(id, cutoff_ms, now_ms, &actor).await })
            .await
    }

    async fn cancel_attached(
        &self,
        id: AppointmentId,
        cutoff_ms: i64,
        now_ms: i64,
        actor: &str,
    ) -> Result<Appointment, BookError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.id = $1");
        book_tx!(self, |tx| {
            let row: AppointmentRow = sqlx::query_as(&sql)
                .bind(id.get())
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            let (mut a, _) = row.into_appointment()?;
            match a.status {
                Status::Cancelled => return Ok(a),
                Status::Completed | Status::NoShow => {
                    return Err(BookError::NotChangeable(a.status.as_str()));
                }
                Status::Confirmed => {}
            }
            if a.start_ms - now_ms < cutoff_ms {
                return Err(BookError::TooLate);
            }
            sqlx::query("UPDATE appointments SET status = 'cancelled', cancelled_at_ms = $1, updated_at_ms = $1 WHERE id = $2")
                .bind(now_ms)
                .bind(id.get())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            sqlx::query("UPDATE holds SET active = $1 WHERE appointment_id = $2")
                .bind(false)
                .bind(id.get())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            a.status = Status::Cancelled;
            crate::outbox::cancel_pending_for!(&mut *tx, a.id).map_err(StoreError::from)?;
            let notice = crate::outbox::plan_cancel_messages(
                a.id,
                &a.client_email,
                medspa_core::time::from_millis(a.start_ms),
                medspa_core::time::from_millis(now_ms),
            );
            for msg in &notice {
                crate::outbox::insert_outbox!(&mut *tx, msg).map_err(StoreError::from)?;
            }
            let mut entry = Entry::system("appointment.cancel", "appointment", &id.to_string());
            entry.actor = actor.to_owned();
            entry.detail = serde_json::json!({"reference": a.reference}).to_string();
            insert_audit!(&mut *tx, &entry, now_ms).map_err(StoreError::from)?;
            Ok(a)
        })
    }

    /// Moves an appointment to `new_start` atomically: its old holds are released and the new
    /// ones taken in one transaction, so the old slot is freed only if the new one is held.
    /// Refused inside the cut-off (measured from the current start).
    #[expect(
        clippy::too_many_arguments,
        reason = "one use case, its inputs named at the call site"
    )]
    pub async fn reschedule(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        id: AppointmentId,
        new_start: i64,
        staff: Option<StaffId>,
        cutoff_ms: i64,
        now_ms: i64,
        actor: &str,
    ) -> Result<Appointment, BookError> {
        let (this, clinic, policy, actor) =
            (self.clone(), clinic.clone(), *policy, actor.to_owned());
        super::detached(async move {
            this.reschedule_attached(
                &clinic, &policy, id, new_start, staff, cutoff_ms, now_ms, &actor,
            )
            .await
        })
        .await
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one use case, its inputs named at the call site"
    )]
    async fn reschedule_attached(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        id: AppointmentId,
        new_start: i64,
        staff: Option<StaffId>,
        cutoff_ms: i64,
        now_ms: i64,
        actor: &str,
    ) -> Result<Appointment, BookError> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.id = $1");
        let holds_near = self.holds_near_sql();
        book_tx!(self, |tx| {
            let row: AppointmentRow = sqlx::query_as(&sql)
                .bind(id.get())
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            let (mut a, _) = row.into_appointment()?;
            if a.status != Status::Confirmed {
                return Err(BookError::NotChangeable(a.status.as_str()));
            }
            if a.start_ms - now_ms < cutoff_ms {
                return Err(BookError::TooLate);
            }
            let service = clinic
                .service_by_id(a.service)
                .ok_or(StoreError::NotFound)?;
            let location = clinic.location(a.location).ok_or(StoreError::NotFound)?;
            let email_norm = a.client_email.to_lowercase();
            check_spacing!(
                self,
                tx,
                clinic,
                service,
                location,
                &email_norm,
                new_start,
                a.id.get()
            );
            let rows: Vec<(Uuid, i64, i64, Uuid)> = sqlx::query_as(holds_near)
                .bind(location.id.get())
                .bind(new_start + HOLD_WINDOW_MS)
                .bind(new_start - HOLD_WINDOW_MS)
                .bind(new_start - HOLD_WINDOW_MS - MAX_HOLD_MS)
                .fetch_all(&mut *tx)
                .await?;
            let holds = hold_index(rows);
            let date = medspa_core::time::local_date(new_start, location.zone.tz());
            let query = Query {
                clinic,
                service,
                location,
                from: date,
                to: date,
                staff,
                now_ms,
                policy,
                exclude: Some(a.id),
            };
            let plan =
                availability::plan_at(&query, new_start, &holds).map_err(BookError::Unavailable)?;
            sqlx::query("UPDATE holds SET active = $1 WHERE appointment_id = $2 AND active = $3")
                .bind(false)
                .bind(id.get())
                .bind(true)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            for (resource, iv) in &plan.holds {
                sqlx::query(
                    "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id.get())
                .bind(resource.0)
                .bind(iv.start)
                .bind(iv.end)
                .bind(true)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "UPDATE appointments SET starts_at_ms = $1, ends_at_ms = $2, staff_id = $3, room_id = $4, \
                 device_id = $5, updated_at_ms = $6 WHERE id = $7",
            )
            .bind(plan.start)
            .bind(plan.end)
            .bind(plan.staff.map(StaffId::get))
            .bind(plan.room.map(RoomId::get))
            .bind(plan.device.map(DeviceId::get))
            .bind(now_ms)
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            let old_start = a.start_ms;
            a.start_ms = plan.start;
            a.end_ms = plan.end;
            a.staff = plan.staff;
            a.room = plan.room;
            a.device = plan.device;
            crate::outbox::cancel_pending_for!(&mut *tx, a.id).map_err(StoreError::from)?;
            let json = self.screening_json(&a)?;
            let answers = parse_answers(service, json.as_deref());
            for msg in booking_mail(
                self,
                service,
                location,
                a.id,
                &a.client_email,
                plan.start,
                answers.as_ref(),
                now_ms,
                Some(old_start),
            ) {
                crate::outbox::insert_outbox!(&mut *tx, &msg).map_err(StoreError::from)?;
            }
            let mut entry = Entry::system("appointment.reschedule", "appointment", &id.to_string());
            entry.actor = actor.to_owned();
            entry.detail = serde_json::json!({"reference": a.reference, "from_ms": old_start, "to_ms": plan.start}).to_string();
            insert_audit!(&mut *tx, &entry, now_ms).map_err(StoreError::from)?;
            Ok(a)
        })
    }
}
