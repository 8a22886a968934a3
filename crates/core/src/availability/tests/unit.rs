//! Unit tests: the hold index, and one rule of the engine per test (hours, notice, horizon,
//! closures, breaks, time off, staff filter, reschedule exclusion, buffers, auto-assignment,
//! room order, alternatives, error reasons).

use super::*;
use crate::availability::{Hold, Unavailable, alternatives, plan_at, slots};
use crate::clinic::Closure;
use crate::ids::AppointmentId;
use crate::time::add_days;

const A: u128 = 10;
const B: u128 = 11;
const TREAT: u128 = 20;

/// Two providers (A, B) 09:00-17:00 every day, one treatment room, a 60-minute service.
fn base() -> Clinic {
    let svc = simple(100, 60);
    let hours = every_day(range(9, 0, 17, 0));
    clinic(
        location(hours.clone()),
        vec![staff(A, &[&svc], hours.clone()), staff(B, &[&svc], hours)],
        vec![room(TREAT, "treatment")],
        vec![],
        vec![svc],
    )
}

fn now() -> Millis {
    at(add_days(tue(), -1), 8, 0)
}

fn sid(n: u128) -> StaffId {
    StaffId::new(uuid(n))
}

fn appt(n: u128) -> AppointmentId {
    AppointmentId::new(uuid(n))
}

#[test]
fn index_keeps_holds_sorted_and_answers_freeness() {
    let r = ResourceId(uuid(1));
    let mut index = HoldIndex::new();
    assert!(index.is_empty());
    index.insert(r, Hold::appointment(Interval::new(50, 60), appt(1)));
    index.insert(r, Hold::block(Interval::new(10, 20)));
    index.insert(r, Hold::appointment(Interval::new(30, 40), appt(2)));
    index.insert(r, Hold::block(Interval::new(5, 5))); // empty: ignored
    assert_eq!(index.len(), 3);
    let starts: Vec<_> = index.holds(r).iter().map(|h| h.interval.start).collect();
    assert_eq!(starts, vec![10, 30, 50]);
    assert!(index.is_free(r, Interval::new(20, 30), None));
    assert!(!index.is_free(r, Interval::new(35, 36), None));
    assert!(index.is_free(r, Interval::new(35, 36), Some(appt(2))));
    assert!(index.is_free(ResourceId(uuid(2)), Interval::new(0, 100), None));
    assert_eq!(index.held_ms(r, Interval::new(0, 55), None), 25);

    index.remove_appointment(appt(2));
    assert_eq!(index.len(), 2);
    assert!(index.is_free(r, Interval::new(30, 40), None));
    index.remove_appointment(appt(2)); // twice: nothing left to drop
    assert_eq!(index.len(), 2);

    let rebuilt: HoldIndex = index.holds(r).iter().map(|h| (r, *h)).collect();
    assert_eq!(rebuilt.holds(r), index.holds(r));
}

#[test]
fn index_sees_long_blocks_far_before_the_window() {
    let r = ResourceId(uuid(1));
    let day = 24 * 60 * MIN;
    let mut index: HoldIndex = (0..1000)
        .map(|i| (r, Hold::block(Interval::new(i * day, i * day + 60 * MIN))))
        .collect();
    // A room out of service for a year, starting long before the window.
    index.insert(r, Hold::block(Interval::new(-day, 400 * day)));
    assert!(!index.is_free(
        r,
        Interval::new(300 * day + 120 * MIN, 300 * day + 180 * MIN),
        None
    ));
    assert!(index.is_free(
        r,
        Interval::new(500 * day + 120 * MIN, 500 * day + 180 * MIN),
        None
    ));
    index.insert(
        r,
        Hold::appointment(Interval::new(-5 * day, 401 * day), appt(9)),
    );
    index.remove_appointment(appt(9));
    assert!(index.is_free(
        r,
        Interval::new(400 * day + 120 * MIN, 400 * day + 180 * MIN),
        None
    ));
}

#[test]
fn a_plain_day_offers_every_quarter_hour_that_fits() {
    let c = base();
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let s = slots(&q, &HoldIndex::new());
    // 09:00..=16:00 by 15 min = 29 starts; one treatment room, so both providers share them.
    assert_eq!(s.len(), 2 * 29);
    assert_eq!(starts_of(&s, Some(sid(A))).first().unwrap(), "09:00");
    assert_eq!(starts_of(&s, Some(sid(A))).last().unwrap(), "16:00");
    assert!(s.iter().all(|x| x.end == x.start + 60 * MIN));
    // Sorted by start, then A before B.
    assert_eq!(s[0].staff, Some(sid(A)));
    assert_eq!(s[1].staff, Some(sid(B)));
    assert_eq!(s[0].start, s[1].start);
}

#[test]
fn minimum_notice_hides_early_starts() {
    let c = base();
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), at(tue(), 10, 5));
    let s = slots(&q, &HoldIndex::new());
    assert_eq!(starts_of(&s, Some(sid(A))).first().unwrap(), "12:15");
    assert_eq!(
        plan_at(&q, at(tue(), 12, 0), &HoldIndex::new()),
        Err(Unavailable::TooSoon)
    );
    assert!(plan_at(&q, at(tue(), 12, 15), &HoldIndex::new()).is_ok());
}

#[test]
fn horizon_limits_the_last_date() {
    let c = base();
    let policy = Policy {
        horizon_days: 2,
        ..Policy::default()
    };
    let today = add_days(tue(), -1);
    let q = query(
        &c,
        &c.services[0],
        &policy,
        today,
        add_days(today, 10),
        now(),
    );
    let s = slots(&q, &HoldIndex::new());
    let last = s.iter().map(|x| x.start).max().unwrap();
    assert_eq!(
        crate::time::local_date(last, &chicago()),
        add_days(today, 2)
    );
    assert_eq!(
        plan_at(&q, at(add_days(today, 3), 10, 0), &HoldIndex::new()),
        Err(Unavailable::BeyondHorizon)
    );
}

#[test]
fn closures_close_whole_local_days() {
    let mut c = base();
    c.locations[0].closures.push(Closure {
        from: tue(),
        to: tue(),
        reason: "Holiday".to_owned(),
    });
    let policy = Policy::default();
    let q = query(
        &c,
        &c.services[0],
        &policy,
        tue(),
        add_days(tue(), 1),
        now(),
    );
    let s = slots(&q, &HoldIndex::new());
    assert!(s.iter().all(|x| x.start >= at(add_days(tue(), 1), 0, 0)));
    assert_eq!(s.len(), 2 * 29);
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &HoldIndex::new()),
        Err(Unavailable::Closed)
    );
}

#[test]
fn breaks_and_time_off_remove_staff_time() {
    let mut c = base();
    c.staff[0].breaks = every_day(range(12, 0, 13, 0));
    c.staff[1].time_off = vec![Interval::new(at(tue(), 9, 0), at(tue(), 15, 0))];
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let s = slots(&q, &HoldIndex::new());
    let a = starts_of(&s, Some(sid(A)));
    assert!(a.contains(&"11:00".to_owned()));
    assert!(!a.contains(&"11:15".to_owned()));
    assert!(!a.contains(&"12:45".to_owned()));
    assert!(a.contains(&"13:00".to_owned()));
    assert_eq!(starts_of(&s, Some(sid(B))).first().unwrap(), "15:00");

    let only_a = Query {
        staff: Some(sid(A)),
        ..q
    };
    assert_eq!(
        plan_at(&only_a, at(tue(), 11, 30), &HoldIndex::new()),
        Err(Unavailable::OutsideHours)
    );
    let only_b = Query {
        staff: Some(sid(B)),
        ..q
    };
    assert_eq!(
        plan_at(&only_b, at(tue(), 10, 0), &HoldIndex::new()),
        Err(Unavailable::Taken)
    );
}

#[test]
fn staff_filter_and_qualification() {
    let mut c = base();
    let policy = Policy::default();
    let svc = c.services[0].clone();
    let q = Query {
        staff: Some(sid(B)),
        ..query(&c, &svc, &policy, tue(), tue(), now())
    };
    let s = slots(&q, &HoldIndex::new());
    assert_eq!(s.len(), 29);
    assert!(s.iter().all(|x| x.staff == Some(sid(B))));

    c.staff[1].services.clear();
    let q = Query {
        staff: Some(sid(B)),
        ..query(&c, &svc, &policy, tue(), tue(), now())
    };
    assert!(slots(&q, &HoldIndex::new()).is_empty());
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &HoldIndex::new()),
        Err(Unavailable::StaffNotQualified)
    );

    c.staff[0].services.clear();
    let q = query(&c, &svc, &policy, tue(), tue(), now());
    assert!(slots(&q, &HoldIndex::new()).is_empty());
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &HoldIndex::new()),
        Err(Unavailable::NoQualifiedStaff)
    );
}

#[test]
fn staff_of_another_location_are_not_offered() {
    let mut c = base();
    c.staff[1].location_id = LocationId::new(uuid(999));
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    assert!(
        slots(&q, &HoldIndex::new())
            .iter()
            .all(|x| x.staff == Some(sid(A)))
    );
}

#[test]
fn reschedule_ignores_its_own_holds() {
    let c = base();
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let mut index = HoldIndex::new();
    let plan = plan_at(&q, at(tue(), 10, 0), &index).unwrap();
    book(&mut index, &plan, 77);
    // One treatment room: 10:00 is gone for everyone, and overlapping starts too.
    let s = slots(&q, &index);
    assert!(!starts_of(&s, Some(sid(B))).contains(&"10:30".to_owned()));
    assert_eq!(
        plan_at(&q, at(tue(), 10, 30), &index),
        Err(Unavailable::Taken)
    );
    let moving = Query {
        exclude: Some(appt(77)),
        ..q
    };
    assert!(starts_of(&slots(&moving, &index), Some(sid(A))).contains(&"10:30".to_owned()));
    assert!(plan_at(&moving, at(tue(), 10, 30), &index).is_ok());
}

#[test]
fn buffers_extend_the_holds_of_first_and_last_segment_resources() {
    let svc = service(
        100,
        vec![
            seg(30, false, Some("laser"), None),
            seg(60, true, Some("laser"), Some("halo")),
        ],
        10,
        15,
    );
    let hours = every_day(range(9, 0, 17, 0));
    let c = clinic(
        location(hours.clone()),
        vec![staff(A, &[&svc], hours)],
        vec![room(21, "laser")],
        vec![device(30, "halo")],
        vec![svc],
    );
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let s = slots(&q, &HoldIndex::new());
    // The chain with buffers (09:00-start-10 .. start+90+15) must fit 09:00-17:00.
    assert_eq!(s.first().map(|x| hm(x.start)).unwrap(), "09:15");
    assert_eq!(s.last().map(|x| hm(x.start)).unwrap(), "15:15");
    let p = plan_at(&q, at(tue(), 10, 0), &HoldIndex::new()).unwrap();
    assert_eq!(p.end, at(tue(), 11, 30));
    // Room: first and last segment, so both buffers; provider and device: last only.
    assert_eq!(
        rows_of(&p, RoomId::new(uuid(21))),
        vec![Interval::new(at(tue(), 9, 50), at(tue(), 11, 45))]
    );
    assert_eq!(
        rows_of(&p, sid(A)),
        vec![Interval::new(at(tue(), 10, 30), at(tue(), 11, 45))]
    );
    assert_eq!(
        rows_of(&p, DeviceId::new(uuid(30))),
        vec![Interval::new(at(tue(), 10, 30), at(tue(), 11, 45))]
    );
    assert_eq!(p.holds.len(), 3);
    assert_eq!(
        plan_at(&q, at(tue(), 9, 0), &HoldIndex::new()),
        Err(Unavailable::OutsideHours)
    );
}

#[test]
fn auto_assignment_prefers_the_least_held_then_clinic_order() {
    let c = base();
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let mut index = HoldIndex::new();
    // Tie (nobody held): A, first in clinic order.
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &index).unwrap().staff,
        Some(sid(A))
    );
    // A holds 60 min today (a block), B holds 30 min yesterday: B has fewer today.
    index.insert(
        sid(A).into(),
        Hold::block(Interval::new(at(tue(), 16, 0), at(tue(), 17, 0))),
    );
    index.insert(
        sid(B).into(),
        Hold::block(Interval::new(
            at(add_days(tue(), -1), 9, 0),
            at(add_days(tue(), -1), 11, 0),
        )),
    );
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &index).unwrap().staff,
        Some(sid(B))
    );
    let alt = alternatives(&q, at(tue(), 10, 0), &index, 1);
    assert_eq!(alt.len(), 1);
    assert_eq!(alt[0].start, at(tue(), 10, 0));
    assert_eq!(alt[0].staff, Some(sid(B)));
    // Busy B for longer today: A again.
    index.insert(
        sid(B).into(),
        Hold::block(Interval::new(at(tue(), 13, 0), at(tue(), 15, 0))),
    );
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0), &index).unwrap().staff,
        Some(sid(A))
    );
}

#[test]
fn rooms_are_taken_in_clinic_order_and_kept_across_segments() {
    let svc = halo(101);
    let hours = every_day(range(9, 0, 17, 0));
    let c = clinic(
        location(hours.clone()),
        vec![staff(A, &[&svc], hours)],
        vec![room(20, "treatment"), room(22, "laser"), room(21, "laser")],
        vec![device(30, "halo")],
        vec![svc],
    );
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let mut index = HoldIndex::new();
    let p = plan_at(&q, at(tue(), 10, 0), &index).unwrap();
    assert_eq!(p.room, Some(RoomId::new(uuid(22))));
    assert_eq!(
        rows_of(&p, RoomId::new(uuid(22))),
        vec![Interval::new(at(tue(), 10, 0), at(tue(), 11, 45))]
    );
    index.insert(
        RoomId::new(uuid(22)).into(),
        Hold::block(Interval::new(at(tue(), 11, 0), at(tue(), 11, 15))),
    );
    // Room 22 is free for the numbing but not the laser: the same room must carry both.
    let p = plan_at(&q, at(tue(), 10, 0), &index).unwrap();
    assert_eq!(p.room, Some(RoomId::new(uuid(21))));
}

#[test]
fn plan_at_explains_refusals() {
    let c = base();
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let index = HoldIndex::new();
    assert_eq!(
        plan_at(&q, at(tue(), 10, 5), &index),
        Err(Unavailable::NotOnGrid)
    );
    assert_eq!(
        plan_at(&q, at(tue(), 10, 0) + 1, &index),
        Err(Unavailable::NotOnGrid)
    );
    assert_eq!(
        plan_at(&q, at(tue(), 16, 15), &index),
        Err(Unavailable::OutsideHours)
    );
    assert_eq!(
        plan_at(&q, at(tue(), 8, 0), &index),
        Err(Unavailable::OutsideHours)
    );
    assert_eq!(
        plan_at(&q, at(add_days(tue(), -2), 10, 0), &index),
        Err(Unavailable::TooSoon)
    );
    let p = plan_at(&q, at(tue(), 16, 0), &index).unwrap();
    assert_eq!((p.start, p.end), (at(tue(), 16, 0), at(tue(), 17, 0)));
    assert_eq!(p.room, Some(RoomId::new(uuid(TREAT))));
    assert_eq!(p.device, None);
    for e in [
        Unavailable::Taken,
        Unavailable::NotOnGrid,
        Unavailable::StaffNotQualified,
    ] {
        assert!(!e.to_string().is_empty());
        assert!(
            e.code()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '_')
        );
    }
}

#[test]
fn alternatives_are_the_nearest_free_starts() {
    let c = base();
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let mut index = HoldIndex::new();
    index.insert(
        RoomId::new(uuid(TREAT)).into(),
        Hold::block(Interval::new(at(tue(), 10, 0), at(tue(), 12, 0))),
    );
    let alt = alternatives(&q, at(tue(), 10, 30), &index, 3);
    let got: Vec<_> = alt.iter().map(|s| hm(s.start)).collect();
    // 09:00 (-90 min) ties 12:00 (+90 min): earlier first; then 12:15.
    assert_eq!(got, vec!["09:00", "12:00", "12:15"]);
    assert!(alt.windows(2).all(|w| w[0].start < w[1].start));
    for s in &alt {
        assert_eq!(plan_at(&q, s.start, &index).as_ref(), Ok(&s.plan));
    }
    // Nothing within the window: nothing offered.
    assert!(alternatives(&q, at(add_days(tue(), 200), 10, 0), &index, 3).is_empty());
    assert!(alternatives(&q, at(tue(), 10, 30), &index, 0).is_empty());
}

#[test]
fn service_without_staff_needs_only_its_rooms() {
    let svc = service(102, vec![seg(30, false, Some("treatment"), None)], 0, 0);
    let hours = every_day(range(9, 0, 10, 0));
    let c = clinic(
        location(hours),
        vec![],
        vec![room(TREAT, "treatment")],
        vec![],
        vec![svc],
    );
    let policy = Policy::default();
    let q = query(&c, &c.services[0], &policy, tue(), tue(), now());
    let s = slots(&q, &HoldIndex::new());
    assert_eq!(starts_of(&s, None), vec!["09:00", "09:15", "09:30"]);
    assert_eq!(s[0].plan.holds.len(), 1);
}

#[test]
fn time_helpers_resolve_gaps_and_folds() {
    use crate::time::{local_minute_of_day, wall_instants};
    let tz = chicago();
    assert_eq!(
        wall_instants(date(2027, 3, 14).at(2, 30, 0, 0), &tz).count(),
        0
    );
    let fold: Vec<_> = wall_instants(date(2026, 11, 1).at(1, 30, 0, 0), &tz).collect();
    assert_eq!(fold.len(), 2);
    assert_eq!(fold[1] - fold[0], 60 * MIN);
    assert_eq!(local_minute_of_day(fold[1], &tz), Some(90));
    assert_eq!(local_minute_of_day(fold[1] + 1000, &tz), None);
    assert_eq!(
        wall_instants(tue().at(9, 0, 0, 0), &tz).collect::<Vec<_>>(),
        vec![at(tue(), 9, 0)]
    );
}
