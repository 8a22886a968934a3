//! Staff (owners): added with qualifications and hours (the snapshot and so availability see
//! them at once), bad input named, new hours that strand a booked visit refused, archive
//! refused while they hold a future appointment.

use crate::admin_test;
use crate::common::{TestApp, location};
use medspa_core::access::Role;
use medspa_core::time::Interval;
use medspa_core::{AppointmentId, ClientId, ResourceId, StaffId};
use medspa_store::{SeedAppointment, SeedClient};
use uuid::Uuid;

admin_test!(clinic: staff_are_added_edited_and_never_stranded);

async fn staff_are_added_edited_and_never_stranded(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.session_for(owner).await;
    assert_eq!(b.get("/admin/staff").await.status(), 200);
    let clinic = app.state.clinic();
    let location_id = clinic.locations[0].id.to_string();
    let halo = clinic.service("halo").unwrap().id;
    let halo_box = format!("service-{halo}");
    let staff_before = clinic.staff.len();

    let res = b
        .submit(
            "/admin/staff/new",
            "/admin/staff/new",
            &[
                ("staff_name", ""),
                ("location", &location_id),
                ("mon_open", "18:00"),
                ("mon_close", "09:00"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r##"href="#staff_name""##) && html.contains(r##"href="#mon_close""##));
    assert_eq!(app.state.clinic().staff.len(), staff_before);

    let fields = |mon_open: &'static str| {
        vec![
            ("staff_name", "Wren Hollis"),
            ("job_title", "Nurse injector"),
            ("bio", "Ten years of laser care."),
            ("location", location_id.as_str()),
            (halo_box.as_str(), "yes"),
            ("mon_open", mon_open),
            ("mon_close", "17:00"),
            ("tue_open", "09:00"),
            ("tue_close", "17:00"),
        ]
    };
    let res = b
        .submit("/admin/staff/new", "/admin/staff/new", &fields("09:00"))
        .await;
    assert_eq!(location(&res), "/admin/staff?m=added");
    let wren = app
        .state
        .clinic()
        .staff
        .iter()
        .find(|s| s.name == "Wren Hollis")
        .cloned()
        .expect("in the live snapshot");
    assert!(wren.is_qualified(halo));
    assert_eq!(
        wren.hours.for_weekday(jiff::civil::Weekday::Monday).len(),
        1
    );

    // A visit with Wren on Monday 2026-11-30, 09:00-10:00 Chicago.
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
                reference: "WR3N5Q".into(),
                token_hash: vec![0; 32],
                client_id: client,
                service_id: halo,
                location_id: clinic.locations[0].id,
                staff_id: Some(StaffId::new(wren.id.get())),
                room_id: None,
                device_id: None,
                start_ms: start,
                end_ms: start + 3_600_000,
                status: "confirmed",
                holds: vec![(
                    ResourceId::from(wren.id),
                    Interval::new(start, start + 3_600_000),
                )],
            }],
            start - 86_400_000 * 7,
        )
        .await
        .unwrap();
    let page = format!("/admin/staff/{}", wren.id);
    let res = b.submit(&page, &page, &fields("11:00")).await;
    assert_eq!(
        res.status(),
        409,
        "Monday from 11:00 strands the 09:00 visit"
    );
    assert!(res.text().await.unwrap().contains("WR3N5Q"));
    let res = b.submit(&page, &page, &fields("08:30")).await;
    assert_eq!(location(&res), "/admin/staff?m=saved");
    let archive = format!("/admin/staff/{}/archive", wren.id);
    let res = b.submit(&archive, &archive, &[]).await;
    assert_eq!(res.status(), 409);
    assert!(
        app.state.clinic().staff.iter().any(|s| s.id == wren.id),
        "still bookable"
    );
    let audit = app.store.audit_entries(None, 10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "staff.update" && r.detail.contains("08:30"))
    );
}
