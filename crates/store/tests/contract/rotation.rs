//! Key rotation (`medspa key rotate`): every sealed column is re-sealed, an interrupted run
//! resumes, reads work mid-rotation on any instance, and afterwards only the new key opens.

use super::{NOW, seeded};
use medspa_core::availability::Policy;
use medspa_core::input::{Email, PersonName, Phone};
use medspa_store::contact::NewContactMessage;
use medspa_store::key_check::KeyCheck;
use medspa_store::rotate::{RotationStart, SEALED_COLUMNS};
use medspa_store::{
    BookOutcome, ConnectOptions, DatabaseUrl, IdempotencyKey, NewBooking, SecretKey, Store,
    StoreError,
};
use medspa_testkit::{Kind, TestDb, on_both, test_secret};
use std::ops::ControlFlow;
use std::time::Duration;

fn new_key() -> SecretKey {
    SecretKey::new("rotated-key-rotated-key-rotated-key-rotated").unwrap()
}

/// Another instance on the same database with the given key(s).
async fn instance(db: &TestDb, key: &SecretKey, next: Option<&SecretKey>) -> Store {
    let url = match db.kind {
        Kind::Sqlite => DatabaseUrl::Sqlite(db.url.trim_start_matches("sqlite://").into()),
        Kind::Postgres => DatabaseUrl::Postgres(db.url.clone()),
    };
    let store = Store::connect(&ConnectOptions {
        url,
        secret: key.clone(),
        max_connections: 2,
        connect_timeout: Duration::from_secs(5),
    })
    .await
    .unwrap();
    match next {
        Some(n) => store.with_next_key(n),
        None => store,
    }
}

fn day0() -> i64 {
    // 2026-12-01T14:00Z, 08:00 in Chicago (a Tuesday).
    1_796_133_600_000
}

fn booking(clinic: &medspa_core::clinic::Clinic, i: i64) -> NewBooking {
    NewBooking {
        service: clinic.service("consultation").unwrap().id,
        location: clinic.locations[0].id,
        start_ms: day0() + (i % 16) * 30 * 60_000 + (i / 16) * 86_400_000,
        staff: None,
        name: PersonName::parse("Rota Tester", "n").unwrap(),
        email: Email::parse(&format!("r{i}@example.com"), "e").unwrap(),
        phone: Phone::parse("+1 312 555 0100", "p").unwrap(),
        screening_json: Some(format!("{{\"pregnant\":false,\"n\":{i}}}")),
        notes: Some(format!("note {i}")),
        series: None,
    }
}

async fn book(store: &Store, clinic: &medspa_core::clinic::Clinic, i: i64) -> BookOutcome {
    let b = booking(clinic, i);
    let idem = IdempotencyKey::new(&format!("idem-{i}"), format!("body {i}").as_bytes());
    store
        .book(
            clinic,
            &Policy::default(),
            &b,
            Some(&idem),
            NOW - 86_400_000,
            std::sync::Arc::new(move |_| format!("{{\"n\":{i}}}")),
        )
        .await
        .unwrap()
}

/// Every screening answer and contact message reads back through the store's own API.
async fn reads_all(store: &Store, booked: &[medspa_core::AppointmentId], messages: usize) {
    for id in booked {
        let a = store.appointment(*id).await.unwrap();
        let s = store.screening_json(&a).unwrap().unwrap();
        assert!(s.contains("pregnant"), "{s}");
    }
    let m = store.contact_messages(100).await.unwrap();
    assert_eq!(m.len(), messages);
    assert!(m.iter().all(|m| m.message.starts_with("Message ")));
}

async fn rotation_reseals_everything_and_resumes(db: TestDb) {
    let (old_store, clinic) = seeded(&db).await;
    assert_eq!(old_store.verify_key(NOW).await.unwrap(), KeyCheck::Recorded);
    let mut booked = Vec::new();
    for i in 0..24 {
        let BookOutcome::Created(b) = book(&old_store, &clinic, i).await else {
            panic!("new booking")
        };
        booked.push(b.appointment.id);
    }
    for i in 0..3 {
        old_store
            .add_contact_message(
                &NewContactMessage {
                    name: PersonName::parse("Rota Tester", "n").unwrap(),
                    email: Email::parse("r@example.com", "e").unwrap(),
                    phone: None,
                    message: format!("Message {i} about my skin"),
                },
                NOW,
            )
            .await
            .unwrap();
    }
    // A sealed intake on every client (no API writes it yet): sealed as the app would.
    let clients = db.raw_count("SELECT COUNT(*) FROM clients").await;
    assert!(clients > 0);
    let before = old_store.check_sealed().await.unwrap();
    assert_eq!(before.unreadable, 0);
    // screening + notes + token + idempotent response per booking, plus the messages.
    assert!(before.total >= 24 * 4 + 3, "{before:?}");

    // The rotation, interrupted after two batches of 10.
    let rotator = instance(&db, &test_secret(), Some(&new_key())).await;
    assert_eq!(rotator.verify_key(NOW).await.unwrap(), KeyCheck::Matches);
    assert_eq!(
        rotator.begin_rotation(NOW).await.unwrap(),
        RotationStart::Begun
    );
    let to_do = rotator.values_to_reseal().await.unwrap();
    assert_eq!(to_do, before.total);
    let mut batches = 0;
    let done = rotator
        .reseal_all(10, |_| {
            batches += 1;
            if batches == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .await
        .unwrap();
    assert_eq!(done, 20);
    assert_eq!(rotator.values_to_reseal().await.unwrap(), to_do - 20);
    assert!(matches!(
        rotator.finish_rotation().await,
        Err(StoreError::Rejected(_))
    ));

    // Mid-rotation: an instance with both keys starts, reads old and new values, and seals
    // what it writes under the new key; an instance with only the old key is refused.
    let both = instance(&db, &test_secret(), Some(&new_key())).await;
    assert_eq!(both.verify_key(NOW).await.unwrap(), KeyCheck::Rotating);
    reads_all(&both, &booked, 3).await;
    let BookOutcome::Created(b) = book(&both, &clinic, 40).await else {
        panic!("new booking")
    };
    booked.push(b.appointment.id);
    // Replaying an idempotent booking opens its stored response (old key or new).
    assert!(matches!(
        book(&both, &clinic, 0).await,
        BookOutcome::Replayed(r) if r == "{\"n\":0}"
    ));
    let only_old = instance(&db, &test_secret(), None).await;
    assert!(matches!(
        only_old.verify_key(NOW).await,
        Err(StoreError::Rejected(m)) if m.contains("MEDSPA_NEW_SECRET_KEY")
    ));
    // An instance that was already running with only the old key still reads old values.
    let _ = old_store
        .screening_json(&old_store.appointment(booked[23]).await.unwrap())
        .unwrap();
    // A second rotator with a different new key is refused.
    let other = SecretKey::new("another-key-another-key-another-key-xx").unwrap();
    let wrong = instance(&db, &test_secret(), Some(&other)).await;
    assert!(wrong.verify_key(NOW).await.is_err());
    assert!(wrong.begin_rotation(NOW).await.is_err());

    // Resume: the same command again picks up where it stopped.
    assert_eq!(
        rotator.begin_rotation(NOW).await.unwrap(),
        RotationStart::Resumed
    );
    let rest = rotator
        .reseal_all(10, |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    assert_eq!(
        rest,
        to_do - 20,
        "the new booking was sealed under the new key"
    );
    assert_eq!(rotator.values_to_reseal().await.unwrap(), 0);
    rotator.finish_rotation().await.unwrap();

    // Afterwards: every value opens with the new key alone, none with the old one.
    let new_only = instance(&db, &new_key(), None).await;
    assert_eq!(new_only.verify_key(NOW).await.unwrap(), KeyCheck::Matches);
    let after = new_only.check_sealed().await.unwrap();
    assert_eq!(after.unreadable, 0);
    assert_eq!(after.total, before.total + 4, "{after:?}");
    reads_all(&new_only, &booked, 3).await;
    let old_view = instance(&db, &test_secret(), None).await;
    assert!(matches!(
        old_view.verify_key(NOW).await,
        Err(StoreError::KeyMismatch)
    ));
    assert_eq!(
        old_view.check_sealed().await.unwrap().unreadable,
        after.total
    );
    // Still-running instances with both keys keep sealing under the new key.
    assert!(both.refresh_key_state().await.unwrap());
    // Restarting one with the old key as MEDSPA_SECRET_KEY is refused with what to change.
    let restarted = instance(&db, &test_secret(), Some(&new_key())).await;
    assert!(matches!(
        restarted.verify_key(NOW).await,
        Err(StoreError::Rejected(m)) if m.contains("finished")
    ));
}
on_both!(rotation_reseals_everything_and_resumes);

/// The list of sealed columns the rotation walks is the schema's: every `*_sealed` column.
async fn every_sealed_column_is_rotated(db: TestDb) {
    let in_schema = match db.kind {
        Kind::Sqlite => {
            db.raw_count(
                "SELECT COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND p.name LIKE '%\\_sealed' ESCAPE '\\'",
            )
            .await
        }
        Kind::Postgres => {
            db.raw_count(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'public' \
                 AND column_name LIKE '%\\_sealed' ESCAPE '\\'",
            )
            .await
        }
    };
    assert_eq!(usize::try_from(in_schema).unwrap(), SEALED_COLUMNS.len());
    for c in SEALED_COLUMNS {
        let q = format!(
            "SELECT COUNT({}) + COUNT({}) FROM {}",
            c.column, c.key, c.table
        );
        // Fails (panics) if the table, column or key column does not exist.
        let _ = db.raw_count(&q).await;
    }
}
on_both!(every_sealed_column_is_rotated);

/// An older release starts on a database a newer one migrated (rolling upgrades): unknown
/// applied migrations are tolerated, not a refusal to start.
async fn newer_migrations_do_not_stop_an_older_release(db: TestDb) {
    let store = db.store();
    let checksum = match db.kind {
        Kind::Sqlite => "X'00'",
        Kind::Postgres => "'\\x00'::bytea",
    };
    db.raw_execute(
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES (99990101000000, 'from a newer release', TRUE, {checksum}, 1)"
        ),
        &[],
        &[],
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let applied = store.applied_migrations().await.unwrap();
    assert!(applied.contains(&99_990_101_000_000));
}
on_both!(newer_migrations_do_not_stop_an_older_release);
