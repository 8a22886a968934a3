//! Test harness: a fresh, migrated database per test on SQLite (a temp file) or PostgreSQL (a
//! database cloned from a migrated template, dropped when the test ends).
//!
//! PostgreSQL comes from `TEST_POSTGRES_URL` (alias `TEST_DATABASE_URL`, a server URL whose
//! user may create databases); without it, a server answering on 127.0.0.1:5432 as `postgres`
//! is used. `./scripts/test` always sets the URL (starting a throwaway cluster if needed).
//! Under `CI=true` a missing PostgreSQL fails the test instead of skipping it.

pub mod smtp;

use medspa_store::{ConnectOptions, DatabaseUrl, SecretKey, Store};
use sha2::{Digest, Sha256};
use sqlx::{Connection, Executor, PgConnection};
use std::path::PathBuf;
use std::time::Duration;

/// The fixed secret every test database uses.
pub fn test_secret() -> SecretKey {
    SecretKey::new("test-secret-key-test-secret-key-test-secret-key").expect("long enough")
}

/// Which backend a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A fresh database for one test.
pub struct TestDb {
    pub kind: Kind,
    /// The URL the app would be configured with.
    pub url: String,
    store: Store,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A fresh, migrated SQLite database in a temp dir.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("medspa.db");
        let url = format!("sqlite://{}", path.display());
        let store = connect(&url).await;
        store.migrate().await.expect("migrate sqlite");
        Self {
            kind: Kind::Sqlite,
            url,
            store,
            dir: Some(dir),
            pg: None,
        }
    }

    /// A fresh, migrated PostgreSQL database; `None` (with a note on stderr) when no server is
    /// configured or reachable, except under `CI=true`, where that panics.
    pub async fn postgres() -> Option<Self> {
        let Some(server) = postgres_server().await else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but no PostgreSQL: set TEST_POSTGRES_URL (./scripts/test does)"
            );
            eprintln!(
                "skipping PostgreSQL half: no TEST_POSTGRES_URL and nothing on 127.0.0.1:5432"
            );
            return None;
        };
        let template = ensure_template(&server).await;
        let name = format!("medspa_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&server).await.expect("connect admin");
        admin
            .execute(format!("CREATE DATABASE {name} TEMPLATE {template}").as_str())
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = with_database(&server, &name);
        let store = connect(&url).await;
        Some(Self {
            kind: Kind::Postgres,
            url,
            store,
            dir: None,
            pg: Some((server, name)),
        })
    }

    /// A fresh database of the given kind (`None` only for PostgreSQL outside CI, see above).
    pub async fn new(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Sqlite => Some(Self::sqlite().await),
            Kind::Postgres => Self::postgres().await,
        }
    }

    /// The store (cheap to clone: pools are shared).
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// Runs one statement on a separate raw connection, skipping the application entirely (to
    /// prove the database itself enforces an invariant). Binds `uuids` as `$1..`, then `ints`.
    pub async fn raw_execute(
        &self,
        sql: &str,
        uuids: &[uuid::Uuid],
        ints: &[i64],
    ) -> Result<u64, sqlx::Error> {
        macro_rules! run {
            ($conn:expr) => {{
                let mut q = sqlx::query(sql);
                for u in uuids {
                    q = q.bind(*u);
                }
                for i in ints {
                    q = q.bind(*i);
                }
                q.execute($conn).await.map(|r| r.rows_affected())
            }};
        }
        match self.kind {
            Kind::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let opts = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .foreign_keys(true);
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await?;
                run!(&mut c)
            }
            Kind::Postgres => {
                let mut c = PgConnection::connect(&self.url).await?;
                run!(&mut c)
            }
        }
    }

    /// Runs a `SELECT COUNT(*) ...` (or any single-integer query) on a raw connection.
    pub async fn raw_count(&self, sql: &str) -> i64 {
        let row: (i64,) = match self.kind {
            Kind::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
                let mut c = sqlx::SqliteConnection::connect_with(&opts)
                    .await
                    .expect("connect");
                sqlx::query_as(sql)
                    .fetch_one(&mut c)
                    .await
                    .expect("count query")
            }
            Kind::Postgres => {
                let mut c = PgConnection::connect(&self.url).await.expect("connect");
                sqlx::query_as(sql)
                    .fetch_one(&mut c)
                    .await
                    .expect("count query")
            }
        };
        row.0
    }

    /// A temp directory that lives as long as the database (SQLite only).
    pub fn dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().to_path_buf())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, name)) = self.pg.take() else {
            return;
        };
        // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(mut c) = PgConnection::connect(&server).await {
                        let _ = c
                            .execute(
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                            )
                            .await;
                    }
                });
            }
        })
        .join();
    }
}

async fn connect(url: &str) -> Store {
    Store::connect(&ConnectOptions {
        url: DatabaseUrl::parse(url).expect("test url"),
        secret: test_secret(),
        max_connections: 8,
        connect_timeout: Duration::from_secs(10),
    })
    .await
    .expect("connect test database")
}

/// The PostgreSQL server URL for tests, if any answers.
pub async fn postgres_server() -> Option<String> {
    for var in ["TEST_POSTGRES_URL", "TEST_DATABASE_URL"] {
        if let Ok(url) = std::env::var(var)
            && !url.trim().is_empty()
        {
            return Some(url);
        }
    }
    let fallback = "postgres://postgres@127.0.0.1:5432/postgres".to_owned();
    let probe = tokio::time::timeout(Duration::from_secs(2), PgConnection::connect(&fallback));
    match probe.await {
        Ok(Ok(c)) => {
            c.close().await.ok();
            Some(fallback)
        }
        _ => None,
    }
}

fn with_database(server: &str, db: &str) -> String {
    let (base, query) = server
        .split_once('?')
        .map_or((server, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// Migrates a template database once per set of migration files (named by their hash) and
/// returns its name; an advisory lock keeps parallel test processes from racing.
async fn ensure_template(server: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/postgres");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read migrations")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut h = Sha256::new();
    for f in &files {
        h.update(f.file_name().and_then(|n| n.to_str()).unwrap_or_default());
        h.update(std::fs::read(f).expect("read migration"));
    }
    let name = format!("medspa_tpl_{}", &hex::encode(h.finalize())[..16]);

    let mut admin = PgConnection::connect(server).await.expect("connect admin");
    admin
        .execute("SELECT pg_advisory_lock(7245001)")
        .await
        .expect("lock");
    let exists: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await
        .expect("query pg_database");
    if exists.is_none() {
        let building = format!("{name}_building");
        admin
            .execute(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)").as_str())
            .await
            .expect("drop stale template");
        admin
            .execute(format!("CREATE DATABASE {building}").as_str())
            .await
            .expect("create tpl");
        let store = connect(&with_database(server, &building)).await;
        store.migrate().await.expect("migrate template");
        store.close().await;
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
            .bind(&building)
            .execute(&mut admin)
            .await
            .expect("close template connections");
        admin
            .execute(format!("ALTER DATABASE {building} RENAME TO {name}").as_str())
            .await
            .expect("rename template");
    }
    admin
        .execute("SELECT pg_advisory_unlock(7245001)")
        .await
        .expect("unlock");
    admin.close().await.ok();
    name
}

/// Declares tests that run the async fn `$name(db: TestDb)` once on SQLite and once on
/// PostgreSQL, as `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::TestDb::sqlite().await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(db) = $crate::TestDb::postgres().await else { return };
                super::$name(db).await
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_swapped_in_url() {
        assert_eq!(
            with_database("postgres://u@h:5/postgres", "x"),
            "postgres://u@h:5/x"
        );
        assert_eq!(with_database("postgres://u@h:5", "x"), "postgres://u@h:5/x");
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
