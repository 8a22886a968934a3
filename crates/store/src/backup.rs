//! Consistent online backups. SQLite: `VACUUM INTO` copies a transaction-consistent snapshot
//! while the app keeps serving. PostgreSQL: `pg_dump` is the right tool; we say how.

use crate::{Backend, Store, StoreError};
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
