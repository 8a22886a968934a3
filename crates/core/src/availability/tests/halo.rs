//! Halo, the two-segment service: 45 min numbing holding only a laser room, then 60 min laser
//! holding the provider, that same room and the Halo unit. Proves the provider and the device
//! are free during numbing, and that the single device serialises lasers.

use super::*;
use crate::availability::{Unavailable, plan_at, slots};

const P: u128 = 10;
const Q: u128 = 11;
const LASER1: u128 = 21;
const LASER2: u128 = 22;
const UNIT: u128 = 30;

/// Providers P and Q, 09:00-17:00; `laser_rooms` laser rooms; one Halo unit.
fn halo_clinic(laser_rooms: u128) -> Clinic {
    let svc = halo(101);
    let hours = every_day(range(9, 0, 17, 0));
    clinic(
        location(hours.clone()),
        vec![staff(P, &[&svc], hours.clone()), staff(Q, &[&svc], hours)],
        (0..laser_rooms)
            .map(|i| room(LASER1 + i, "laser"))
            .collect(),
        vec![device(UNIT, "halo")],
        vec![svc],
    )
}

fn now() -> Millis {
    at(crate::time::add_days(tue(), -1), 8, 0)
}

fn iv(h0: i8, m0: i8, h1: i8, m1: i8) -> Interval {
    Interval::new(at(tue(), h0, m0), at(tue(), h1, m1))
}

#[test]
fn a_halo_plan_holds_room_throughout_and_provider_and_device_for_the_laser() {
    let c = halo_clinic(2);
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let p = plan_at(&q, at(tue(), 10, 0), &HoldIndex::new()).unwrap();
    assert_eq!(p.end, at(tue(), 11, 45));
    assert_eq!(p.staff, Some(StaffId::new(uuid(P))));
    assert_eq!(p.room, Some(RoomId::new(uuid(LASER1))));
    assert_eq!(p.device, Some(DeviceId::new(uuid(UNIT))));
    assert_eq!(
        rows_of(&p, RoomId::new(uuid(LASER1))),
        vec![iv(10, 0, 11, 45)]
    );
    assert_eq!(rows_of(&p, StaffId::new(uuid(P))), vec![iv(10, 45, 11, 45)]);
    assert_eq!(
        rows_of(&p, DeviceId::new(uuid(UNIT))),
        vec![iv(10, 45, 11, 45)]
    );
}

#[test]
fn one_device_refuses_a_second_laser_at_the_same_time() {
    let c = halo_clinic(2);
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let mut index = HoldIndex::new();
    let first = plan_at(&q, at(tue(), 10, 0), &index).unwrap();
    book(&mut index, &first, 1);
    // A second provider and a second laser room are free, but the unit is not.
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &index),
        Err(Unavailable::Taken)
    );
    // 10:45: its laser (11:30-12:30) would still overlap the unit's 10:45-11:45.
    assert_eq!(
        plan_at(&q, at(tue(), 10, 45), &index),
        Err(Unavailable::Taken)
    );
    // 11:00: numbing 11:00-11:45 in the second room while the first laser runs,
    // laser 11:45-12:45 once the unit is free.
    let second = plan_at(&q, at(tue(), 11, 0), &index).unwrap();
    assert_eq!(second.room, Some(RoomId::new(uuid(LASER2))));
    assert_eq!(
        rows_of(&second, DeviceId::new(uuid(UNIT))),
        vec![iv(11, 45, 12, 45)]
    );
    // The auto rule gives it to Q (P already holds an hour today) ...
    assert_eq!(second.staff, Some(StaffId::new(uuid(Q))));
    // ... but P may take it too: P's first laser ends exactly when this one starts.
    let by_p = Query {
        staff: Some(StaffId::new(uuid(P))),
        ..q
    };
    assert!(plan_at(&by_p, at(tue(), 11, 0), &index).is_ok());
    let offered = slots(&q, &index);
    assert!(starts_of(&offered, Some(StaffId::new(uuid(P)))).contains(&"11:00".to_owned()));
    assert!(
        !offered
            .iter()
            .any(|s| s.start == at(tue(), 10, 0) || s.start == at(tue(), 10, 45))
    );
}

#[test]
fn a_provider_lasers_one_client_while_the_next_numbs() {
    let c = halo_clinic(2);
    let policy = Policy::default();
    let by_p = Query {
        staff: Some(StaffId::new(uuid(P))),
        ..query(&c, &c.services[0], &policy, tue(), tue(), now())
    };
    let mut index = HoldIndex::new();
    // Client B at 09:00: numbing 09:00-09:45, laser with P 09:45-10:45.
    let b = plan_at(&by_p, at(tue(), 9, 0), &index).unwrap();
    book(&mut index, &b, 1);
    // Client A at 10:00 with the same provider: A numbs 10:00-10:45 while P lasers B.
    let offered = slots(&by_p, &index);
    assert!(starts_of(&offered, Some(StaffId::new(uuid(P)))).contains(&"10:00".to_owned()));
    let a = plan_at(&by_p, at(tue(), 10, 0), &index).unwrap();
    assert_eq!(
        a.room,
        Some(RoomId::new(uuid(LASER2))),
        "the first room is busy until 10:45"
    );
    assert_eq!(rows_of(&a, StaffId::new(uuid(P))), vec![iv(10, 45, 11, 45)]);
    book(&mut index, &a, 2);
    // P's and the unit's holds touch but never overlap.
    for r in [
        ResourceId::from(StaffId::new(uuid(P))),
        DeviceId::new(uuid(UNIT)).into(),
    ] {
        let h = index.holds(r);
        assert_eq!(h.len(), 2);
        assert!(!h[0].interval.overlaps(&h[1].interval));
    }
}

#[test]
fn with_one_laser_room_the_next_client_waits_for_the_room() {
    let c = halo_clinic(1);
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let mut index = HoldIndex::new();
    let b = plan_at(&q, at(tue(), 9, 0), &index).unwrap();
    book(&mut index, &b, 1);
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &index),
        Err(Unavailable::Taken)
    );
    let next = slots(&q, &index).first().map(|s| hm(s.start));
    assert_eq!(next.as_deref(), Some("10:45"));
}
