//! A new clinic from nothing to its first online booking, through the real server only:
//! setup -> a service, a provider qualified for it, a room and a device -> the public site
//! lists the service, availability offers times, and a client books one (201).

use crate::admin_test;
use crate::common::{PASSWORD, SETUP_TOKEN, TestApp, location};

admin_test!(empty: a_new_clinic_takes_its_first_booking);

const WEEKDAYS_9_TO_5: [(&str, &str); 10] = [
    ("mon_open", "09:00"),
    ("mon_close", "17:00"),
    ("tue_open", "09:00"),
    ("tue_close", "17:00"),
    ("wed_open", "09:00"),
    ("wed_close", "17:00"),
    ("thu_open", "09:00"),
    ("thu_close", "17:00"),
    ("fri_open", "09:00"),
    ("fri_close", "17:00"),
];

async fn a_new_clinic_takes_its_first_booking(app: TestApp) {
    let b = app.browser();
    let mut setup = vec![
        ("token", SETUP_TOKEN),
        ("clinic_name", "Juniper Row Aesthetics"),
        ("timezone", "America/Chicago"),
        ("currency", "USD"),
        ("name", "Mara Quill"),
        ("email", "mara@juniper.example"),
        ("password", PASSWORD),
    ];
    setup.extend_from_slice(&WEEKDAYS_9_TO_5);
    let res = b.submit("/admin/setup", "/admin/setup", &setup).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        b.get("/api/v1/services")
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap(),
        serde_json::json!([])
    );

    // A service: 60 minutes with a provider, a laser room and a laser device; bad input first.
    let bad = b
        .submit(
            "/admin/services/new",
            "/admin/services/new",
            &[
                ("service_name", "Glow Laser"),
                ("slug", "Glow Laser"),
                ("kind", "treatment"),
                ("price", "-20"),
                ("duration", "61"),
                ("buffer_after", "0"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    for f in ["#slug", "#price", "#duration", "#needs_staff"] {
        assert!(html.contains(&format!(r#"href="{f}""#)), "{f}: {html}");
    }
    let res = b
        .submit(
            "/admin/services/new",
            "/admin/services/new",
            &[
                ("service_name", "Glow Laser"),
                ("slug", "glow-laser"),
                ("kind", "treatment"),
                ("summary", "A gentle laser for tone and texture."),
                ("price", "350"),
                ("duration", "60"),
                ("needs_staff", "yes"),
                ("room_kind", "laser"),
                ("device_kind", "glow"),
                ("buffer_after", "15"),
                ("rules", ""),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/services?m=added");
    let clash = b
        .submit(
            "/admin/services/new",
            "/admin/services/new",
            &[
                ("service_name", "Other"),
                ("slug", "glow-laser"),
                ("kind", "treatment"),
                ("price", "1"),
                ("duration", "30"),
                ("needs_staff", "yes"),
                ("buffer_after", "0"),
            ],
        )
        .await;
    assert_eq!(clash.status(), 422, "slug clash");
    let service = app.state.clinic().service("glow-laser").unwrap().id;
    let location_id = app.state.clinic().locations[0].id.to_string();

    let mut staff = vec![
        ("staff_name", "Wren Hollis"),
        ("job_title", "Laser specialist"),
        ("location", location_id.as_str()),
    ];
    let service_box = format!("service-{service}");
    staff.push((service_box.as_str(), "yes"));
    staff.extend_from_slice(&WEEKDAYS_9_TO_5);
    let res = b
        .submit("/admin/staff/new", "/admin/staff/new", &staff)
        .await;
    assert_eq!(location(&res), "/admin/staff?m=added");
    for (path, name, kind) in [
        ("/admin/rooms/new", "Laser room", "laser"),
        ("/admin/devices/new", "Glow unit", "glow"),
    ] {
        let res = b
            .submit(
                path,
                path,
                &[
                    ("title", name),
                    ("category", kind),
                    ("location", &location_id),
                ],
            )
            .await;
        assert_eq!(res.status(), 303, "{path}");
    }
    let today = b.get("/admin").await.text().await.unwrap();
    assert!(
        !today.contains("Getting your clinic ready"),
        "checklist done"
    );

    // The public side: listed, offered, bookable.
    let client = app.browser();
    let treatments = client.get("/treatments").await.text().await.unwrap();
    assert!(treatments.contains("Glow Laser"));
    let slots: serde_json::Value = client
        .get("/api/v1/availability?service=glow-laser&from=2026-11-26&to=2026-11-27")
        .await
        .json()
        .await
        .unwrap();
    let first = slots["slots"][0]["start"]
        .as_str()
        .expect("a free slot")
        .to_owned();
    assert_eq!(slots["slots"][0]["staff"]["name"], "Wren Hollis");
    let res = client
        .http
        .post(client.url("/api/v1/bookings"))
        .json(&serde_json::json!({
            "service": "glow-laser",
            "start": first,
            "client": {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+1 331 555 0100"},
            "screening": {},
            "consent": true
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // The owner's day view is for today; the booking is tomorrow, and the room cannot be
    // archived from under it.
    let room = app.state.clinic().rooms[0].id;
    let archive = format!("/admin/rooms/{room}/archive");
    assert_eq!(b.submit(&archive, &archive, &[]).await.status(), 409);
}
