//! Clients: bulk import from another system (the `medspa import clients` command). Contact
//! details are personal data: never logged; the audit entry records counts only.

use crate::audit::{Entry, insert_audit};
use crate::{Store, StoreError, tx};
use medspa_core::input::{Email, PersonName, Phone};
use uuid::Uuid;

/// One validated client to import.
#[derive(Clone, Debug)]
pub struct ImportClient {
    pub name: PersonName,
    pub email: Email,
    pub phone: Option<Phone>,
}

/// What one import batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportedClients {
    /// New clients written.
    pub inserted: usize,
    /// Rows whose email already belonged to a client (kept as they were).
    pub existing: usize,
}

impl Store {
    /// Imports a batch of clients in one transaction: a client whose email (case-insensitive)
    /// is already known is left unchanged and counted as existing.
    pub async fn import_clients(
        &self,
        batch: &[ImportClient],
        now_ms: i64,
    ) -> Result<ImportedClients, StoreError> {
        tx!(self, |tx| {
            let mut done = ImportedClients::default();
            for c in batch {
                let norm = c.email.as_str().to_lowercase();
                let known: Option<(Uuid,)> =
                    sqlx::query_as("SELECT id FROM clients WHERE email_norm = $1 LIMIT 1")
                        .bind(&norm)
                        .fetch_optional(&mut *tx)
                        .await?;
                if known.is_some() {
                    done.existing += 1;
                    continue;
                }
                sqlx::query(
                    "INSERT INTO clients (id, name, email, email_norm, phone, created_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(Uuid::now_v7())
                .bind(c.name.as_str())
                .bind(c.email.as_str())
                .bind(&norm)
                .bind(c.phone.as_ref().map_or("", Phone::as_str))
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                done.inserted += 1;
            }
            let mut entry = Entry::system("clients.import", "client", "batch");
            entry.detail = format!(
                r#"{{"inserted":{},"existing":{}}}"#,
                done.inserted, done.existing
            );
            insert_audit!(&mut *tx, &entry, now_ms)?;
            Ok::<_, StoreError>(done)
        })
    }

    /// Counts clients.
    pub async fn count_clients(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) =
            crate::read!(self, |pool| sqlx::query_as("SELECT COUNT(*) FROM clients")
                .fetch_one(pool)
                .await)?;
        Ok(n)
    }
}
