//! Harness: the production router (`medspa_web::router_with` + `medspa_admin::router`) on a
//! random port over a fresh database, a fixed clock, and the mail worker delivering to an
//! in-process SMTP sink. `spawn(kind, true)` holds the demo clinic; `false` an empty database
//! (first run, with a setup token).

use jiff::Timestamp;
use medspa_core::UserId;
use medspa_core::access::Role;
use medspa_core::input::{Email, PersonName};
use medspa_notify::{MailConfig, Worker};
use medspa_store::clock::FixedClock;
use medspa_store::{NewUser, Store, hash_password};
use medspa_testkit::smtp::SmtpSink;
use medspa_testkit::{Kind, TestDb, test_secret};
use medspa_web::{AppConfig, AppState};
use reqwest::cookie::Jar;
use std::sync::Arc;

/// Wednesday 2026-11-25 09:00 in Chicago (15:00 UTC).
pub const NOW: &str = "2026-11-25T15:00:00Z";
/// The setup token of an empty app.
pub const SETUP_TOKEN: &str = "Zq3xW8nJ0pLr5tYv2bNc7dKf1gHs4mQa9eUo6iTyXw0";
/// Every test user's password.
pub const PASSWORD: &str = "violet tram oboe lantern";

pub struct TestApp {
    pub base: String,
    /// Kept for its `Drop`: the database goes when the test ends.
    pub _db: TestDb,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    /// The server's state: its live clinic snapshot.
    pub state: AppState,
    pub mail: SmtpSink,
}

/// A browser: its own cookies, no automatic redirects.
pub struct Browser {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

pub async fn spawn(kind: Kind, with_clinic: bool) -> Option<TestApp> {
    spawn_with(kind, with_clinic, |_| {}).await
}

/// Starts the app with adjusted settings.
pub async fn spawn_with(
    kind: Kind,
    with_clinic: bool,
    tweak: impl FnOnce(&mut AppConfig),
) -> Option<TestApp> {
    let db = TestDb::new(kind).await?;
    let now: Timestamp = NOW.parse().unwrap();
    let store = db.store();
    let clinic = if with_clinic {
        let today = now
            .to_zoned(jiff::tz::TimeZone::get("America/Chicago").unwrap())
            .date();
        store
            .insert_clinic(&medspa_demo::clinic(today))
            .await
            .unwrap();
        store.load_clinic().await.unwrap().unwrap()
    } else {
        store.set_setup_token(SETUP_TOKEN).await.unwrap();
        medspa_core::clinic::Clinic::unconfigured()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = AppConfig::with_defaults(&base, test_secret());
    tweak(&mut config);
    let clock = Arc::new(FixedClock::new(now));
    let mail = SmtpSink::start().await;
    let mail_config =
        MailConfig::new("Clinic <hello@clinic.example>", base.clone()).with_smtp(Some(mail.url()));
    let (handle, _worker) = Worker::spawn(
        store.clone(),
        mail_config,
        clock.clone(),
        std::future::pending(),
    );
    let state = AppState::new(store.clone(), clinic, config, clock.clone())
        .with_mail_nudge(Arc::new(move || handle.nudge()));
    let admin = medspa_admin::router(&state, medspa_admin::AdminOptions::default());
    let router = medspa_web::router_with(state.clone(), admin);
    tokio::spawn(medspa_web::serve(listener, router, std::future::pending()));
    Some(TestApp {
        base,
        _db: db,
        store,
        clock,
        state,
        mail,
    })
}

impl TestApp {
    pub fn browser(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar.clone())
            .build()
            .unwrap();
        Browser {
            http,
            jar,
            base: self.base.clone(),
        }
    }

    /// Adds an active user with [`PASSWORD`].
    pub async fn user(&self, role: Role, email: &str) -> UserId {
        let user = NewUser {
            email: Email::parse(email, "email").unwrap(),
            name: PersonName::parse(&format!("Test {}", role.label()), "name").unwrap(),
            role,
            password_hash: hash_password(PASSWORD),
        };
        self.store
            .add_user(&user, self.clock.now_ms())
            .await
            .unwrap()
    }

    /// A browser signed in as `user` without going through the form (no Argon2 run): a
    /// session made by the store, its cookie in the jar.
    pub async fn session_for(&self, user: UserId) -> Browser {
        let b = self.browser();
        let raw = self
            .store
            .create_session(user, None, self.clock.now_ms())
            .await
            .unwrap();
        b.jar.add_cookie_str(
            &format!("medspa_session={raw}; Path=/"),
            &self.base.parse().unwrap(),
        );
        b
    }

    pub fn advance_minutes(&self, minutes: i64) {
        self.clock.advance(jiff::SignedDuration::from_mins(minutes));
    }
}

pub trait NowMs {
    fn now_ms(&self) -> i64;
}
impl NowMs for FixedClock {
    fn now_ms(&self) -> i64 {
        medspa_store::clock::Clock::now(self).as_millisecond()
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// The CSRF token of the form on `path` (which also sets the CSRF cookie).
    pub async fn csrf(&self, path: &str) -> String {
        let html = self.get(path).await.text().await.unwrap();
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf_token on {path}: {html}"))
    }

    /// POSTs a form as a browser on this site would (same Origin), with `token` as its CSRF
    /// token.
    pub async fn post_with(
        &self,
        path: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token)];
        form.extend_from_slice(fields);
        self.http
            .post(self.url(path))
            .header("Origin", &self.base)
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Fetches a CSRF token from `form_page`, then POSTs `fields` to `path`.
    pub async fn submit(
        &self,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(form_page).await;
        self.post_with(path, &token, fields).await
    }

    /// Signs in through the form.
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/admin/login",
            "/admin/login",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find(r#"name="csrf_token" value=""#)? + r#"name="csrf_token" value=""#.len();
    let end = html[i..].find('"')?;
    Some(html[i..i + end].to_owned())
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The first `http` link in a plain-text email body.
pub fn link_in(text: &str) -> String {
    let start = text.find("http").expect("a link in the email");
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// Declares `$name::sqlite` and `$name::postgres` tests running `$name(app)` on an app with
/// the demo clinic (`clinic`) or an empty database (`empty`).
#[macro_export]
macro_rules! admin_test {
    ($with:ident: $($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let app = $crate::common::spawn(medspa_testkit::Kind::Sqlite, $crate::admin_test!(@with $with)).await.unwrap();
                super::$name(app).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(app) = $crate::common::spawn(medspa_testkit::Kind::Postgres, $crate::admin_test!(@with $with)).await else { return };
                super::$name(app).await
            }
        }
    )+};
    (@with clinic) => { true };
    (@with empty) => { false };
}
