//! Store errors: what callers can act on (not found, conflict, rejected input), and database
//! failures that become a logged 500 without detail.

use std::fmt;

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist (or the caller may not know it exists).
    #[error("not found")]
    NotFound,
    /// A constraint the database enforces was violated; the name is stable (e.g.
    /// `holds_no_overlap`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The request was refused by a domain rule; the payload explains why.
    #[error("rejected: {0}")]
    Rejected(String),
    /// A sealed (encrypted) field could not be opened: wrong key or tampered data.
    #[error("sealed field could not be opened (wrong MEDSPA_SECRET_KEY?)")]
    Unseal,
    /// Stored data that does not parse (e.g. a bad JSON column).
    #[error("corrupt stored data in {0}")]
    Corrupt(String),
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Text the database cannot store (a NUL byte: PostgreSQL refuses it in any text value).
    #[error("text with a NUL byte")]
    InvalidText,
    /// The database was set up with another `MEDSPA_SECRET_KEY` (its key check differs).
    #[error(
        "the secret key does not match this database's key check: every instance must use the \
         MEDSPA_SECRET_KEY the database was set up with"
    )]
    KeyMismatch,
    /// A file-system operation (backup) failed.
    #[error("{0}")]
    Io(String),
}

/// Constraint names the store maps to [`StoreError::Conflict`]. Both backends name their guards
/// alike: PostgreSQL via the constraint name, SQLite via the trigger's `RAISE` message.
const KNOWN_CONSTRAINTS: &[&str] = &[
    "holds_no_overlap",
    "holds_max_length",
    "appointments_reference_key",
    "users_email_norm_key",
    "services_slug_key",
    "idempotency_keys_pkey",
];

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = e {
            return Self::NotFound;
        }
        if let sqlx::Error::Database(db) = &e {
            // 22021: character_not_in_repertoire (a NUL byte in text, PostgreSQL).
            if db.code().as_deref() == Some("22021") {
                return Self::InvalidText;
            }
            let msg = db.message();
            let constraint = db.constraint().unwrap_or_default();
            for known in KNOWN_CONSTRAINTS {
                if constraint == *known || msg.contains(known) {
                    return Self::Conflict(known);
                }
            }
            // SQLite reports UNIQUE violations as "UNIQUE constraint failed: table.column".
            if let Some(cols) = msg.strip_prefix("UNIQUE constraint failed: ") {
                return Self::Conflict(match cols {
                    "appointments.reference" => "appointments_reference_key",
                    "users.email_norm" => "users_email_norm_key",
                    "services.slug" => "services_slug_key",
                    c if c.starts_with("idempotency_keys") => "idempotency_keys_pkey",
                    _ => "unique",
                });
            }
        }
        Self::Db(e)
    }
}

impl StoreError {
    /// Whether this is the double-booking guard firing.
    pub fn is_overlap(&self) -> bool {
        matches!(self, Self::Conflict("holds_no_overlap"))
    }
    /// Whether the database was unreachable or timed out (as opposed to a rule violation).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::Db(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_))
        )
    }
}

/// A short description of a database URL without credentials, for error messages.
pub struct RedactedUrl<'a>(pub &'a str);

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.0;
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                write!(f, "{}://***@{}", &url[..scheme_end], &url[at + 1..])
            }
            _ => f.write_str(url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credentials() {
        assert_eq!(
            RedactedUrl("postgres://u:secret@db:5432/x").to_string(),
            "postgres://***@db:5432/x"
        );
        assert_eq!(
            RedactedUrl("sqlite://data/medspa.db").to_string(),
            "sqlite://data/medspa.db"
        );
    }
}
