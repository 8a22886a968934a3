//! `medspa key rotate` through the binary on SQLite (the store's contract tests cover both
//! databases and the mid-rotation reads in detail).

use crate::support::{KEY, NEW_KEY, book, key, medspa, refused, slots, start, stdout, store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotate_moves_every_sealed_field_to_the_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = vec![
        ("MEDSPA_DATA_DIR", data.display().to_string()),
        ("MEDSPA_SECRET_KEY", KEY.to_owned()),
    ];
    let server = start(dir.path(), "demo", &env);
    let http = reqwest::Client::new();
    let free = slots(&http, &server.base(), 10).await;
    for (n, slot) in free.iter().step_by(5).take(6).enumerate() {
        assert_eq!(book(&http, &server.base(), slot, n).await.0, 201);
    }
    drop(server);
    let rotate = |extra: Vec<(&'static str, String)>| {
        medspa(dir.path())
            .args(["key", "rotate", "--batch-size", "4"])
            .envs(env.clone())
            .envs(extra)
            .output()
            .unwrap()
    };
    refused(&rotate(vec![]), "MEDSPA_NEW_SECRET_KEY");
    refused(
        &rotate(vec![("MEDSPA_NEW_SECRET_KEY", "short".into())]),
        "new_secret_key",
    );
    let out = rotate(vec![("MEDSPA_NEW_SECRET_KEY", NEW_KEY.into())]);
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    assert!(
        stdout(&out).contains("key rotation finished"),
        "{}",
        stdout(&out)
    );
    // The old key is refused now; the new one opens everything.
    let migrate = |k: &str| {
        medspa(dir.path())
            .args(["migrate"])
            .env("MEDSPA_DATA_DIR", data.display().to_string())
            .env("MEDSPA_SECRET_KEY", k)
            .output()
            .unwrap()
    };
    refused(&migrate(KEY), "does not match");
    assert!(migrate(NEW_KEY).status.success());
    let url = format!("sqlite://{}", data.join("medspa.db").display());
    let s = store(&url, &key(NEW_KEY)).await;
    let report = s.check_sealed().await.unwrap();
    assert!(report.total >= 18, "{report:?}");
    assert_eq!(report.unreadable, 0);
    // --new-key-stdin: another rotation, the key from standard input.
    let mut child = medspa(dir.path())
        .args(["key", "rotate", "--new-key-stdin"])
        .env("MEDSPA_DATA_DIR", data.display().to_string())
        .env("MEDSPA_SECRET_KEY", NEW_KEY)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{KEY}-third").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    let third = key(&format!("{KEY}-third"));
    let s = store(&url, &third).await;
    assert_eq!(s.check_sealed().await.unwrap().unreadable, 0);
}
