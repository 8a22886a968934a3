//! Back-office user accounts and password hashing (Argon2id, the crate's defaults).

use crate::{Store, StoreError, read, write};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use medspa_core::UserId;
use medspa_core::input::{Email, PersonName};
use uuid::Uuid;

pub use medspa_core::access::Role;

/// A new account.
#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub name: PersonName,
    pub role: Role,
    /// Argon2 PHC string from [`hash_password`].
    pub password_hash: String,
}

/// A stored account.
#[derive(Clone, Debug)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Argon2 PHC string; empty while an invitation is pending (nobody can sign in).
    pub password_hash: String,
}

impl User {
    /// Invited and not yet signed up (no password chosen).
    pub fn invited(&self) -> bool {
        self.password_hash.is_empty()
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    pub(crate) active: bool,
    password_hash: String,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: UserId::new(r.id),
            email: r.email,
            name: r.name,
            role: r
                .role
                .parse()
                .map_err(|_| StoreError::Corrupt("users.role".into()))?,
            active: r.active,
            password_hash: r.password_hash,
        })
    }
}

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any input")
        .to_string()
}

/// Checks a password against a stored hash in constant time.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

pub(crate) const USER_COLUMNS: &str = "id, email, name, role, active, password_hash";

impl Store {
    /// Creates a user; `Conflict("users_email_norm_key")` when the email is taken.
    pub async fn add_user(&self, user: &NewUser, now_ms: i64) -> Result<UserId, StoreError> {
        let id = Uuid::now_v7();
        write!(self, |pool| {
            sqlx::query(
                "INSERT INTO users (id, email, email_norm, name, role, password_hash, created_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(user.email.as_str())
            .bind(user.email.as_str().to_lowercase())
            .bind(user.name.as_str())
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(now_ms)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        self.audit(
            &crate::audit::Entry::system("user.create", "user", &id.to_string()),
            now_ms,
        )
        .await?;
        Ok(UserId::new(id))
    }

    /// A user by email (case-insensitive).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email_norm = $1");
        let row: Option<UserRow> = read!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(email.trim().to_lowercase())
                .fetch_optional(pool)
                .await
        })?;
        row.map(User::try_from).transpose()
    }

    /// A user by id.
    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = read!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(id.get())
                .fetch_optional(pool)
                .await
        })?;
        row.map(User::try_from).transpose()
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name");
        let rows: Vec<UserRow> = read!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        rows.into_iter().map(User::try_from).collect()
    }
}

/// Why a change to a user was refused.
pub const LAST_OWNER: &str = "last_owner";

impl Store {
    /// Invites a user: an account without a password, and an email with a link (3 days,
    /// once) to choose one. `Conflict("users_email_norm_key")` when the email has an account.
    pub async fn invite_user(
        &self,
        email: &Email,
        name: &PersonName,
        role: Role,
        mail: &crate::auth::LinkMail<'_>,
        actor: &crate::audit::Actor,
        now_ms: i64,
    ) -> Result<UserId, StoreError> {
        let id = UserId::new(Uuid::now_v7());
        let user = User {
            id,
            email: email.as_str().to_owned(),
            name: name.as_str().to_owned(),
            role,
            active: true,
            password_hash: String::new(),
        };
        let link = self.link_token(&user, crate::auth::TokenPurpose::Invite, mail, now_ms)?;
        crate::tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO users (id, email, email_norm, name, role, password_hash, created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, '', $6, $6)",
            )
            .bind(id.get())
            .bind(&user.email)
            .bind(crate::auth::email_norm(&user.email))
            .bind(&user.name)
            .bind(role.as_str())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            crate::auth::insert_link!(tx, &link)?;
            let e = actor.entry(
                "user.invite",
                "user",
                &id.to_string(),
                &serde_json::json!({"after": {"role": role.as_str(), "active": true}}),
            );
            crate::audit::insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Changes a user's role. `Rejected(LAST_OWNER)` when that would leave no active owner;
    /// `NotFound` for an unknown user.
    pub async fn change_role(
        &self,
        id: UserId,
        role: Role,
        actor: &crate::audit::Actor,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        crate::tx!(self, |tx| {
            let row: Option<(String, bool)> =
                sqlx::query_as("SELECT role, active FROM users WHERE id = $1")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((before, active)) = row else {
                return Err(StoreError::NotFound);
            };
            if before == role.as_str() {
                return Ok(());
            }
            if before == "owner" && active {
                let (owners,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM users WHERE role = 'owner' AND active = $1",
                )
                .bind(true)
                .fetch_one(&mut *tx)
                .await?;
                if owners <= 1 {
                    return Err(StoreError::Rejected(LAST_OWNER.into()));
                }
            }
            sqlx::query("UPDATE users SET role = $2, updated_at_ms = $3 WHERE id = $1")
                .bind(id.get())
                .bind(role.as_str())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            let e = actor.entry(
                "user.change_role",
                "user",
                &id.to_string(),
                &serde_json::json!({"before": {"role": before}, "after": {"role": role.as_str()}}),
            );
            crate::audit::insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(())
        })
    }

    /// Deactivates a user and ends every session they have, in one transaction; their pending
    /// links die too. `Rejected(LAST_OWNER)` for the last active owner.
    pub async fn deactivate_user(
        &self,
        id: UserId,
        actor: &crate::audit::Actor,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        crate::tx!(self, |tx| {
            let row: Option<(String, bool)> =
                sqlx::query_as("SELECT role, active FROM users WHERE id = $1")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((role, active)) = row else {
                return Err(StoreError::NotFound);
            };
            if !active {
                return Ok(());
            }
            if role == "owner" {
                let (owners,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM users WHERE role = 'owner' AND active = $1",
                )
                .bind(true)
                .fetch_one(&mut *tx)
                .await?;
                if owners <= 1 {
                    return Err(StoreError::Rejected(LAST_OWNER.into()));
                }
            }
            sqlx::query("UPDATE users SET active = $2, updated_at_ms = $3 WHERE id = $1")
                .bind(id.get())
                .bind(false)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.get())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(
                "UPDATE user_tokens SET used_at_ms = $2 WHERE user_id = $1 AND used_at_ms IS NULL",
            )
            .bind(id.get())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            let e = actor.entry(
                "user.deactivate",
                "user",
                &id.to_string(),
                &serde_json::json!({"before": {"active": true}, "after": {"active": false}, "sessions_ended": ended}),
            );
            crate::audit::insert_audit!(&mut *tx, &e, now_ms)?;
            Ok::<_, StoreError>(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let h = hash_password("correct horse battery staple");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn roles_parse() {
        assert_eq!("front_desk".parse::<Role>().unwrap(), Role::FrontDesk);
        assert!("admin".parse::<Role>().is_err());
    }
}
