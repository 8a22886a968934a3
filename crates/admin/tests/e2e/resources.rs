//! Rooms and devices (owners): add, edit, bad input kept at the field with nothing written,
//! archive refused while a future appointment holds the room (naming it), archive otherwise;
//! the clinic snapshot follows every change at once.

use crate::admin_test;
use crate::common::{TestApp, location};
use medspa_core::access::Role;
use medspa_core::time::Interval;
use medspa_core::{AppointmentId, ClientId, ResourceId};
use medspa_store::{SeedAppointment, SeedClient};
use uuid::Uuid;

admin_test!(clinic: rooms_are_added_edited_and_archived_never_over_bookings);

async fn rooms_are_added_edited_and_archived_never_over_bookings(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.session_for(owner).await;
    let list = b.get("/admin/rooms").await;
    assert_eq!(list.status(), 200);
    assert!(list.text().await.unwrap().contains("Laser suite"));
    let clinic = app.store.load_clinic().await.unwrap().unwrap();
    let location = clinic.locations[0].id.to_string();
    let rooms_before = clinic.rooms.len();

    // Bad input: every field named, nothing written.
    let res = b
        .submit(
            "/admin/rooms/new",
            "/admin/rooms/new",
            &[
                ("title", " "),
                ("category", "Laser Room"),
                ("location", "nowhere"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for f in ["#title", "#category", "#location"] {
        assert!(html.contains(&format!(r#"href="{f}""#)), "{f}");
    }
    assert!(html.contains("Laser Room"), "input kept");
    assert_eq!(
        app.store.load_clinic().await.unwrap().unwrap().rooms.len(),
        rooms_before
    );

    let res = b
        .submit(
            "/admin/rooms/new",
            "/admin/rooms/new",
            &[
                ("title", "Quiet room"),
                ("category", "treatment"),
                ("location", &location),
            ],
        )
        .await;
    assert_eq!(location_of(&res), "/admin/rooms?m=added");
    let rooms = app.state_rooms();
    let quiet = rooms.iter().find(|(_, n)| n == "Quiet room").unwrap().0;
    let res = b
        .submit(
            &format!("/admin/rooms/{quiet}"),
            &format!("/admin/rooms/{quiet}"),
            &[
                ("title", "Calm room"),
                ("category", "treatment"),
                ("location", &location),
            ],
        )
        .await;
    assert_eq!(location_of(&res), "/admin/rooms?m=saved");
    assert!(
        app.state_rooms()
            .iter()
            .any(|(id, n)| *id == quiet && n == "Calm room")
    );

    // A future appointment holds the Laser suite: archiving it is refused and names it.
    let suite = clinic
        .rooms
        .iter()
        .find(|r| r.name == "Laser suite")
        .unwrap();
    let service = clinic.service("halo").unwrap();
    let client = ClientId::new(Uuid::now_v7());
    let start = crate::common::NOW
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond()
        + 86_400_000;
    let appointment = SeedAppointment {
        id: AppointmentId::new(Uuid::now_v7()),
        reference: "RM7Q2X".into(),
        token_hash: vec![0; 32],
        client_id: client,
        service_id: service.id,
        location_id: clinic.locations[0].id,
        staff_id: None,
        room_id: Some(suite.id),
        device_id: None,
        start_ms: start,
        end_ms: start + 3_600_000,
        status: "confirmed",
        holds: vec![(
            ResourceId::from(suite.id),
            Interval::new(start, start + 3_600_000),
        )],
    };
    let seed_client = SeedClient {
        id: client,
        name: "Nell Arden".into(),
        email: "nell@example.com".into(),
        phone: String::new(),
    };
    app.store
        .insert_history(&[seed_client], &[appointment], start - 86_400_000)
        .await
        .unwrap();
    let path = format!("/admin/rooms/{}/archive", suite.id);
    let res = b.submit(&path, &path, &[]).await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("RM7Q2X"));
    assert!(
        app.state_rooms()
            .iter()
            .any(|(id, _)| *id == suite.id.get()),
        "still in use"
    );

    // The calm room holds nothing: archived, gone from the snapshot, kept in the list.
    let path = format!("/admin/rooms/{quiet}/archive");
    let res = b.submit(&path, &path, &[]).await;
    assert_eq!(location_of(&res), "/admin/rooms?m=archived");
    assert!(!app.state_rooms().iter().any(|(id, _)| *id == quiet));
    assert!(
        b.get("/admin/rooms")
            .await
            .text()
            .await
            .unwrap()
            .contains("Archived")
    );

    // Devices share the pages; front desk may not use them.
    assert_eq!(b.get("/admin/devices").await.status(), 200);
    let desk = app.user(Role::FrontDesk, "desk@clinic.example").await;
    assert_eq!(
        app.session_for(desk)
            .await
            .get("/admin/devices")
            .await
            .status(),
        403
    );
    let audit = app.store.audit_entries(None, 20).await.unwrap();
    let update = audit.iter().find(|r| r.action == "room.update").unwrap();
    assert!(update.detail.contains(r#""before":{"#) && update.detail.contains("Calm room"));
}

fn location_of(res: &reqwest::Response) -> String {
    location(res)
}

impl TestApp {
    /// The rooms of the live clinic snapshot the server uses (id, name).
    fn state_rooms(&self) -> Vec<(Uuid, String)> {
        self.state
            .clinic()
            .rooms
            .iter()
            .map(|r| (r.id.get(), r.name.clone()))
            .collect()
    }
}
