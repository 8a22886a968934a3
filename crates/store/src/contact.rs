//! Messages from the public contact form.
//!
//! Name, email and phone are personal data kept in plain columns (the back office lists them);
//! the message text may mention health, so it is sealed with the field key, bound to the row
//! id. Nothing here logs any of it. The clinic is told only that "a new message is waiting in
//! the back office": the message never leaves the database by email.

use crate::{Store, StoreError, read, tx};
use medspa_core::input::{Email, PersonName, Phone};
use std::fmt;
use uuid::Uuid;

/// A validated message from the contact form.
#[derive(Clone)]
pub struct NewContactMessage {
    pub name: PersonName,
    pub email: Email,
    pub phone: Option<Phone>,
    /// 1..=5,000 characters, checked by the caller.
    pub message: String,
}

impl fmt::Debug for NewContactMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewContactMessage(***)")
    }
}

/// A stored message, opened.
#[derive(Clone)]
pub struct ContactMessage {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub message: String,
    pub received_at_ms: i64,
    pub read_at_ms: Option<i64>,
}

impl fmt::Debug for ContactMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContactMessage")
            .field("id", &self.id)
            .field("received_at_ms", &self.received_at_ms)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    email: String,
    phone: Option<String>,
    message_sealed: Vec<u8>,
    received_at_ms: i64,
    read_at_ms: Option<i64>,
}

fn aad(id: Uuid) -> Vec<u8> {
    format!("contact_messages.message:{id}").into_bytes()
}

impl Store {
    /// Stores a contact message and returns its id.
    #[tracing::instrument(skip_all)]
    pub async fn add_contact_message(
        &self,
        msg: &NewContactMessage,
        now_ms: i64,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let sealed = self.sealer.seal(&aad(id), msg.message.as_bytes());
        tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO contact_messages (id, name, email, phone, message_sealed, \
                 received_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(msg.name.as_str())
            .bind(msg.email.as_str())
            .bind(msg.phone.as_ref().map(Phone::as_str))
            .bind(&sealed)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            // Tell the clinic, in the same transaction: only that a message is waiting,
            // never the message, the name or the contact details.
            let clinic: Option<(String,)> =
                sqlx::query_as("SELECT value FROM settings WHERE key = 'clinic.email'")
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((to,)) = clinic.filter(|(to,)| to.contains('@')) {
                let notice = crate::outbox::OutboxMessage::notice(
                    &to,
                    "New message from your website",
                    "A new message from the contact form is waiting in the back office.",
                    &format!("contact/{id}"),
                    medspa_core::time::from_millis(now_ms),
                );
                crate::outbox::insert_outbox!(&mut *tx, &notice)?;
            }
            Ok::<_, StoreError>(())
        })?;
        tracing::info!(contact_message_id = %id, "contact message stored");
        Ok(id)
    }

    /// The newest messages first, opened (for the back office).
    pub async fn contact_messages(&self, limit: u32) -> Result<Vec<ContactMessage>, StoreError> {
        let rows: Vec<Row> = read!(self, |pool| sqlx::query_as(
            "SELECT id, name, email, phone, message_sealed, received_at_ms, read_at_ms \
             FROM contact_messages ORDER BY received_at_ms DESC LIMIT $1"
        )
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter()
            .map(|r| {
                let plain = self.sealer.open(&aad(r.id), &r.message_sealed)?;
                Ok(ContactMessage {
                    id: r.id,
                    name: r.name,
                    email: r.email,
                    phone: r.phone,
                    message: String::from_utf8(plain)
                        .map_err(|_| StoreError::Corrupt("contact_messages.message".into()))?,
                    received_at_ms: r.received_at_ms,
                    read_at_ms: r.read_at_ms,
                })
            })
            .collect()
    }

    /// How many contact messages are stored.
    pub async fn count_contact_messages(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) = read!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM contact_messages"
        )
        .fetch_one(pool)
        .await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
