//! Creating a booking: one transaction (or one savepoint of a shared SQLite batch) that
//! re-plans against the holds in the database and writes the appointment, its holds, its emails,
//! an audit entry and the idempotency record.

use super::{
    Appointment, AppointmentId, Backend, BookError, BookOutcome, Booked, ClientId, Clinic,
    DeviceId, Entry, HOLD_WINDOW_MS, IdempotencyKey, MAX_HOLD_MS, NewBooking, Policy, Query,
    RoomId, StaffId, Status, Store, StoreError, Uuid, availability, booking_mail, hold_index,
    idempotency_aad, insert_audit, new_reference, new_token, notes_aad, parse_answers,
    screening_aad, token_aad,
};
use super::{Render, detached};

impl Store {
    /// Books a slot: re-checks availability against the holds in the database, writes the
    /// client (found by email, else created), the appointment, its holds, its emails
    /// (confirmation, reminders, care steps), an audit entry and the idempotency record, all
    /// in one transaction.
    ///
    /// `render` turns the new booking into the response body stored for idempotent replays.
    ///
    /// Runs to completion even if the caller stops waiting (a client that disconnects, a
    /// request past its time limit): see [`detached`].
    pub async fn book(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        booking: &NewBooking,
        idem: Option<&IdempotencyKey>,
        now_ms: i64,
        render: Render,
    ) -> Result<BookOutcome, BookError> {
        let (this, clinic, policy, booking, idem) = (
            self.clone(),
            clinic.clone(),
            *policy,
            booking.clone(),
            idem.cloned(),
        );
        detached(async move {
            this.book_attached(&clinic, &policy, &booking, idem.as_ref(), now_ms, &*render)
                .await
        })
        .await
    }

    async fn book_attached(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        booking: &NewBooking,
        idem: Option<&IdempotencyKey>,
        now_ms: i64,
        render: &(dyn Fn(&Booked) -> String + Send + Sync),
    ) -> Result<BookOutcome, BookError> {
        // A reference collision is astronomically rare; retry once with a fresh one. A
        // transaction PostgreSQL aborted for a concurrent one (two bookings contending for
        // the same holds can deadlock on the exclusion constraint) runs again: it then sees
        // the other booking and is refused (409) or succeeds.
        for attempt in 0..4 {
            match self
                .try_book(clinic, policy, booking, idem, now_ms, render)
                .await
            {
                Err(BookError::Store(StoreError::Conflict("appointments_reference_key")))
                    if attempt < 2 => {}
                Err(BookError::Store(e)) if e.is_transient() && attempt < 3 => {
                    tracing::info!("booking retried after a deadlock with a concurrent booking");
                }
                Err(BookError::Store(StoreError::Conflict("idempotency_keys_pkey"))) => {
                    // A concurrent request with the same key committed first: replay it.
                    return self.replay(idem.expect("conflict implies a key")).await;
                }
                other => return other,
            }
        }
        Err(BookError::Store(StoreError::Conflict(
            "appointments_reference_key",
        )))
    }

    async fn replay(&self, idem: &IdempotencyKey) -> Result<BookOutcome, BookError> {
        let row: Option<(Vec<u8>, Option<Vec<u8>>)> = crate::read!(self, |pool| {
            sqlx::query_as(
                "SELECT request_hash, response_sealed FROM idempotency_keys WHERE key = $1",
            )
            .bind(&idem.key)
            .fetch_optional(pool)
            .await
        })
        .map_err(StoreError::from)?;
        match row {
            Some((hash, _)) if hash != idem.request_hash => Err(BookError::IdempotencyMismatch),
            Some((_, Some(sealed))) => {
                let body = self.sealer.open(&idempotency_aad(&idem.key), &sealed)?;
                Ok(BookOutcome::Replayed(
                    String::from_utf8_lossy(&body).into_owned(),
                ))
            }
            _ => Err(BookError::Store(StoreError::Conflict(
                "idempotency_keys_pkey",
            ))),
        }
    }

    #[expect(clippy::too_many_lines, reason = "one transaction, step by step")]
    async fn try_book(
        &self,
        clinic: &Clinic,
        policy: &Policy,
        booking: &NewBooking,
        idem: Option<&IdempotencyKey>,
        now_ms: i64,
        render: &(dyn Fn(&Booked) -> String + Send + Sync),
    ) -> Result<BookOutcome, BookError> {
        let service = clinic
            .service_by_id(booking.service)
            .ok_or(StoreError::NotFound)?;
        let location = clinic
            .location(booking.location)
            .ok_or(StoreError::NotFound)?;
        let date = medspa_core::time::local_date(booking.start_ms, location.zone.tz());
        let id = Uuid::now_v7();
        let (token, token_hash) = new_token();
        let reference = new_reference();
        let holds_near = self.holds_near_sql();
        book_tx!(self, |tx| {
            if let Some(k) = idem {
                let prior: Option<(Vec<u8>, Option<Vec<u8>>)> = sqlx::query_as(
                    "SELECT request_hash, response_sealed FROM idempotency_keys WHERE key = $1",
                )
                .bind(&k.key)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((hash, sealed)) = prior {
                    if hash != k.request_hash {
                        return Err(BookError::IdempotencyMismatch);
                    }
                    let sealed =
                        sealed.ok_or(StoreError::Corrupt("idempotency_keys.response".into()))?;
                    let body = self.sealer.open(&idempotency_aad(&k.key), &sealed)?;
                    return Ok(BookOutcome::Replayed(
                        String::from_utf8_lossy(&body).into_owned(),
                    ));
                }
                // Claim the key first: a concurrent twin blocks here until we commit, then
                // fails on the primary key and replays our response.
                sqlx::query("INSERT INTO idempotency_keys (key, request_hash, created_at_ms) VALUES ($1, $2, $3)")
                    .bind(&k.key)
                    .bind(k.request_hash.to_vec())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }

            let email_norm = booking.email.as_str().to_lowercase();
            check_spacing!(
                self,
                tx,
                clinic,
                service,
                location,
                &email_norm,
                booking.start_ms,
                id
            );

            let rows: Vec<(Uuid, i64, i64, Uuid)> = sqlx::query_as(holds_near)
                .bind(location.id.get())
                .bind(booking.start_ms + HOLD_WINDOW_MS)
                .bind(booking.start_ms - HOLD_WINDOW_MS)
                .bind(booking.start_ms - HOLD_WINDOW_MS - MAX_HOLD_MS)
                .fetch_all(&mut *tx)
                .await?;
            let holds = hold_index(rows);
            let query = Query {
                clinic,
                service,
                location,
                from: date,
                to: date,
                staff: booking.staff,
                now_ms,
                policy,
                exclude: None,
            };
            let plan = availability::plan_at(&query, booking.start_ms, &holds)
                .map_err(BookError::Unavailable)?;

            let existing: Option<(Uuid, String)> = sqlx::query_as(
                "SELECT id, name FROM clients WHERE email_norm = $1 ORDER BY created_at_ms LIMIT 1",
            )
            .bind(&email_norm)
            .fetch_optional(&mut *tx)
            .await?;
            let (client_id, client_name) = if let Some((cid, name)) = existing {
                (cid, name)
            } else {
                {
                    let cid = Uuid::now_v7();
                    sqlx::query(
                        "INSERT INTO clients (id, name, email, email_norm, phone, created_at_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(cid)
                    .bind(booking.name.as_str())
                    .bind(booking.email.as_str())
                    .bind(&email_norm)
                    .bind(booking.phone.as_str())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                    (cid, booking.name.as_str().to_owned())
                }
            };

            let screening = booking
                .screening_json
                .as_ref()
                .map(|s| self.sealer.seal(&screening_aad(id), s.as_bytes()));
            let notes = booking
                .notes
                .as_ref()
                .map(|s| self.sealer.seal(&notes_aad(id), s.as_bytes()));
            let (series_id, series_index) = booking
                .series
                .map_or((None, 1), |(first, n)| (Some(first.get()), i64::from(n)));
            sqlx::query(
                "INSERT INTO appointments (id, reference, token_hash, token_sealed, client_id, service_id, \
                 location_id, staff_id, room_id, device_id, starts_at_ms, ends_at_ms, status, \
                 screening_sealed, notes_sealed, series_id, series_index, source, consent_at_ms, \
                 created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'confirmed', $13, $14, $15, $16, \
                 'online', $17, $17, $17)",
            )
            .bind(id)
            .bind(&reference)
            .bind(&token_hash)
            .bind(self.sealer.seal(&token_aad(id), token.as_bytes()))
            .bind(client_id)
            .bind(service.id.get())
            .bind(location.id.get())
            .bind(plan.staff.map(StaffId::get))
            .bind(plan.room.map(RoomId::get))
            .bind(plan.device.map(DeviceId::get))
            .bind(plan.start)
            .bind(plan.end)
            .bind(screening)
            .bind(notes)
            .bind(series_id)
            .bind(series_index)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            for (resource, iv) in &plan.holds {
                sqlx::query(
                    "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(resource.0)
                .bind(iv.start)
                .bind(iv.end)
                .bind(true)
                .execute(&mut *tx)
                .await?;
            }

            let booked = Booked {
                appointment: Appointment {
                    id: AppointmentId::new(id),
                    reference: reference.clone(),
                    status: Status::Confirmed,
                    service: service.id,
                    location: location.id,
                    staff: plan.staff,
                    room: plan.room,
                    device: plan.device,
                    start_ms: plan.start,
                    end_ms: plan.end,
                    client: ClientId::new(client_id),
                    client_name,
                    client_email: booking.email.as_str().to_owned(),
                    series_id: booking.series.map(|s| s.0),
                    series_index: booking.series.map_or(1, |s| s.1),
                    created_at_ms: now_ms,
                    screening_sealed: None,
                },
                token: token.clone(),
                plan: plan.clone(),
            };
            let answers = parse_answers(service, booking.screening_json.as_deref());
            for msg in booking_mail(
                self,
                service,
                location,
                AppointmentId::new(id),
                booking.email.as_str(),
                plan.start,
                answers.as_ref(),
                now_ms,
                None,
            ) {
                crate::outbox::insert_outbox!(&mut *tx, &msg).map_err(StoreError::from)?;
            }
            let mut entry = Entry::system("appointment.create", "appointment", &id.to_string());
            entry.actor = "client".into();
            entry.detail = serde_json::json!({
                "reference": reference, "service": service.slug.as_str(), "start_ms": plan.start,
                "staff": plan.staff.map(|s| s.to_string()),
            })
            .to_string();
            insert_audit!(&mut *tx, &entry, now_ms).map_err(StoreError::from)?;
            if let Some(k) = idem {
                let body = render(&booked);
                sqlx::query("UPDATE idempotency_keys SET response_sealed = $1, appointment_id = $2 WHERE key = $3")
                    .bind(self.sealer.seal(&idempotency_aad(&k.key), body.as_bytes()))
                    .bind(id)
                    .bind(&k.key)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }
            Ok(BookOutcome::Created(Box::new(booked)))
        })
    }
}
