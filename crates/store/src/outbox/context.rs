//! What one outbox message needs to render, read at send time: the client's first name and
//! address, the service, the start and end in the location's zone, the location, the clinic,
//! and the manage link (reference + the raw manage token, unsealed from
//! `appointments.token_sealed`, sealed with AAD `appointments.token:<appointment uuid>`).
//!
//! Must not: read screening answers, intake or notes (the query names no sealed health
//! column), expose the full name, or show any of this in `Debug` output.

use super::{ClaimedMessage, MailKind, MailPayload};
use crate::{Store, StoreError, read};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use medspa_core::AppointmentId;
use medspa_core::clinic::Address;
use std::fmt;
use std::fmt::Write as _;
use uuid::Uuid;

/// The clinic as an email shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClinicMail {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// The appointment as an email shows it. Personal data: redacted `Debug`.
#[derive(Clone, PartialEq)]
pub struct AppointmentMail {
    pub id: AppointmentId,
    /// Short, human-readable booking reference.
    pub reference: String,
    /// `confirmed`, `cancelled`, `completed` or `no_show`.
    pub status: String,
    /// The first word of the client's name: the only part of it an email carries.
    pub first_name: String,
    pub service_name: String,
    /// Start and end in the location's zone.
    pub starts_at: Zoned,
    pub ends_at: Zoned,
    pub location_name: String,
    /// One line: "12 Elm St, Springfield, IL 60000" (empty when the location has none).
    pub location_address: String,
    pub location_phone: String,
    /// `{base}/bookings/{reference}?token={token}`; `None` when no sealed token is stored (an
    /// imported or demo appointment).
    pub manage_url: Option<String>,
}

impl fmt::Debug for AppointmentMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppointmentMail")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("starts_at", &self.starts_at)
            .finish_non_exhaustive()
    }
}

/// Everything one message renders from. Personal data: redacted `Debug`.
#[derive(Clone, PartialEq)]
pub struct MailContext {
    /// The outbox id (also the email's `Message-ID`).
    pub message_id: Uuid,
    pub kind: MailKind,
    pub recipient: String,
    pub payload: MailPayload,
    pub clinic: ClinicMail,
    /// `None` for a notice that concerns no appointment.
    pub appointment: Option<AppointmentMail>,
    /// The iCalendar `SEQUENCE` for this message: reschedules and cancellations written for
    /// the appointment up to and including this one.
    pub sequence: u32,
}

impl fmt::Debug for MailContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailContext")
            .field("message_id", &self.message_id)
            .field("kind", &self.kind)
            .field("appointment", &self.appointment)
            .field("sequence", &self.sequence)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    reference: String,
    status: String,
    starts_at_ms: i64,
    ends_at_ms: i64,
    token_sealed: Option<Vec<u8>>,
    client_name: String,
    service_name: String,
    location_name: String,
    timezone: String,
    street: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
    location_phone: String,
}

/// Screening, intake and notes columns are deliberately not selected.
const APPOINTMENT_SQL: &str = "SELECT a.reference, a.status, a.starts_at_ms, a.ends_at_ms, \
     a.token_sealed, c.name AS client_name, s.name AS service_name, \
     l.name AS location_name, l.timezone, l.street, l.city, l.region, l.postal_code, l.country, \
     l.phone AS location_phone \
     FROM appointments a JOIN clients c ON c.id = a.client_id \
     JOIN services s ON s.id = a.service_id JOIN locations l ON l.id = a.location_id \
     WHERE a.id = $1";

const CLINIC_SQL: &str = "SELECT key, value FROM settings \
     WHERE key IN ('clinic.name', 'clinic.phone', 'clinic.email')";

/// Reschedules and cancellations written for an appointment up to `($2, $3)` in
/// (created_at_ms, id) order.
const SEQUENCE_SQL: &str = "SELECT COUNT(*) FROM outbox WHERE appointment_id = $1 \
     AND kind IN ('reschedule', 'cancellation') \
     AND (created_at_ms < $2 OR (created_at_ms = $2 AND id <= $3))";

impl Store {
    /// What `message` needs to render; manage links are built on `base_url` (e.g.
    /// `https://spa.example`). `NotFound` when its appointment no longer exists.
    pub async fn mail_context(
        &self,
        message: &ClaimedMessage,
        base_url: &str,
    ) -> Result<MailContext, StoreError> {
        let settings: Vec<(String, String)> = read!(self, |pool| sqlx::query_as(CLINIC_SQL)
            .fetch_all(pool)
            .await)?;
        let mut clinic = ClinicMail::default();
        for (k, v) in settings {
            match k.as_str() {
                "clinic.name" => clinic.name = v,
                "clinic.phone" => clinic.phone = v,
                "clinic.email" => clinic.email = v,
                _ => {}
            }
        }
        let (appointment, sequence) = match message.appointment_id {
            None => (None, 0),
            Some(id) => {
                let appointment = self.appointment_mail(id, base_url).await?;
                let (n,): (i64,) = read!(self, |pool| sqlx::query_as(SEQUENCE_SQL)
                    .bind(id.get())
                    .bind(message.created_at_ms)
                    .bind(message.id)
                    .fetch_one(pool)
                    .await)?;
                (Some(appointment), u32::try_from(n).unwrap_or(u32::MAX))
            }
        };
        let mut payload = message.payload.clone();
        if let Some(sealed) = payload.sealed_link.take() {
            use base64::Engine as _;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(sealed)
                .map_err(|_| StoreError::Corrupt("outbox.payload.sealed_link".into()))?;
            let link = self
                .sealer
                .open(super::link_aad(message.id).as_bytes(), &raw)?;
            let link = String::from_utf8(link)
                .map_err(|_| StoreError::Corrupt("outbox.payload.sealed_link".into()))?;
            if let Some(n) = payload.notice.as_mut() {
                n.body = n.body.replace("{link}", &link);
            }
        }
        Ok(MailContext {
            message_id: message.id,
            kind: message.kind,
            recipient: message.recipient.clone(),
            payload,
            clinic,
            appointment,
            sequence,
        })
    }

    /// The iCalendar `SEQUENCE` of an appointment now: how many reschedules and cancellations
    /// it has had (for `GET /api/v1/bookings/{ref}/calendar.ics`).
    pub async fn calendar_sequence(&self, id: AppointmentId) -> Result<u32, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM outbox WHERE appointment_id = $1 \
             AND kind IN ('reschedule', 'cancellation')";
        let (n,): (i64,) = read!(self, |pool| sqlx::query_as(SQL)
            .bind(id.get())
            .fetch_one(pool)
            .await)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The appointment as an email shows it.
    pub async fn appointment_mail(
        &self,
        id: AppointmentId,
        base_url: &str,
    ) -> Result<AppointmentMail, StoreError> {
        let row: Row = read!(self, |pool| sqlx::query_as(APPOINTMENT_SQL)
            .bind(id.get())
            .fetch_one(pool)
            .await)?;
        let tz = TimeZone::get(&row.timezone)
            .map_err(|_| StoreError::Corrupt("locations.timezone".into()))?;
        let at = |ms: i64| {
            Timestamp::from_millisecond(ms)
                .map(|t| t.to_zoned(tz.clone()))
                .map_err(|_| StoreError::Corrupt("appointments.starts_at_ms".into()))
        };
        let manage_url = match &row.token_sealed {
            None => None,
            Some(sealed) => {
                let aad = format!("appointments.token:{}", id.get());
                let raw = self.sealer.open(aad.as_bytes(), sealed)?;
                let token = String::from_utf8(raw)
                    .map_err(|_| StoreError::Corrupt("appointments.token_sealed".into()))?;
                Some(manage_url(base_url, &row.reference, &token))
            }
        };
        let address = Address {
            street: row.street,
            city: row.city,
            region: row.region,
            postal_code: row.postal_code,
            country: row.country,
        };
        Ok(AppointmentMail {
            id,
            reference: row.reference,
            status: row.status,
            first_name: first_name(&row.client_name).to_owned(),
            service_name: row.service_name,
            starts_at: at(row.starts_at_ms)?,
            ends_at: at(row.ends_at_ms)?,
            location_name: row.location_name,
            location_address: if address.street.is_empty() {
                String::new()
            } else {
                address.one_line()
            },
            location_phone: row.location_phone,
            manage_url,
        })
    }
}

/// The first word of a name (as `PersonName::first_name`).
fn first_name(full: &str) -> &str {
    full.split_whitespace().next().unwrap_or_default()
}

/// `{base}/bookings/{reference}?token={token}`, both parts percent-encoded.
pub fn manage_url(base_url: &str, reference: &str, token: &str) -> String {
    format!(
        "{}/bookings/{}?token={}",
        base_url.trim_end_matches('/'),
        percent_encode(reference),
        percent_encode(token)
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manage_urls_are_encoded() {
        assert_eq!(
            manage_url("https://spa.example/", "AB12CD", "tok_-.~"),
            "https://spa.example/bookings/AB12CD?token=tok_-.~"
        );
        assert_eq!(
            manage_url("https://spa.example", "A B", "a+b/c="),
            "https://spa.example/bookings/A%20B?token=a%2Bb%2Fc%3D"
        );
        assert_eq!(first_name("  Ana  María Ruiz "), "Ana");
    }
}
