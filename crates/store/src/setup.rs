//! First run: the one-time setup token and creating the clinic with its first location and
//! owner in one transaction. The token is stored as its SHA-256 (hex) in `settings` under
//! [`TOKEN_KEY`], so every app instance sees the same one and using it deletes it.

use crate::audit::{Actor, insert_audit};
use crate::auth::{email_norm, token_hash};
use crate::{Store, StoreError, read, tx, write};
use medspa_core::setup::ClinicSetup;
use medspa_core::{LocationId, UserId};
use serde_json::json;
use uuid::Uuid;

/// The settings key holding the setup token's hash.
pub const TOKEN_KEY: &str = "setup.token_sha256";
/// `Rejected` reasons of [`Store::create_clinic`].
pub const CLINIC_EXISTS: &str = "clinic_exists";
pub const BAD_SETUP_TOKEN: &str = "setup_token";

impl Store {
    /// Whether a clinic exists yet (a location has been created).
    pub async fn has_clinic(&self) -> Result<bool, StoreError> {
        let (n,): (i64,) = read!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM locations"
        )
        .fetch_one(pool)
        .await)?;
        Ok(n > 0)
    }

    /// Stores the hash of a new setup token, replacing any earlier one.
    pub async fn set_setup_token(&self, raw: &str) -> Result<(), StoreError> {
        let hash = hex::encode(token_hash(raw));
        write!(self, |pool| sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        .bind(TOKEN_KEY)
        .bind(&hash)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Whether `raw` is the current setup token.
    pub async fn setup_token_matches(&self, raw: &str) -> Result<bool, StoreError> {
        let Some(stored) = self.setting(TOKEN_KEY).await? else {
            return Ok(false);
        };
        let given = hex::encode(token_hash(raw));
        Ok(subtle::ConstantTimeEq::ct_eq(stored.as_bytes(), given.as_bytes()).into())
    }

    /// Creates the clinic (settings, first location with its hours) and its first owner in one
    /// transaction, and deletes the setup token. With `token` (the setup page), the token must
    /// be the current one (`Rejected(BAD_SETUP_TOKEN)`); without (the `medspa setup` command,
    /// run by whoever holds the server) it is not asked for. `Rejected(CLINIC_EXISTS)` once a
    /// clinic exists; `Conflict("users_email_norm_key")` when the owner's email has an account.
    pub async fn create_clinic(
        &self,
        setup: &ClinicSetup,
        token: Option<&str>,
        password_hash: &str,
        actor: &Actor,
        now_ms: i64,
    ) -> Result<(LocationId, UserId), StoreError> {
        let location = LocationId::new(Uuid::now_v7());
        let owner = UserId::new(Uuid::now_v7());
        let token_hex = token.map(|t| hex::encode(token_hash(t)));
        let hours =
            serde_json::to_string(&setup.hours).map_err(|_| StoreError::Corrupt("hours".into()))?;
        let settings = [
            ("clinic.name", setup.info.name.as_str()),
            ("clinic.tagline", setup.info.tagline.as_str()),
            ("clinic.phone", setup.info.phone.as_str()),
            ("clinic.email", setup.info.email.as_str()),
            ("clinic.currency", setup.currency),
        ];
        tx!(self, |tx| {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM locations")
                .fetch_one(&mut *tx)
                .await?;
            if n > 0 {
                return Err(StoreError::Rejected(CLINIC_EXISTS.into()));
            }
            // The token dies here: a second setup racing this one finds nothing to delete.
            let deleted = if let Some(h) = &token_hex {
                sqlx::query("DELETE FROM settings WHERE key = $1 AND value = $2")
                    .bind(TOKEN_KEY)
                    .bind(h)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            } else {
                sqlx::query("DELETE FROM settings WHERE key = $1")
                    .bind(TOKEN_KEY)
                    .execute(&mut *tx)
                    .await?;
                1
            };
            if deleted != 1 {
                return Err(StoreError::Rejected(BAD_SETUP_TOKEN.into()));
            }
            for (k, v) in settings {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(k)
                .bind(v)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO locations (id, name, timezone, street, city, region, postal_code, \
                 country, phone, hours_json, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
            )
            .bind(location.get())
            .bind(&setup.location_name)
            .bind(setup.zone.name())
            .bind(&setup.address.street)
            .bind(&setup.address.city)
            .bind(&setup.address.region)
            .bind(&setup.address.postal_code)
            .bind(&setup.address.country)
            .bind(&setup.info.phone)
            .bind(&hours)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO users (id, email, email_norm, name, role, password_hash, \
                 created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, 'owner', $5, $6, $6)",
            )
            .bind(owner.get())
            .bind(setup.owner_email.as_str())
            .bind(email_norm(setup.owner_email.as_str()))
            .bind(setup.owner_name.as_str())
            .bind(password_hash)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            let e = actor.entry(
                "clinic.setup",
                "location",
                &location.to_string(),
                &json!({"after": {"timezone": setup.zone.name(), "currency": setup.currency}}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            let e = actor.as_user(owner).entry(
                "user.create",
                "user",
                &owner.to_string(),
                &json!({"after": {"role": "owner", "active": true}}),
            );
            insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>((location, owner))
        })
    }
}
