//! Back-office user accounts and password hashing (Argon2id, the crate's defaults).

use crate::{Store, StoreError, read, write};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use medspa_core::UserId;
use medspa_core::input::{Email, PersonName};
use std::fmt;
use uuid::Uuid;

/// What a user may do. Owners manage users and settings; providers and front desk run the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Provider,
    FrontDesk,
}

impl Role {
    /// The stored and CLI spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Provider => "provider",
            Self::FrontDesk => "front_desk",
        }
    }
    /// A human label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Provider => "Provider",
            Self::FrontDesk => "Front desk",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "owner" => Ok(Self::Owner),
            "provider" => Ok(Self::Provider),
            "front_desk" => Ok(Self::FrontDesk),
            _ => Err("must be one of owner, provider, front_desk".into()),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    pub password_hash: String,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    active: bool,
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

const USER_COLUMNS: &str = "id, email, name, role, active, password_hash";

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

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name");
        let rows: Vec<UserRow> = read!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        rows.into_iter().map(User::try_from).collect()
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
