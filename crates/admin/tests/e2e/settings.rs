//! Clinic settings (owners): saved in one change that the public site shows at once; bad input
//! named at each field; new hours or a new time zone that would strand a booked visit are
//! refused with that visit's reference, and nothing changes.

use crate::admin_test;
use crate::common::{TestApp, location};
use medspa_core::access::Role;
use medspa_core::time::Interval;
use medspa_core::{AppointmentId, ClientId, ResourceId};
use medspa_store::{SeedAppointment, SeedClient};
use uuid::Uuid;

admin_test!(clinic: settings_change_the_clinic_but_never_strand_a_visit);

fn form<'a>(zone: &'a str, mon_open: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("clinic_name", "Willowbrook Skin & Laser"),
        ("tagline", "Calm, careful skin care."),
        ("clinic_phone", "+1 312 555 0100"),
        ("clinic_email", "hello@willowbrook.example"),
        ("currency", "USD"),
        ("location_name", "Willowbrook"),
        ("street", "1200 W Example Ave"),
        ("city", "Chicago"),
        ("region", "IL"),
        ("postal_code", "60607"),
        ("country", "United States"),
        ("timezone", zone),
        ("mon_open", mon_open),
        ("mon_close", "17:00"),
        ("tue_open", "09:00"),
        ("tue_close", "17:00"),
        ("wed_open", "09:00"),
        ("wed_close", "17:00"),
        ("thu_open", "09:00"),
        ("thu_close", "17:00"),
        ("fri_open", "09:00"),
        ("fri_close", "17:00"),
    ]
}

async fn settings_change_the_clinic_but_never_strand_a_visit(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.session_for(owner).await;
    let page = b.get("/admin/settings").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"value="America/Chicago" selected"#));

    // Bad input: named, nothing written.
    let mut bad = form("Atlantis/Deep", "09:00");
    bad.push(("sat_open", "15:00"));
    bad.push(("sat_close", "10:00"));
    let res = b.submit("/admin/settings", "/admin/settings", &bad).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for f in ["#timezone", "#sat_close"] {
        assert!(html.contains(&format!(r#"href="{f}""#)), "{f}");
    }

    let res = b
        .submit(
            "/admin/settings",
            "/admin/settings",
            &form("America/Chicago", "09:00"),
        )
        .await;
    assert_eq!(location(&res), "/admin/settings?m=saved");
    let home = b.get("/").await.text().await.unwrap();
    assert!(
        home.contains("Willowbrook Skin &amp; Laser")
            || home.contains("Willowbrook Skin &#38; Laser")
    );
    assert_eq!(app.state.clinic().info.name, "Willowbrook Skin & Laser");

    // A visit booked Monday 2026-11-30 at 09:00 Chicago (15:00 UTC).
    let clinic = app.state.clinic();
    let room = clinic.rooms[0].id;
    let start = "2026-11-30T15:00:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond();
    let client = ClientId::new(Uuid::now_v7());
    app.store
        .insert_history(
            &[SeedClient {
                id: client,
                name: "Nell Arden".into(),
                email: "nell@example.com".into(),
                phone: String::new(),
            }],
            &[SeedAppointment {
                id: AppointmentId::new(Uuid::now_v7()),
                reference: "ST4R9K".into(),
                token_hash: vec![0; 32],
                client_id: client,
                service_id: clinic.services[0].id,
                location_id: clinic.locations[0].id,
                staff_id: None,
                room_id: Some(room),
                device_id: None,
                start_ms: start,
                end_ms: start + 3_600_000,
                status: "confirmed",
                holds: vec![(
                    ResourceId::from(room),
                    Interval::new(start, start + 3_600_000),
                )],
            }],
            start - 86_400_000 * 7,
        )
        .await
        .unwrap();
    // Opening Mondays at 10:00 would strand it.
    let res = b
        .submit(
            "/admin/settings",
            "/admin/settings",
            &form("America/Chicago", "10:00"),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("ST4R9K"));
    // So would another time zone.
    let res = b
        .submit(
            "/admin/settings",
            "/admin/settings",
            &form("America/Denver", "09:00"),
        )
        .await;
    assert_eq!(res.status(), 409);
    let loc = &app.store.load_clinic().await.unwrap().unwrap().locations[0];
    assert_eq!(loc.zone.name(), "America/Chicago", "nothing changed");
    assert_eq!(
        loc.hours.for_weekday(jiff::civil::Weekday::Monday)[0].start,
        jiff::civil::time(9, 0, 0, 0)
    );
    // Hours that still cover it are fine.
    let res = b
        .submit(
            "/admin/settings",
            "/admin/settings",
            &form("America/Chicago", "08:00"),
        )
        .await;
    assert_eq!(location(&res), "/admin/settings?m=saved");
    let audit = app.store.audit_entries(None, 10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "clinic.settings" && r.detail.contains(r#""before""#))
    );
}
