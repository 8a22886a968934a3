//! Storage contract tests: each runs on SQLite and on PostgreSQL (see medspa-testkit).

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use jiff::civil::date;
use medspa_core::input::{Email, PersonName};
use medspa_core::time::Interval;
use medspa_core::{AppointmentId, ClientId, ResourceId};
use medspa_store::{
    ConnectOptions, DatabaseUrl, NewUser, Role, SeedAppointment, SeedClient, Store, StoreError,
};
use medspa_testkit::{Kind, TestDb, on_both, test_secret};
use uuid::Uuid;

const NOW: i64 = 1_795_000_000_000;

fn demo_clinic() -> medspa_core::clinic::Clinic {
    medspa_demo::clinic(date(2026, 11, 25))
}

async fn seeded(db: &TestDb) -> (Store, medspa_core::clinic::Clinic) {
    let store = db.store();
    let clinic = demo_clinic();
    store.insert_clinic(&clinic).await.unwrap();
    (store, clinic)
}

fn appointment(
    clinic: &medspa_core::clinic::Clinic,
    client: ClientId,
    start: i64,
    n: u32,
) -> SeedAppointment {
    let svc = clinic.service("consultation").unwrap();
    let staff = clinic.staff[0].id;
    let end = start + 30 * 60_000;
    SeedAppointment {
        id: AppointmentId::new(Uuid::now_v7()),
        reference: format!("TEST{n:04}"),
        token_hash: n.to_le_bytes().repeat(8),
        client_id: client,
        service_id: svc.id,
        location_id: clinic.locations[0].id,
        staff_id: Some(staff),
        room_id: None,
        device_id: None,
        start_ms: start,
        end_ms: end,
        status: "confirmed",
        holds: vec![(ResourceId::from(staff), Interval::new(start, end))],
    }
}

fn client() -> SeedClient {
    SeedClient {
        id: ClientId::new(Uuid::now_v7()),
        name: "Test Client".into(),
        email: "client@example.com".into(),
        phone: "+1 312 555 0100".into(),
    }
}

async fn fresh_database_migrates_to_latest(db: TestDb) {
    let store = db.store();
    let applied = store.applied_migrations().await.unwrap();
    assert_eq!(applied.len(), store.migration_names().len());
    assert!(!applied.is_empty());
    // Migrating again is a no-op.
    store.migrate().await.unwrap();
    assert_eq!(store.applied_migrations().await.unwrap(), applied);
    assert!(
        store.load_clinic().await.unwrap().is_none(),
        "a fresh database has no clinic"
    );
}
on_both!(fresh_database_migrates_to_latest);

async fn clinic_round_trips(db: TestDb) {
    let (store, clinic) = seeded(&db).await;
    let loaded = store.load_clinic().await.unwrap().expect("clinic");
    assert_eq!(loaded.info, clinic.info);
    assert_eq!(loaded.locations, clinic.locations);
    assert_eq!(loaded.rooms, clinic.rooms);
    assert_eq!(loaded.devices, clinic.devices);
    assert_eq!(loaded.services, clinic.services);
    let mut want = clinic.staff.clone();
    let mut got = loaded.staff.clone();
    for s in want.iter_mut().chain(got.iter_mut()) {
        s.services.sort();
    }
    assert_eq!(got, want);
    // Slugs are unique.
    let err = store.insert_clinic(&clinic).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_) | StoreError::Db(_)),
        "{err:?}"
    );
}
on_both!(clinic_round_trips);

async fn database_rejects_overlapping_holds(db: TestDb) {
    let (store, clinic) = seeded(&db).await;
    let c = client();
    let start = NOW + 86_400_000;
    let first = appointment(&clinic, c.id, start, 1);
    store
        .insert_history(std::slice::from_ref(&c), std::slice::from_ref(&first), NOW)
        .await
        .unwrap();

    // The app's own write path: an overlapping appointment for the same staff member fails whole.
    let clash = appointment(&clinic, c.id, start + 15 * 60_000, 2);
    let err = store
        .insert_history(&[], std::slice::from_ref(&clash), NOW)
        .await
        .unwrap_err();
    assert!(err.is_overlap(), "{err:?}");
    assert_eq!(
        store.count_appointments().await.unwrap(),
        1,
        "nothing of the failed write stays"
    );

    // A writer that skips the application: raw SQL straight into holds.
    let staff = clinic.staff[0].id.get();
    let raw = db
        .raw_execute(
            "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
             VALUES ($1, $2, $3, $4, $5 = 1)",
            &[first.id.get(), staff],
            &[start + 60_000, start + 120_000, 1],
        )
        .await
        .map_err(StoreError::from);
    assert!(raw.as_ref().is_err_and(StoreError::is_overlap), "{raw:?}");
    // Re-activating a cancelled hold that now overlaps is refused too.
    let sneaky = db
        .raw_execute(
            "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
             VALUES ($1, $2, $3, $4, $5 = 1)",
            &[first.id.get(), staff],
            &[start + 60_000, start + 120_000, 0],
        )
        .await;
    assert_eq!(sneaky.unwrap(), 1, "an inactive hold may overlap");
    let reactivate = db
        .raw_execute(
            "UPDATE holds SET active = ($1 = 1) WHERE active = ($2 = 1)",
            &[],
            &[1, 0],
        )
        .await
        .map_err(StoreError::from);
    assert!(
        reactivate.as_ref().is_err_and(StoreError::is_overlap),
        "{reactivate:?}"
    );

    // Back to back is fine (half-open intervals), and inactive holds never block.
    let adjacent = appointment(&clinic, c.id, start + 30 * 60_000, 3);
    store.insert_history(&[], &[adjacent], NOW).await.unwrap();
    let mut cancelled = appointment(&clinic, c.id, start, 4);
    cancelled.status = "cancelled";
    store.insert_history(&[], &[cancelled], NOW).await.unwrap();
}
on_both!(database_rejects_overlapping_holds);

async fn users_are_unique_by_email(db: TestDb) {
    let store = db.store();
    let user = NewUser {
        email: Email::parse("Owner@Clinic.example", "email").unwrap(),
        name: PersonName::parse("Olive Owner", "name").unwrap(),
        role: Role::Owner,
        password_hash: medspa_store::hash_password("a long enough password"),
    };
    store.add_user(&user, NOW).await.unwrap();
    let again = NewUser {
        email: Email::parse("owner@clinic.EXAMPLE", "email").unwrap(),
        ..user
    };
    assert!(matches!(
        store.add_user(&again, NOW).await,
        Err(StoreError::Conflict("users_email_norm_key"))
    ));
    let found = store
        .user_by_email("OWNER@clinic.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.role, Role::Owner);
    assert!(medspa_store::verify_password(
        "a long enough password",
        &found.password_hash
    ));
    let audit = store
        .audit_entries(Some(("user", &found.id.to_string())), 10)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "user.create");
}
on_both!(users_are_unique_by_email);

async fn backup_restores_everything(db: TestDb) {
    let (store, _) = seeded(&db).await;
    let c = client();
    store
        .insert_history(
            std::slice::from_ref(&c),
            &[appointment(&demo_clinic(), c.id, NOW, 7)],
            NOW,
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup.db");
    match db.kind {
        Kind::Sqlite => {
            let bytes = store.backup_to(&out).await.unwrap();
            assert!(bytes > 0);
            // A second backup to the same file is refused rather than overwriting it.
            assert!(store.backup_to(&out).await.is_err());
            let restored = Store::connect(&ConnectOptions {
                url: DatabaseUrl::Sqlite(out.clone()),
                secret: test_secret(),
                max_connections: 2,
                connect_timeout: std::time::Duration::from_secs(5),
            })
            .await
            .unwrap();
            restored.migrate().await.unwrap();
            assert_eq!(restored.count_appointments().await.unwrap(), 1);
            let a = restored.load_clinic().await.unwrap().unwrap();
            let b = store.load_clinic().await.unwrap().unwrap();
            assert_eq!(a.services, b.services);
            assert_eq!(a.locations, b.locations);
        }
        Kind::Postgres => {
            let err = store.backup_to(&out).await.unwrap_err();
            assert!(
                matches!(&err, StoreError::Rejected(hint) if hint.contains("pg_dump")),
                "{err:?}"
            );
        }
    }
}
on_both!(backup_restores_everything);

#[test]
fn migration_folders_match_by_name() {
    let names = |backend: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

/// Bookings whose callers vanish midway (a client disconnect drops the future) leave neither
/// half-written rows nor a stuck batch: later bookings still commit promptly.
async fn abandoned_bookings_never_block_the_writer(db: TestDb) {
    use medspa_core::availability::Policy;
    use medspa_core::input::Phone;
    use medspa_store::{BookOutcome, NewBooking};
    use std::sync::Arc;
    use std::time::Duration;
    let (store, clinic) = seeded(&db).await;
    let clinic = Arc::new(clinic);
    // 2026-12-01 (a Tuesday) from 08:00 Chicago, every 30 minutes: distinct consultation slots.
    let day0: i64 = jiff::Timestamp::from_second(1_796_133_600)
        .unwrap()
        .as_millisecond(); // 2026-12-01T14:00Z
    let now_ms = day0 - 5 * 86_400_000;
    let booking = |i: i64| NewBooking {
        service: clinic.service("consultation").unwrap().id,
        location: clinic.locations[0].id,
        start_ms: day0 + (i % 20) * 30 * 60_000 + (i / 20) * 86_400_000,
        staff: None,
        name: PersonName::parse("Load Test", "n").unwrap(),
        email: Email::parse(&format!("c{i}@example.com"), "e").unwrap(),
        phone: Phone::parse("+1 312 555 0100", "p").unwrap(),
        screening_json: None,
        notes: None,
        series: None,
    };
    let mut finished = 0;
    for round in 0..6_i64 {
        let mut tasks = Vec::new();
        for i in 0..12 {
            let (store, clinic, b) = (store.clone(), clinic.clone(), booking(round * 12 + i));
            tasks.push(tokio::spawn(async move {
                store
                    .book(&clinic, &Policy::default(), &b, None, now_ms, &|_| {
                        String::new()
                    })
                    .await
            }));
        }
        // Let some get in, then drop callers wherever they are (a burst of disconnects):
        // every other one in odd rounds, all of them in even rounds.
        tokio::time::sleep(Duration::from_millis(u64::try_from(round).unwrap())).await;
        for (i, t) in tasks.iter().enumerate() {
            if round % 2 == 0 || i % 2 == 1 {
                t.abort();
            }
        }
        for t in tasks {
            if let Ok(res) = t.await {
                assert!(matches!(res, Ok(BookOutcome::Created(_))), "{res:?}");
                finished += 1;
            }
        }
        // Nobody books next: the writer must still be free for any other write.
        let entry = medspa_store::audit::Entry::system("test.ping", "test", "writer");
        tokio::time::timeout(Duration::from_secs(10), store.audit(&entry, now_ms))
            .await
            .expect("the writer is not left holding an open batch")
            .unwrap();
    }
    let later = tokio::time::timeout(
        Duration::from_secs(10),
        store.book(
            &clinic,
            &Policy::default(),
            &booking(200),
            None,
            now_ms,
            &|_| String::new(),
        ),
    )
    .await
    .expect("the writer is not stuck");
    assert!(matches!(later, Ok(BookOutcome::Created(_))), "{later:?}");
    // Every appointment row has its hold and its confirmation: nothing half-written.
    let appts = store.count_appointments().await.unwrap();
    assert!(appts > i64::from(finished), "{appts} > {finished}");
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM holds WHERE active = TRUE")
            .await,
        appts
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'")
            .await,
        appts
    );
    tokio::time::timeout(Duration::from_secs(10), store.close())
        .await
        .expect("closes");
}
on_both!(abandoned_bookings_never_block_the_writer);

/// Holds last at most a day; within that bound the overlap guard sees a hold that started
/// almost a day before the new one.
async fn long_holds_are_bounded_and_still_guarded(db: TestDb) {
    let (store, clinic) = seeded(&db).await;
    let c = client();
    let start = NOW + 86_400_000;
    let first = appointment(&clinic, c.id, start, 1);
    store
        .insert_history(std::slice::from_ref(&c), std::slice::from_ref(&first), NOW)
        .await
        .unwrap();
    let staff = clinic.staff[0].id.get();
    let insert = "INSERT INTO holds (appointment_id, resource_id, starts_at_ms, ends_at_ms, active) \
                  VALUES ($1, $2, $3, $4, $5 = 1)";
    let hour = 3_600_000;
    // 25 hours: refused outright.
    let too_long = db
        .raw_execute(
            insert,
            &[first.id.get(), staff],
            &[start + 2 * hour, start + 27 * hour, 1],
        )
        .await;
    assert!(matches!(
        too_long.map_err(StoreError::from),
        Err(StoreError::Conflict("holds_max_length"))
    ));
    // A 23-hour hold, then a short one starting 22 hours into it: the overlap is caught.
    db.raw_execute(
        insert,
        &[first.id.get(), staff],
        &[start + 2 * hour, start + 25 * hour, 1],
    )
    .await
    .unwrap();
    let late = db
        .raw_execute(
            insert,
            &[first.id.get(), staff],
            &[start + 24 * hour, start + 24 * hour + 60_000, 1],
        )
        .await;
    assert!(
        late.map_err(StoreError::from)
            .is_err_and(|e| e.is_overlap())
    );
}
on_both!(long_holds_are_bounded_and_still_guarded);

/// The first key is recorded; the same key matches from any connection; another key is
/// refused, and the refusal changes nothing.
async fn only_the_recorded_key_is_accepted(db: TestDb) {
    use medspa_store::SecretKey;
    use medspa_store::key_check::KeyCheck;
    let store = db.store();
    assert_eq!(store.verify_key(NOW).await.unwrap(), KeyCheck::Recorded);
    assert_eq!(store.verify_key(NOW + 1).await.unwrap(), KeyCheck::Matches);
    let open = |secret: SecretKey| {
        let url = DatabaseUrl::parse(&db.url).unwrap();
        async move {
            Store::connect(&ConnectOptions {
                url,
                secret,
                max_connections: 2,
                connect_timeout: std::time::Duration::from_secs(5),
            })
            .await
            .unwrap()
        }
    };
    let same = open(test_secret()).await;
    assert_eq!(same.verify_key(NOW + 2).await.unwrap(), KeyCheck::Matches);
    let other = open(SecretKey::new(&"k".repeat(40)).unwrap()).await;
    assert!(matches!(
        other.verify_key(NOW + 3).await,
        Err(StoreError::KeyMismatch)
    ));
    // Still the first key's check: the refused instance wrote nothing.
    assert_eq!(store.verify_key(NOW + 4).await.unwrap(), KeyCheck::Matches);
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM key_check").await, 1);
    same.close().await;
    other.close().await;
}
on_both!(only_the_recorded_key_is_accepted);
