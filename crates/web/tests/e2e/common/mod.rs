//! Harness for end-to-end tests: the production router on a random port over a fresh database
//! (SQLite or PostgreSQL) holding the demo clinic's catalog, with a fixed clock.

use jiff::Timestamp;
use medspa_notify::{MailConfig, Worker};
use medspa_store::clock::FixedClock;
use medspa_testkit::smtp::SmtpSink;
use medspa_testkit::{Kind, TestDb, test_secret};
use medspa_web::server::Limits;
use medspa_web::{AppConfig, AppState};
use std::sync::Arc;

/// Wednesday 2026-11-25 09:00 in Chicago (15:00 UTC).
pub const NOW: &str = "2026-11-25T15:00:00Z";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub db: TestDb,
    pub clock: Arc<FixedClock>,
    pub state: AppState,
    /// A real SMTP server the app's mail worker delivers to.
    pub mail: SmtpSink,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }
}

/// Starts the app on `kind`; `None` when PostgreSQL is not available outside CI.
pub async fn spawn_app(kind: Kind) -> Option<TestApp> {
    spawn_with(kind, |_| {}).await
}

/// Starts the app with adjusted settings.
pub async fn spawn_with(kind: Kind, tweak: impl FnOnce(&mut AppConfig)) -> Option<TestApp> {
    spawn_limited(kind, tweak, Limits::default()).await
}

/// Starts the app with adjusted settings and server limits.
pub async fn spawn_limited(
    kind: Kind,
    tweak: impl FnOnce(&mut AppConfig),
    limits: Limits,
) -> Option<TestApp> {
    let db = TestDb::new(kind).await?;
    let now: Timestamp = NOW.parse().unwrap();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("America/Chicago").unwrap())
        .date();
    let store = db.store();
    store
        .insert_clinic(&medspa_demo::clinic(today))
        .await
        .unwrap();
    // The demo's blog posts and editable pages, as `medspa demo` creates them.
    for page in medspa_demo::pages() {
        store
            .upsert_page(&page, now.as_millisecond())
            .await
            .unwrap();
    }
    for post in medspa_demo::posts(today) {
        store
            .upsert_post(&post, now.as_millisecond())
            .await
            .unwrap();
    }
    let clinic = store.load_clinic().await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let mut config = AppConfig::with_defaults(&base, test_secret());
    tweak(&mut config);
    let clock = Arc::new(FixedClock::new(now));
    let mail = SmtpSink::start().await;
    let mail_config = MailConfig::new(
        "Willowbrook Skin Studio <hello@willowbrook.example>",
        base.clone(),
    )
    .with_smtp(Some(mail.url()));
    let (handle, _worker) = Worker::spawn(
        store.clone(),
        mail_config,
        clock.clone(),
        std::future::pending(),
    );
    let state = AppState::new(store, clinic, config, clock.clone())
        .with_mail_nudge(Arc::new(move || handle.nudge()));
    let router = medspa_web::router(state.clone());
    tokio::spawn(medspa_web::server::serve_with(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    Some(TestApp {
        base,
        http,
        db,
        clock,
        state,
        mail,
    })
}

/// Another app instance on the same database, as a second server would run it.
pub struct Peer {
    pub base: String,
    pub http: reqwest::Client,
}

impl TestApp {
    /// Starts a second instance on this app's database and clock, with `secret` as its key.
    pub async fn peer(&self, secret: medspa_store::SecretKey) -> Peer {
        let store = medspa_store::Store::connect(&medspa_store::ConnectOptions {
            url: medspa_store::DatabaseUrl::parse(&self.db.url).unwrap(),
            secret: secret.clone(),
            max_connections: 4,
            connect_timeout: std::time::Duration::from_secs(10),
        })
        .await
        .unwrap();
        let clinic = store.load_clinic().await.unwrap().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = AppConfig::with_defaults(&base, secret);
        let state = AppState::new(store, clinic, config, self.clock.clone());
        tokio::spawn(medspa_web::serve(
            listener,
            medspa_web::router(state),
            std::future::pending(),
        ));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Peer { base, http }
    }
}

/// Declares `$name::sqlite` and `$name::postgres` tests running `$name(app: TestApp)`.
#[macro_export]
macro_rules! app_test {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let app = $crate::common::spawn_app(medspa_testkit::Kind::Sqlite).await.unwrap();
                super::$name(app).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(app) = $crate::common::spawn_app(medspa_testkit::Kind::Postgres).await else { return };
                super::$name(app).await
            }
        }
    )+};
}
