//! Storage for medspa: one repository API ([`Store`]) over SQLite (embedded, default) and
//! PostgreSQL (several app instances). Each use case is one `Store` method: begin, load, run the
//! pure core rule, write rows (+ outbox + audit), commit. Handlers never hold a transaction.
//!
//! Queries are plain runtime queries written once; [`read!`], [`write!`] and [`tx!`] run the
//! same body on whichever backend is live, with dialect-only SQL in per-backend blocks.
//! SQLite runs in WAL mode with one writer connection (writes queue in-process instead of
//! failing with `SQLITE_BUSY`) and a pool of readers; PostgreSQL uses one pool.

pub mod audit;
pub mod auth;
pub mod blog;
pub mod clock;
pub mod contact;
pub mod error;
pub mod outbox;
pub mod pages;
pub mod quiz;
pub mod resources;
pub mod seal;
pub mod services;
pub mod settings;
pub mod setup;
pub mod staff;

pub mod backup;
pub mod bookings;
pub mod clients;
mod clinic;
mod group;
pub mod key_check;
pub mod rotate;
mod seed;
mod users;

pub use bookings::{
    Appointment, BookError, BookOutcome, Booked, IdempotencyKey, NewBooking, Status,
};
pub use clinic::ClinicRecord;
pub use error::StoreError;
pub use seal::{Sealer, SecretKey};
pub use seed::{SeedAppointment, SeedClient};
pub use users::{LAST_OWNER, NewUser, Role, User, hash_password, verify_password};

use error::RedactedUrl;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Embedded migrations, one folder per backend with the same file names. Migrations a newer
/// release applied are tolerated (`ignore_missing`): during a rolling upgrade of several
/// instances the database is migrated first and older instances keep (re)starting on it, which
/// is why every migration stays backward compatible for one release (docs/deploy.md).
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = {
    let mut m = sqlx::migrate!("migrations/sqlite");
    m.ignore_missing = true;
    m
};
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = {
    let mut m = sqlx::migrate!("migrations/postgres");
    m.ignore_missing = true;
    m
};

/// Runs `$body` with `$pool` bound to a pool that may read (SQLite: the reader pool).
macro_rules! read {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { read: $pool, .. } => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$pool` bound to a pool that may write (SQLite: the single writer).
macro_rules! write {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { write: $pool, .. } => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside one read-write transaction bound to `$tx` and commits it when the body
/// returns `Ok`. SQLite takes the write lock up front (`BEGIN IMMEDIATE`) because a deferred
/// transaction that has read cannot upgrade after another connection committed; PostgreSQL
/// relies on its constraints (and explicit row locks where a rule needs one).
macro_rules! tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { write, .. } => {
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
            $crate::Backend::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
        }
    };
}
pub(crate) use {read, tx, write};

/// Default reminder offsets: 48 hours and 2 hours before the start.
const DEFAULT_REMINDERS: [jiff::SignedDuration; 2] = [
    jiff::SignedDuration::from_hours(48),
    jiff::SignedDuration::from_hours(2),
];

/// The live database.
#[derive(Clone, Debug)]
pub(crate) enum Backend {
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        path: PathBuf,
        group: std::sync::Arc<group::GroupWriter>,
    },
    Postgres(PgPool),
}

/// Which database a URL points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `postgres://..`, `postgresql://..`, `sqlite://path`, `sqlite:path` or a bare path.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        if let Some(rest) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or(rest);
            if path.is_empty() || path == ":memory:" {
                return Err(
                    "needs a file path (an in-memory database would lose every booking)".into(),
                );
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if raw.contains("://") {
            return Err("must start with postgres://, postgresql:// or sqlite://".into());
        }
        Ok(Self::Sqlite(PathBuf::from(raw)))
    }
}

/// Connection settings.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub url: DatabaseUrl,
    pub secret: SecretKey,
    /// Readers (SQLite) or pool size (PostgreSQL).
    pub max_connections: u32,
    /// How long to wait for the database at start before giving up.
    pub connect_timeout: Duration,
}

/// The repository API.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    pub(crate) sealer: Sealer,
    /// This key's check value ([`key_check`]).
    pub(crate) key_check: std::sync::Arc<str>,
    /// The secret the store was opened with (kept to add a rotation's next key).
    pub(crate) secret: SecretKey,
    /// The check value of the key a rotation moves to, when configured ([`Store::with_next_key`]).
    pub(crate) next_key_check: Option<std::sync::Arc<str>>,
    /// How long before an appointment reminders go out (default 48 h and 2 h).
    pub(crate) reminder_offsets: std::sync::Arc<[jiff::SignedDuration]>,
}

impl Store {
    /// Connects (creating the SQLite file and its folder when absent). Does not migrate.
    pub async fn connect(opts: &ConnectOptions) -> Result<Self, StoreError> {
        let sealer = Sealer::new(&opts.secret);
        let backend = match &opts.url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Io(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let base = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a commit is on disk before the request is acknowledged, so
                    // nothing an acknowledged booking wrote is lost on power failure.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("cache_size", "-16000")
                    .pragma("temp_store", "memory");
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(base.clone())
                    .await
                    .map_err(|e| connect_error(&path.display().to_string(), &e))?;
                let read = SqlitePoolOptions::new()
                    .max_connections(opts.max_connections.max(1))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(base.read_only(true))
                    .await
                    .map_err(|e| connect_error(&path.display().to_string(), &e))?;
                let group = std::sync::Arc::new(group::GroupWriter::new(write.clone()));
                Backend::Sqlite {
                    read,
                    write,
                    path: path.clone(),
                    group,
                }
            }
            DatabaseUrl::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| connect_error(&RedactedUrl(url).to_string(), &e))?;
                let pool = PgPoolOptions::new()
                    .max_connections(opts.max_connections.max(2))
                    .acquire_timeout(opts.connect_timeout)
                    .connect_with(options)
                    .await
                    .map_err(|e| connect_error(&RedactedUrl(url).to_string(), &e))?;
                Backend::Postgres(pool)
            }
        };
        Ok(Self {
            backend,
            sealer,
            key_check: key_check::check_value(&opts.secret).into(),
            secret: opts.secret.clone(),
            next_key_check: None,
            reminder_offsets: DEFAULT_REMINDERS.to_vec().into(),
        })
    }

    /// Sets how long before an appointment its reminder emails go out.
    #[must_use]
    pub fn with_reminder_offsets(mut self, offsets: &[jiff::SignedDuration]) -> Self {
        self.reminder_offsets = offsets.to_vec().into();
        self
    }

    /// Adds the key a rotation moves to (`MEDSPA_NEW_SECRET_KEY`): values sealed under either
    /// key open, and new values are sealed under it once the database's key check says a
    /// rotation to it has begun ([`Store::refresh_key_state`]).
    #[must_use]
    pub fn with_next_key(mut self, next: &SecretKey) -> Self {
        self.sealer = Sealer::with_next(&self.secret, next);
        self.next_key_check = Some(key_check::check_value(next).into());
        self
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The SQLite file, when on SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Sqlite { path, .. } => Some(path),
            Backend::Postgres(_) => None,
        }
    }

    /// Applies pending migrations (forward only).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Names of the migrations embedded for this backend, in order.
    pub fn migration_names(&self) -> Vec<String> {
        let m = match self.backend {
            Backend::Sqlite { .. } => &SQLITE_MIGRATIONS,
            Backend::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        m.iter()
            .map(|m| format!("{}_{}", m.version, m.description))
            .collect()
    }

    /// Versions of the migrations applied to this database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let rows: Vec<(i64,)> = read!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Answers when the database answers a trivial query (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        read!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes every connection (at shutdown), letting SQLite checkpoint its WAL.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { read, write, .. } => {
                read.close().await;
                write.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    /// The field sealer (health data encryption).
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }
}

fn connect_error(target: &str, e: &sqlx::Error) -> StoreError {
    StoreError::Io(format!("cannot open database {target}: {}", short_error(e)))
}

/// One line for a connection error, without a backtrace or nested debug output.
fn short_error(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "timed out waiting for the database".into(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The current time in Unix milliseconds, from a [`clock::Clock`].
pub fn now_ms(clock: &dyn clock::Clock) -> i64 {
    clock.now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/m.db?mode=rwc").unwrap(),
            DatabaseUrl::Sqlite("data/m.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("m.db").unwrap(),
            DatabaseUrl::Sqlite("m.db".into())
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite::memory:").is_err());
        assert!(DatabaseUrl::parse(" ").is_err());
    }
}
