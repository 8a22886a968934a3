//! A new clinic, as its owner meets medspa: an empty data dir -> `medspa serve` prints a setup
//! token (also in `setup-token`, mode 0600) -> the setup page with that token -> signed in as
//! the owner; and the same without a browser through `medspa setup`.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn medspa(dir: &std::path::Path) -> Command {
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stops the server when the test ends, whatever happens.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
    }
}

/// Starts `medspa serve` and reads its stdout until it says it is open; returns the lines.
fn serve(dir: &std::path::Path, port: u16) -> (Server, Vec<String>) {
    let mut child = medspa(dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut lines = Vec::new();
    let mut reader = BufReader::new(stdout).lines();
    for line in reader.by_ref() {
        let line = line.unwrap();
        let open = line.contains(" is open at ");
        lines.push(line);
        if open {
            break;
        }
    }
    // Keep draining: a closed pipe would make the server's next line fail.
    std::thread::spawn(move || reader.for_each(drop));
    (server, lines)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

fn csrf_in(html: &str) -> String {
    let key = r#"name="csrf_token" value=""#;
    let i = html.find(key).unwrap() + key.len();
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_clinic_goes_from_empty_data_dir_to_signed_in_owner() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let (server, lines) = serve(dir.path(), port);
    let text = lines.join("\n");
    assert!(text.contains("not set up yet"), "{text}");
    assert!(text.contains(&format!("{base}/admin/setup")), "{text}");
    let token = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| l.len() == 43 && !l.contains(' '))
        .unwrap_or_else(|| panic!("no token in: {text}"))
        .to_owned();
    let file = dir.path().join("data/setup-token");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), token);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let http = client();
    let get = |path: &str| http.get(format!("{base}{path}")).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    let home = get("/").await.unwrap();
    assert_eq!(home.status(), 503);
    assert!(home.text().await.unwrap().contains("not set up yet"));

    let page = get("/admin/setup").await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let res = http
        .post(format!("{base}/admin/setup"))
        .header("Origin", &base)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("token", token.as_str()),
            ("clinic_name", "Juniper Row Aesthetics"),
            ("timezone", "America/Chicago"),
            ("currency", "USD"),
            ("mon_open", "09:00"),
            ("mon_close", "17:00"),
            ("name", "Mara Quill"),
            ("email", "mara@juniper.example"),
            ("password", "copper kettle rain window"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let today = get("/admin").await.unwrap();
    assert_eq!(today.status(), 200);
    assert!(today.text().await.unwrap().contains("Add your services"));
    assert!(!file.exists(), "the used token's file is deleted");
    assert_eq!(get("/admin/setup").await.unwrap().status(), 404);
    let home = get("/").await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(
        home.text()
            .await
            .unwrap()
            .contains("Juniper Row Aesthetics")
    );

    // A fresh browser signs in with the new account.
    let other = client();
    let page = other
        .get(format!("{base}/admin/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = other
        .post(format!("{base}/admin/login"))
        .header("Origin", &base)
        .form(&[
            ("csrf_token", csrf_in(&page).as_str()),
            ("email", "mara@juniper.example"),
            ("password", "copper kettle rain window"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    drop(server);

    // Restarted, it serves the clinic and prints no token.
    let (_server, lines) = serve(dir.path(), port);
    let text = lines.join("\n");
    assert!(text.contains("Juniper Row Aesthetics is open"), "{text}");
    assert!(!text.contains("setup token"), "{text}");
}

fn setup_cmd(dir: &std::path::Path, args: &[&str], password: &str) -> std::process::Output {
    let mut child = medspa(dir)
        .arg("setup")
        .args(args)
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn one_line_error(out: &std::process::Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("medspa: ") && lines[0].contains(needle),
        "{err}"
    );
}

#[test]
fn setup_command_checks_everything_first_and_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let good = [
        "--clinic-name",
        "Juniper Row Aesthetics",
        "--timezone",
        "America/Chicago",
        "--owner-email",
        "mara@juniper.example",
        "--owner-name",
        "Mara Quill",
        "--hours",
        "mon-fri=09:00-18:00",
        "--hours",
        "sat=10:00-14:00",
    ];
    let pw = "copper kettle rain window";
    let mut bad_zone = good.to_vec();
    bad_zone[3] = "Mars/Olympus";
    one_line_error(&setup_cmd(dir.path(), &bad_zone, pw), "--timezone");
    let mut bad_email = good.to_vec();
    bad_email[5] = "mara-at-juniper";
    one_line_error(&setup_cmd(dir.path(), &bad_email, pw), "--owner-email");
    let mut bad_hours = good.to_vec();
    bad_hours[9] = "mon-fri=18:00-09:00";
    one_line_error(&setup_cmd(dir.path(), &bad_hours, pw), "--hours");
    one_line_error(&setup_cmd(dir.path(), &good, "password1234"), "password");
    assert!(
        !dir.path().join("data/medspa.db").exists(),
        "nothing was written, not even the database file"
    );

    let out = setup_cmd(dir.path(), &good, pw);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created Juniper Row Aesthetics (America/Chicago)"),
        "{stdout}"
    );
    assert!(stdout.contains("/admin/login"), "{stdout}");
    one_line_error(&setup_cmd(dir.path(), &good, pw), "already has a clinic");

    // `user add` follows the same password rule.
    let mut child = medspa(dir.path())
        .args([
            "user",
            "add",
            "--email",
            "desk@juniper.example",
            "--name",
            "Dee Desk",
            "--role",
            "front_desk",
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
        .write_all(b"qwertyuiop123\n")
        .unwrap();
    one_line_error(&child.wait_with_output().unwrap(), "too common");
}
