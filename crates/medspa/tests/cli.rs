//! The binary end to end: configuration errors, unreachable database, port in use, demo

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
//! serving and reuse, graceful shutdown, users, backup.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn medspa(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_medspa"));
    c.current_dir(dir);
    // The developer's own MEDSPA_* settings must not leak into these tests.
    for (k, _) in std::env::vars() {
        if k.starts_with("MEDSPA_") {
            c.env_remove(k);
        }
    }
    c.env("MEDSPA_LOG", "warn");
    c
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn fails_with_one_line(out: &Output, needle: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit status; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "exactly one line: {err}");
    assert!(
        lines[0].starts_with("medspa: ") && lines[0].contains(needle),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[test]
fn bad_config_values_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = medspa(dir.path())
        .args(["serve"])
        .env("MEDSPA_BIND", "not-an-address")
        .output()
        .unwrap();
    fails_with_one_line(&out, "bind");
    let out = medspa(dir.path())
        .args(["migrate"])
        .env("MEDSPA_BOOKING_HORIZON_DAYS", "soon")
        .output()
        .unwrap();
    fails_with_one_line(&out, "booking_horizon_days");
    let out = medspa(dir.path())
        .args(["migrate"])
        .env("MEDSPA_SECRET_KEY", "short")
        .output()
        .unwrap();
    fails_with_one_line(&out, "secret_key");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("short"),
        "secrets are never echoed"
    );
    std::fs::write(dir.path().join("medspa.toml"), "cancel_cutoff_hours = -3\n").unwrap();
    let out = medspa(dir.path()).args(["migrate"]).output().unwrap();
    fails_with_one_line(&out, "cancel_cutoff_hours");
}

#[test]
fn flags_beat_environment_beat_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("medspa.toml"), "data_dir = \"from-file\"\n").unwrap();
    let out = medspa(dir.path()).args(["migrate"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("from-file/medspa.db").exists());
    let out = medspa(dir.path())
        .args(["migrate"])
        .env("MEDSPA_DATA_DIR", "from-env")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("from-env/medspa.db").exists());
    let out = medspa(dir.path())
        .args(["migrate", "--data-dir", "from-flag"])
        .env("MEDSPA_DATA_DIR", "from-env")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("from-flag/medspa.db").exists());
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
}

#[test]
fn unreachable_database_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("postgres://postgres:hunter2@127.0.0.1:{port}/medspa");
    let out = medspa(dir.path())
        .args(["migrate", "--database-url", &url])
        .env("MEDSPA_SECRET_KEY", KEY_A)
        .output()
        .unwrap();
    fails_with_one_line(&out, "cannot open database");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("hunter2"),
        "passwords are redacted"
    );
}

#[test]
fn port_in_use_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = medspa(dir.path())
        .args(["demo", "--bind", &addr])
        .output()
        .unwrap();
    fails_with_one_line(&out, "already in use");
}

fn wait_healthy(port: u16, child: &mut Child) -> Duration {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("medspa exited early: {status}");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
            let mut body = String::new();
            std::io::Read::read_to_string(&mut s, &mut body).ok();
            if body.contains(r#"{"status":"ok"}"#) {
                return started.elapsed();
            }
        }
        assert!(
            started.elapsed() < Duration::from_mins(1),
            "not healthy within 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no graceful stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn post_json(port: u16, path: &str, body: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut res = String::new();
    std::io::Read::read_to_string(&mut s, &mut res).unwrap();
    res
}

fn get(port: u16, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\n\r\n").unwrap();
    let mut body = String::new();
    std::io::Read::read_to_string(&mut s, &mut body).unwrap();
    body
}

#[test]
fn demo_serves_then_reuses_its_data_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let mut child = medspa(dir.path())
        .args(["demo", "--bind", &bind])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port, &mut child);
    assert!(get(port, "/").contains("Willowbrook Skin Studio"));
    // Book a consultation through the API: without SMTP its confirmation waits in the outbox.
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("America/Chicago").unwrap())
        .date();
    let to = today.checked_add(jiff::Span::new().days(30)).unwrap();
    let avail = get(
        port,
        &format!("/api/v1/availability?service=consultation&from={today}&to={to}"),
    );
    let json: serde_json::Value =
        serde_json::from_str(avail.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let start = json["slots"][0]["start"]
        .as_str()
        .expect("a free consultation in the demo")
        .to_owned();
    let body = serde_json::json!({"service": "consultation", "start": start, "consent": true,
        "client": {"name": "Test Person", "email": "test.person@example.com", "phone": "+1 312 555 0199"}});
    let res = post_json(port, "/api/v1/bookings", &body.to_string());
    assert!(res.starts_with("HTTP/1.1 201"), "{res}");
    assert!(terminate(&mut child).success(), "SIGTERM is a clean exit");
    let out = medspa(dir.path())
        .args(["outbox", "--status", "pending"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        listing.contains("confirmation") && listing.contains("test.person@example.com"),
        "{listing}"
    );
    let key = dir.path().join("data/secret.key");
    let key_before = std::fs::read_to_string(&key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // Second run: same data, same key.
    let mut child = medspa(dir.path())
        .args(["demo", "--bind", &bind])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port, &mut child);
    assert!(get(port, "/").contains("Willowbrook Skin Studio"));
    assert!(terminate(&mut child).success());
    assert_eq!(std::fs::read_to_string(&key).unwrap(), key_before);
}

#[test]
fn user_add_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = medspa(dir.path())
        .args([
            "user",
            "add",
            "--email",
            "owner@clinic.example",
            "--name",
            "Olive Owner",
            "--role",
            "owner",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a sufficiently long password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("added owner@clinic.example as Owner"));
    assert!(
        stdout.contains("sign in at http://127.0.0.1:8080/admin/login"),
        "{stdout}"
    );

    let out = medspa(dir.path())
        .args([
            "user",
            "add",
            "--email",
            "owner@clinic.example",
            "--name",
            "Again",
            "--role",
            "owner",
        ])
        .output()
        .unwrap();
    fails_with_one_line(&out, "already exists");
    let out = medspa(dir.path())
        .args([
            "user",
            "add",
            "--email",
            "x@clinic.example",
            "--name",
            "X",
            "--role",
            "admin",
        ])
        .output()
        .unwrap();
    fails_with_one_line(&out, "--role");

    let out = medspa(dir.path())
        .args(["backup", "--out", "backups/copy.db"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("backups/copy.db").metadata().unwrap().len() > 0);
    let out = medspa(dir.path())
        .args(["backup", "--out", "backups/copy.db"])
        .output()
        .unwrap();
    fails_with_one_line(&out, "already exists");
}

#[test]
fn help_speaks_to_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let out = medspa(dir.path()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["demo", "serve", "migrate", "user", "backup", "setup"] {
        assert!(help.contains(cmd), "{help}");
    }
}

#[test]
fn import_clients_reports_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\u{feff}Name,Email,Phone\n\
        Ava Alder,ava@example.net,+1 312 555 0101\n\
        Bo Brightwater,not-an-email,\n\
        ,nameless@example.net,\n\
        Cleo Castellan,CLEO@example.net,\n\
        Cleo Again,cleo@example.net,+1 312 555 0102\n\
        Dev Dunmore,dev@example.net,call me\n";
    std::fs::write(dir.path().join("clients.csv"), csv).unwrap();
    let out = medspa(dir.path())
        .args(["import", "clients", "clients.csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("imported 2 new clients; 1 already known (unchanged); 3 rows not imported"),
        "{text}"
    );
    assert!(
        text.contains("line 3: email")
            && text.contains("line 4: name")
            && text.contains("line 7: phone"),
        "{text}"
    );
    let rejected = std::fs::read_to_string(dir.path().join("clients.csv.rejected.csv")).unwrap();
    assert_eq!(rejected.lines().count(), 4, "header + 3 rows: {rejected}");
    assert!(rejected.contains("not-an-email") && rejected.contains("line,error"));
    // Importing again changes nothing.
    let out = medspa(dir.path())
        .args(["import", "clients", "clients.csv"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 0 new clients; 3 already known")
    );
    // A file without the right header is refused whole.
    std::fs::write(dir.path().join("bad.csv"), "who,where\nx,y\n").unwrap();
    let out = medspa(dir.path())
        .args(["import", "clients", "bad.csv"])
        .output()
        .unwrap();
    fails_with_one_line(&out, "name, email");
}

const KEY_A: &str = "key-a-key-a-key-a-key-a-key-a-key-a-key-a";
const KEY_B: &str = "key-b-key-b-key-b-key-b-key-b-key-b-key-b";

#[test]
fn postgres_needs_a_configured_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = medspa(dir.path())
        .args([
            "migrate",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/medspa",
        ])
        .output()
        .unwrap();
    fails_with_one_line(&out, "MEDSPA_SECRET_KEY");
    assert!(String::from_utf8_lossy(&out.stderr).contains("PostgreSQL"));
    assert!(
        !dir.path().join("data/secret.key").exists(),
        "no key generated"
    );
}

#[test]
fn bad_trusted_proxies_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = medspa(dir.path())
        .args(["migrate"])
        .env("MEDSPA_TRUSTED_PROXIES", "127.0.0.1/32 not-a-network")
        .output()
        .unwrap();
    fails_with_one_line(&out, "trusted_proxies");
    let out = medspa(dir.path())
        .args(["migrate"])
        .env("MEDSPA_TRUSTED_PROXIES", "127.0.0.1 10.0.0.0/8, ::1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The generated SQLite key is recorded; starting with another key refuses before serving.
#[test]
fn sqlite_instance_with_another_key_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = medspa(dir.path()).args(["migrate"]).output().unwrap();
    assert!(out.status.success());
    let port = free_port();
    let out = medspa(dir.path())
        .args(["demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("MEDSPA_SECRET_KEY", KEY_B)
        .output()
        .unwrap();
    fails_with_one_line(&out, "does not match");
    // Nothing was created by the refused start.
    let out = medspa(dir.path()).args(["outbox"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 pending"));
}

/// Two instances on one PostgreSQL database: the second, with another key, refuses to start.
#[test]
fn postgres_instance_with_another_key_refuses_to_start() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(medspa_testkit::TestDb::postgres()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let first = medspa(dir.path())
        .args(["migrate", "--database-url", &db.url])
        .env("MEDSPA_SECRET_KEY", KEY_A)
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let port = free_port();
    let second = medspa(dir.path())
        .args([
            "demo",
            "--database-url",
            &db.url,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("MEDSPA_SECRET_KEY", KEY_B)
        .output()
        .unwrap();
    fails_with_one_line(&second, "does not match");
    let again = medspa(dir.path())
        .args(["migrate", "--database-url", &db.url])
        .env("MEDSPA_SECRET_KEY", KEY_A)
        .output()
        .unwrap();
    assert!(again.status.success(), "the first key still works");
}

/// SIGTERM stops the server within its grace period even while a client holds a request
/// half-sent.
#[test]
fn shutdown_is_bounded_with_a_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = medspa(dir.path())
        .args(["demo", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port, &mut child);
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        slow,
        "POST /api/v1/eligibility HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"service\""
    )
    .unwrap();
    let idle = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let status = terminate(&mut child);
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(15));
    drop((slow, idle));
}
