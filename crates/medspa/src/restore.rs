//! `medspa restore FILE` (SQLite) and the lock that keeps it from replacing a database a
//! server is using. Every `medspa serve` on an SQLite database holds a shared lock on
//! `<database>-serving.lock`; a restore needs it exclusively, so it refuses while any server
//! runs (and a server refuses to start during a restore).

use crate::config::Config;
use crate::out;
use crate::run::Fatal;
use medspa_store::{DatabaseUrl, Store, StoreError};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Printed by every `medspa backup`: a backup is unreadable without its key.
pub const KEY_REMINDER: &str = "keep the secret key (MEDSPA_SECRET_KEY, or secret.key in the \
    data dir) somewhere other than the backup: health data in the backup can only be read with \
    it, and `medspa restore` refuses a backup the configured key does not open";

fn lock_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-serving.lock");
    PathBuf::from(p)
}

fn open_lock(db: &Path) -> Result<File, Fatal> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Fatal(format!("cannot create {}: {e}", dir.display())))?;
    }
    let path = lock_path(db);
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Fatal(format!("cannot open {}: {e}", path.display())))
}

/// The shared lock a server holds on its SQLite database while it runs (`None` on PostgreSQL).
pub fn serving_lock(config: &Config) -> Result<Option<File>, Fatal> {
    let DatabaseUrl::Sqlite(db) = &config.database else {
        return Ok(None);
    };
    let file = open_lock(db)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(Fatal(
            "a restore of this database is running; start the server when it has finished".into(),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Fatal(format!(
            "cannot lock {}: {e}",
            lock_path(db).display()
        ))),
    }
}

/// `medspa restore FILE`.
pub async fn restore(config: &Config, file: &Path) -> Result<(), Fatal> {
    let db = match &config.database {
        DatabaseUrl::Sqlite(db) => db.clone(),
        DatabaseUrl::Postgres(_) => {
            return Err(Fatal(
                "restore is for SQLite; with PostgreSQL use pg_restore (docs/deploy.md, Backups)"
                    .into(),
            ));
        }
    };
    let lock = open_lock(&db)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(Fatal(format!(
                "a medspa server is running on {}; stop it first",
                db.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(Fatal(format!(
                "cannot lock {}: {e}",
                lock_path(&db).display()
            )));
        }
    }
    if db.exists()
        && let (Ok(a), Ok(b)) = (db.canonicalize(), file.canonicalize())
        && a == b
    {
        return Err(Fatal("that file is the live database itself".into()));
    }
    let info = Store::inspect_backup(file).await.map_err(|e| match e {
        StoreError::Rejected(why) => Fatal(why),
        other => Fatal(other.to_string()),
    })?;
    if info.newer_release {
        return Err(Fatal(
            "the backup was made by a newer medspa release; upgrade medspa, then restore".into(),
        ));
    }
    // On SQLite a missing key is generated: never for a restore, where it could only be wrong.
    if config.secret_key.is_none() && !config.data_dir.join("secret.key").exists() {
        return Err(Fatal(
            "no secret key: set MEDSPA_SECRET_KEY to the key of the clinic the backup comes from \
             (or copy its secret.key into the data dir)"
                .into(),
        ));
    }
    let secret = config.secret()?;
    if !info.accepts(&secret, config.new_secret().as_ref()) {
        return Err(Fatal(
            "the backup was made with another secret key: set MEDSPA_SECRET_KEY to the key it \
             was made with (nothing was changed)"
                .into(),
        ));
    }
    let kept = put_in_place(file, &db)
        .map_err(|e| Fatal(format!("cannot restore into {}: {e}", db.display())))?;
    let store = crate::run::connect(config, &secret).await?;
    let appointments = store.count_appointments().await?;
    let sealed = store.check_sealed().await?;
    store.close().await;
    out::line(&format!(
        "restored {} into {}: {appointments} appointments, {} sealed fields ({} unreadable)",
        file.display(),
        db.display(),
        sealed.total,
        sealed.unreadable
    ));
    if let Some(k) = kept {
        out::line(&format!(
            "the database it replaced is kept as {}",
            k.display()
        ));
    }
    drop(lock);
    Ok(())
}

/// Copies `backup` next to `db`, syncs it, moves the current database (and its WAL files)
/// aside, then renames the copy into place. Returns where the old database went.
fn put_in_place(backup: &Path, db: &Path) -> std::io::Result<Option<PathBuf>> {
    let with = |suffix: &str| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    let tmp = with(".restoring");
    std::fs::copy(backup, &tmp)?;
    File::open(&tmp)?.sync_all()?;
    let mut kept = None;
    if db.exists() {
        let stamp = jiff::Timestamp::now().as_second();
        let aside = with(&format!(".before-restore-{stamp}"));
        std::fs::rename(db, &aside)?;
        for ext in ["-wal", "-shm"] {
            let from = with(ext);
            if from.exists() {
                let mut to = aside.as_os_str().to_owned();
                to.push(ext);
                std::fs::rename(&from, PathBuf::from(to))?;
            }
        }
        kept = Some(aside);
    }
    std::fs::rename(&tmp, db)?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(kept)
}
