//! `medspa backup` then `medspa restore` into a fresh data dir: every booking, sealed field
//! (with the key) and audit entry comes back; the restore refuses what it must.

use crate::support::{KEY, book, key, medspa, refused, slots, start, stdout, store, texts};

const APPOINTMENTS: &str = "SELECT reference FROM appointments ORDER BY reference";
const AUDIT: &str = "SELECT action || ' ' || entity || ' ' || entity_id FROM audit_log ORDER BY id";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_restores_into_a_fresh_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let env = |d: &std::path::Path| {
        vec![
            ("MEDSPA_DATA_DIR", d.display().to_string()),
            ("MEDSPA_SECRET_KEY", KEY.to_owned()),
        ]
    };
    // A clinic with bookings made through the API (sealed notes, manage tokens, idempotent
    // responses, audit entries).
    let server = start(dir.path(), "demo", &env(&a));
    let http = reqwest::Client::new();
    let free = slots(&http, &server.base(), 20).await;
    let mut references = Vec::new();
    for (n, slot) in free.iter().step_by(7).take(12).enumerate() {
        let (status, body) = book(&http, &server.base(), slot, n).await;
        assert_eq!(status, 201, "{body}");
        references.push(body["reference"].as_str().unwrap().to_owned());
    }
    // Online: the server keeps running while the backup is taken.
    let file = dir.path().join("backups").join("monday.db");
    let out = medspa(dir.path())
        .args(["backup", "--out", file.to_str().unwrap()])
        .envs(env(&a))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("secret key") && said.contains("medspa restore"),
        "{said}"
    );
    drop(server);

    let a_url = format!("sqlite://{}", a.join("medspa.db").display());
    let b_url = format!("sqlite://{}", b.join("medspa.db").display());
    // Refusals, each changing nothing: no key in a fresh data dir, another key, a file that
    // is not a backup, a server running on the target.
    let restore = |envs: Vec<(&'static str, String)>, what: &std::path::Path| {
        medspa(dir.path())
            .args(["restore", what.to_str().unwrap()])
            .env_remove("MEDSPA_SECRET_KEY")
            .envs(envs)
            .output()
            .unwrap()
    };
    refused(
        &restore(vec![("MEDSPA_DATA_DIR", b.display().to_string())], &file),
        "MEDSPA_SECRET_KEY",
    );
    assert!(!b.join("secret.key").exists(), "no key was generated");
    let other = vec![
        ("MEDSPA_DATA_DIR", b.display().to_string()),
        (
            "MEDSPA_SECRET_KEY",
            "another-key-another-key-another-key-another".to_owned(),
        ),
    ];
    refused(&restore(other, &file), "another secret key");
    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, "not a database at all, just some text\n".repeat(200)).unwrap();
    refused(&restore(env(&b), &junk), "not a medspa backup");
    refused(
        &restore(env(&b), &dir.path().join("missing.db")),
        "does not exist",
    );
    assert!(!b.join("medspa.db").exists());

    let out = restore(env(&b), &file);
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    assert!(stdout(&out).contains("(0 unreadable)"), "{}", stdout(&out));

    // Everything is there: bookings, audit entries, sealed fields that open with the key.
    let (before, after) = (
        texts(&a_url, APPOINTMENTS).await,
        texts(&b_url, APPOINTMENTS).await,
    );
    assert!(before.len() > 1000, "the demo history and the new bookings");
    assert_eq!(before, after);
    for r in &references {
        assert!(after.contains(r));
    }
    let audit = texts(&b_url, AUDIT).await;
    assert!(!audit.is_empty());
    assert_eq!(texts(&a_url, AUDIT).await, audit);
    let (old, new) = (
        store(&a_url, &key(KEY)).await,
        store(&b_url, &key(KEY)).await,
    );
    let (s_old, s_new) = (
        old.check_sealed().await.unwrap(),
        new.check_sealed().await.unwrap(),
    );
    assert!(s_new.total >= 12 * 3, "{s_new:?}");
    assert_eq!((s_new.total, s_new.unreadable), (s_old.total, 0));
    let notes = texts(
        &b_url,
        "SELECT reference FROM appointments WHERE notes_sealed IS NOT NULL",
    )
    .await;
    assert_eq!(notes.len(), references.len());
    new.close().await;
    old.close().await;

    // A server on the restored data dir: it serves the restored bookings, and a restore while
    // it runs is refused.
    let server = start(dir.path(), "serve", &env(&b));
    refused(&restore(env(&b), &file), "server is running");
    let http = reqwest::Client::new();
    let res = http
        .get(format!(
            "{}/api/v1/bookings/{}",
            server.base(),
            references[0]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404, "no token: not found");
    drop(server);
    // Restoring again over a database keeps the replaced one beside it.
    let out = restore(env(&b), &file);
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    assert!(stdout(&out).contains("before-restore"), "{}", stdout(&out));
}
