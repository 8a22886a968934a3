//! Consistent online backups. SQLite: `VACUUM INTO` copies a transaction-consistent snapshot
//! while the app keeps serving. PostgreSQL: `pg_dump` is the right tool; we say how.

use crate::{Backend, SecretKey, Store, StoreError};
use std::path::Path;

impl Store {
    /// Writes a consistent copy of the live SQLite database to `out` (which must not exist).
    /// On PostgreSQL returns `Rejected` with the `pg_dump` command to run instead.
    pub async fn backup_to(&self, out: &Path) -> Result<u64, StoreError> {
        match &self.backend {
            Backend::Sqlite { write, .. } => {
                if out.exists() {
                    return Err(StoreError::Io(format!(
                        "{} already exists; choose a new file name",
                        out.display()
                    )));
                }
                if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Io(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let target = out.to_str().ok_or_else(|| {
                    StoreError::Io("the backup path must be valid UTF-8".to_owned())
                })?;
                sqlx::query("VACUUM INTO $1").bind(target).execute(write).await?;
                let len = std::fs::metadata(out)
                    .map_err(|e| StoreError::Io(format!("backup not written: {e}")))?
                    .len();
                Ok(len)
            }
            Backend::Postgres(_) => Err(StoreError::Rejected(
                "PostgreSQL: run `pg_dump --format=custom --file=medspa.dump \"$MEDSPA_DATABASE_URL\"` \
                 (restore with `pg_restore --clean --dbname=...`)"
                    .to_owned(),
            )),
        }
    }
}

/// What a SQLite backup file holds, read without changing it ([`Store::inspect_backup`]).
#[derive(Clone, Debug)]
pub struct BackupInfo {
    /// The key check recorded in it (`None`: the database never started with a key).
    pub check_value: Option<String>,
    /// The key an unfinished rotation was moving to when the backup was made.
    pub next_check_value: Option<String>,
    /// Applied migration versions.
    pub migrations: Vec<i64>,
    /// It was made by a newer release (has migrations this one does not know).
    pub newer_release: bool,
}

impl BackupInfo {
    /// Whether `key` (or, during a rotation it recorded, either key) opens this backup.
    pub fn accepts(&self, key: &SecretKey, next: Option<&SecretKey>) -> bool {
        let keys: Vec<String> = std::iter::once(key)
            .chain(next)
            .map(crate::key_check::check_value)
            .collect();
        match &self.check_value {
            None => true,
            Some(c) => {
                keys.contains(c)
                    || self
                        .next_check_value
                        .as_ref()
                        .is_some_and(|n| keys.contains(n))
            }
        }
    }
}

impl Store {
    /// Opens `file` read-only and checks that it is a sound medspa SQLite database: an
    /// integrity check, the migrations table and the key check. [`StoreError::Rejected`]
    /// names what is wrong.
    pub async fn inspect_backup(file: &Path) -> Result<BackupInfo, StoreError> {
        use sqlx::Connection;
        let not_ours = |why: &str| {
            StoreError::Rejected(format!("{} is not a medspa backup ({why})", file.display()))
        };
        if !file.is_file() {
            return Err(StoreError::Rejected(format!(
                "{} does not exist or is not a file",
                file.display()
            )));
        }
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(file)
            .read_only(true)
            .immutable(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&opts)
            .await
            .map_err(|_| not_ours("not an SQLite database"))?;
        let check: Result<(String,), _> = sqlx::query_as("PRAGMA quick_check")
            .fetch_one(&mut conn)
            .await;
        match check {
            Ok((ok,)) if ok == "ok" => {}
            Ok(_) => return Err(not_ours("the integrity check failed: the file is damaged")),
            Err(_) => return Err(not_ours("not an SQLite database")),
        }
        let migrations: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .map_err(|_| not_ours("no medspa schema"))?;
        let migrations: Vec<i64> = migrations.into_iter().map(|r| r.0).collect();
        let names: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN \
             ('appointments', 'audit_log', 'key_check')",
        )
        .fetch_all(&mut conn)
        .await
        .map_err(|_| not_ours("no medspa schema"))?;
        if names.len() != 3 {
            return Err(not_ours("no medspa schema"));
        }
        let row: Option<(String, Option<String>)> = match sqlx::query_as(
            "SELECT check_value, next_check_value FROM key_check WHERE id = 1",
        )
        .fetch_optional(&mut conn)
        .await
        {
            Ok(row) => row,
            // Made before key rotation existed: no next key column.
            Err(_) => {
                sqlx::query_as::<_, (String,)>("SELECT check_value FROM key_check WHERE id = 1")
                    .fetch_optional(&mut conn)
                    .await
                    .map_err(|_| not_ours("no key check"))?
                    .map(|(c,)| (c, None))
            }
        };
        conn.close().await.ok();
        let known: Vec<i64> = crate::SQLITE_MIGRATIONS.iter().map(|m| m.version).collect();
        let newer_release = migrations.iter().any(|v| !known.contains(v));
        let (check_value, next_check_value) = row.map_or((None, None), |(c, n)| (Some(c), n));
        Ok(BackupInfo {
            check_value,
            next_check_value,
            migrations,
            newer_release,
        })
    }
}
