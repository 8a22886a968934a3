//! Running the binary: commands, servers on free ports, health waits, bookings over HTTP.

use medspa_store::{ConnectOptions, DatabaseUrl, SecretKey, Store};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

pub const KEY: &str = "ops-test-key-ops-test-key-ops-test-key-0001";
pub const NEW_KEY: &str = "ops-rotated-key-ops-rotated-key-ops-rotated-2";

pub fn key(raw: &str) -> SecretKey {
    SecretKey::new(raw).unwrap()
}

/// The binary, with no `MEDSPA_*` from the developer's environment, quiet logs.
pub fn medspa(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_medspa"));
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("MEDSPA_") {
            c.env_remove(k);
        }
    }
    c.env("MEDSPA_LOG", "warn");
    c
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a refusal: exit 2, one `medspa:` line on stderr containing `needle`.
pub fn refused(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Waits until `/healthz` answers on `port` (panics if the child exits first).
pub fn wait_healthy(port: u16, child: &mut Child) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("medspa exited early: {status}");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Write;
            s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
            let mut body = String::new();
            std::io::Read::read_to_string(&mut s, &mut body).ok();
            if body.contains(r#"{"status":"ok"}"#) {
                return;
            }
        }
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "not healthy in time"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A store on `url` with `key`, as an instance would open it (migrated).
pub async fn store(url: &str, key: &SecretKey) -> Store {
    let store = Store::connect(&ConnectOptions {
        url: DatabaseUrl::parse(url).unwrap(),
        secret: key.clone(),
        max_connections: 4,
        connect_timeout: Duration::from_secs(5),
    })
    .await
    .unwrap();
    store.migrate().await.unwrap();
    store
}

/// A child process killed when dropped (a failed assertion never leaves servers behind).
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Warnings and errors the servers started in `dir` logged.
pub fn logged_problems(dir: &Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_name().to_string_lossy().ends_with(".log") {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            for line in text
                .lines()
                .filter(|l| l.contains("ERROR") || l.contains("WARN"))
            {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `medspa <cmd>` on a free port with the given environment and waits until healthy.
pub fn start(dir: &Path, cmd: &str, env: &[(&str, String)]) -> Server {
    let port = free_port();
    let mut c = medspa(dir);
    c.args([cmd, "--bind", &format!("127.0.0.1:{port}")]);
    for (k, v) in env {
        c.env(k, v);
    }
    // Logs go to DIR/medspa-<port>.log, for a failing test to show.
    let log = std::fs::File::create(dir.join(format!("medspa-{port}.log"))).unwrap();
    let mut child = c
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    wait_healthy(port, &mut child);
    Server { child, port }
}

/// One bookable start: its time and staff member.
#[derive(Clone, Debug)]
pub struct Slot {
    pub start: String,
    pub staff: String,
}

/// Consultation slots over the next `days` days (from tomorrow), as the API offers them.
pub async fn slots(http: &reqwest::Client, base: &str, days: i64) -> Vec<Slot> {
    slots_between(http, base, 1, days).await
}

/// Consultation slots from `first` to `last` days ahead.
pub async fn slots_between(http: &reqwest::Client, base: &str, first: i64, last: i64) -> Vec<Slot> {
    let today = jiff::Zoned::now().date();
    let from = today.checked_add(jiff::Span::new().days(first)).unwrap();
    let to = today.checked_add(jiff::Span::new().days(last)).unwrap();
    let url = format!("{base}/api/v1/availability?service=consultation&from={from}&to={to}");
    let body: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
    body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Slot {
            start: s["start"].as_str().unwrap().to_owned(),
            staff: s["staff"]["id"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// Books `slot` for client number `n` (with notes, so a sealed field is written, and an
/// idempotency key). Returns the status and the JSON body.
pub async fn book(
    http: &reqwest::Client,
    base: &str,
    slot: &Slot,
    n: usize,
) -> (u16, serde_json::Value) {
    let body = serde_json::json!({
        "service": "consultation",
        "start": slot.start,
        "staff_id": slot.staff,
        "consent": true,
        "notes": format!("Sensitive note {n}"),
        "client": {"name": format!("Ops Client{n}"), "email": format!("ops{n}@example.com"),
                   "phone": "+1 312 555 0100"},
    });
    let res = http
        .post(format!("{base}/api/v1/bookings"))
        .header("Idempotency-Key", format!("ops-{n}"))
        .json(&body)
        .send()
        .await;
    match res {
        Ok(r) => {
            let status = r.status().as_u16();
            let json = r.json().await.unwrap_or(serde_json::Value::Null);
            (status, json)
        }
        Err(_) => (0, serde_json::Value::Null),
    }
}

/// Rows of a one-text-column query on a raw connection (SQLite file path or PostgreSQL URL).
pub async fn texts(url: &str, sql: &str) -> Vec<String> {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
    } else {
        let opts =
            sqlx::sqlite::SqliteConnectOptions::new().filename(url.trim_start_matches("sqlite://"));
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
    }
}

/// No two active holds of one resource overlap (counted by the database itself).
pub async fn overlaps(url: &str) -> usize {
    texts(
        url,
        "SELECT CAST(a.id AS TEXT) FROM holds a JOIN holds b ON a.resource_id = b.resource_id \
         AND a.id < b.id AND a.starts_at_ms < b.ends_at_ms AND b.starts_at_ms < a.ends_at_ms \
         AND a.active AND b.active",
    )
    .await
    .len()
}
