//! Property tests over random clinics: random hours, breaks, qualifications and time off for
//! several staff; rooms of one or two kinds; zero to two devices; services of one to three
//! segments with buffers; random existing holds; dates around both DST changes.
//!
//! The oracles are independent of the engine: holds are checked by scanning every hold of a
//! resource, hours by reading local wall-clock minutes off a per-weekday minute map.

use super::*;
use crate::availability::{ALTERNATIVES_WINDOW_DAYS, Hold, alternatives, plan_at, slots};
use crate::ids::AppointmentId;
use crate::time::{add_days, local_date, local_minute_of_day, wall_instants};
use proptest::prelude::*;
use proptest::test_runner::Config;

const DAYS: i64 = 3;

#[derive(Clone, Debug)]
struct SegSpec {
    minutes: u32,
    staff: bool,
    room: Option<u8>,
    device: bool,
}

#[derive(Clone, Debug)]
struct StaffSpec {
    hours: Vec<Vec<(u32, u32)>>,
    breaks: Vec<Vec<(u32, u32)>>,
    qualified: u8,
    time_off: Vec<(i64, u32, u32)>,
}

#[derive(Clone, Debug)]
struct World {
    base: Date,
    hours: Vec<Vec<(u32, u32)>>,
    staff: Vec<StaffSpec>,
    rooms: Vec<u8>,
    devices: usize,
    services: Vec<(Vec<SegSpec>, u32, u32)>,
    holds: Vec<(usize, i64, u32, u32, Option<u8>)>,
    policy: Policy,
    now_minute: u32,
    service: usize,
    staff_filter: Option<usize>,
    exclude: Option<u8>,
    seed: u64,
}

/// A local range `(start_minute, length)` in the daytime, so no chain crosses midnight or a
/// DST change (those are covered by `dst.rs`): starts 06:00-10:00, lasts 3-12 h.
fn day_range() -> impl Strategy<Value = (u32, u32)> {
    (72u32..=120, 36u32..=144).prop_map(|(s, l)| (s * 5, l * 5))
}

fn week(min: usize, max: usize) -> impl Strategy<Value = Vec<Vec<(u32, u32)>>> {
    prop::collection::vec(prop::collection::vec(day_range(), min..=max), 7)
}

fn short_range() -> impl Strategy<Value = (u32, u32)> {
    (72u32..=240, 3u32..=12).prop_map(|(s, l)| (s * 5, l * 5))
}

fn staff_spec() -> impl Strategy<Value = StaffSpec> {
    (
        week(0, 2),
        prop::collection::vec(prop::collection::vec(short_range(), 0..=1), 7),
        prop::collection::vec(prop::bool::weighted(0.8), 2)
            .prop_map(|q| q.iter().enumerate().map(|(i, b)| u8::from(*b) << i).sum()),
        prop::collection::vec((0..DAYS, 72u32..=240, 1u32..=60), 0..=2),
    )
        .prop_map(|(hours, breaks, qualified, off)| StaffSpec {
            hours,
            breaks,
            qualified,
            time_off: off.into_iter().map(|(d, s, l)| (d, s * 5, l * 5)).collect(),
        })
}

fn seg_spec() -> impl Strategy<Value = SegSpec> {
    (
        1u32..=12,
        any::<bool>(),
        prop::option::of(0u8..2),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(m, staff, room, device)| SegSpec {
            minutes: m * 5,
            staff,
            room,
            device,
        })
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::sample::select(vec![
            date(2026, 10, 30),
            date(2027, 3, 12),
            date(2026, 12, 1),
        ]),
        week(1, 2),
        prop::collection::vec(staff_spec(), 1..=4),
        prop::collection::vec(0u8..2, 1..=3),
        0usize..=2,
        prop::collection::vec(
            (prop::collection::vec(seg_spec(), 1..=3), 0u32..=3, 0u32..=3),
            1..=2,
        ),
        prop::collection::vec(
            (
                0usize..16,
                0..DAYS,
                0u32..288,
                1u32..=36,
                prop::option::of(0u8..6),
            ),
            0..=30,
        ),
        (
            0u32..=300,
            1u32..=6,
            prop::sample::select(vec![5u32, 10, 15, 20, 30, 60]),
        ),
        (
            0u32..2880,
            0usize..2,
            prop::option::of(0usize..4),
            prop::option::of(0u8..6),
            any::<u64>(),
        ),
    )
        .prop_map(
            |(
                base,
                hours,
                staff,
                rooms,
                devices,
                services,
                holds,
                policy,
                (now, service, filter, exclude, seed),
            )| {
                World {
                    base,
                    hours,
                    staff,
                    rooms,
                    devices,
                    services: services
                        .into_iter()
                        .map(|(s, b, a)| (s, b * 5, a * 5))
                        .collect(),
                    holds: holds
                        .into_iter()
                        .map(|(r, d, s, l, a)| (r, d, s * 5, l * 5, a))
                        .collect(),
                    policy: Policy {
                        min_notice_minutes: policy.0,
                        horizon_days: policy.1,
                        grid_minutes: policy.2,
                    },
                    now_minute: now,
                    service,
                    staff_filter: filter,
                    exclude,
                    seed,
                }
            },
        )
}

fn schedule(days: &[Vec<(u32, u32)>]) -> WeeklySchedule {
    let mut w = WeeklySchedule::default();
    for (wd, ranges) in ALL_DAYS.iter().zip(days) {
        for &(s, l) in ranges {
            let t = |m: u32| {
                time(
                    i8::try_from(m / 60).unwrap(),
                    i8::try_from(m % 60).unwrap(),
                    0,
                    0,
                )
            };
            w.add(
                *wd,
                TimeRange::new(t(s), t((s + l).min(23 * 60 + 55))).unwrap(),
            );
        }
    }
    w
}

struct Built {
    clinic: Clinic,
    index: HoldIndex,
}

fn build(w: &World) -> Built {
    let kinds = ["a", "b"];
    let services: Vec<Service> = w
        .services
        .iter()
        .enumerate()
        .map(|(i, (segs, before, after))| {
            let segs = segs
                .iter()
                .map(|s| {
                    seg(
                        s.minutes,
                        s.staff,
                        s.room.map(|k| kinds[usize::from(k)]),
                        s.device.then_some("d"),
                    )
                })
                .collect();
            service(100 + i as u128, segs, *before, *after)
        })
        .collect();
    let staff: Vec<Staff> = w
        .staff
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let quals: Vec<&Service> = services
                .iter()
                .enumerate()
                .filter(|(k, _)| s.qualified & (1 << k) != 0)
                .map(|(_, svc)| svc)
                .collect();
            let mut st = super::staff(10 + i as u128, &quals, schedule(&s.hours));
            st.breaks = schedule(&s.breaks);
            st.time_off = s
                .time_off
                .iter()
                .map(|&(d, m, l)| {
                    let start = at(add_days(w.base, d), 0, 0) + i64::from(m) * MIN;
                    Interval::new(start, start + i64::from(l) * MIN)
                })
                .collect();
            st
        })
        .collect();
    let rooms: Vec<Room> = w
        .rooms
        .iter()
        .enumerate()
        .map(|(i, k)| room(20 + i as u128, kinds[usize::from(*k)]))
        .collect();
    let devices: Vec<Device> = (0..w.devices)
        .map(|i| device(30 + i as u128, "d"))
        .collect();
    let resources: Vec<ResourceId> = staff
        .iter()
        .map(|s| s.id.into())
        .chain(rooms.iter().map(|r| r.id.into()))
        .chain(devices.iter().map(|d| d.id.into()))
        .collect();
    let index = w
        .holds
        .iter()
        .map(|&(r, d, m, l, a)| {
            let start = at(add_days(w.base, d), 0, 0) + i64::from(m) * MIN;
            let hold = Hold {
                interval: Interval::new(start, start + i64::from(l) * MIN),
                appointment: a.map(|n| AppointmentId::new(uuid(1000 + u128::from(n)))),
            };
            (resources[r % resources.len()], hold)
        })
        .collect();
    Built {
        clinic: clinic(
            location(schedule(&w.hours)),
            staff,
            rooms,
            devices,
            services,
        ),
        index,
    }
}

fn make_query<'a>(w: &'a World, b: &'a Built) -> Query<'a> {
    let c = &b.clinic;
    let service = &c.services[w.service % c.services.len()];
    Query {
        staff: w.staff_filter.and_then(|i| c.staff.get(i)).map(|s| s.id),
        exclude: w
            .exclude
            .map(|n| AppointmentId::new(uuid(1000 + u128::from(n)))),
        ..query(
            c,
            service,
            &w.policy,
            w.base,
            add_days(w.base, DAYS - 1),
            at(add_days(w.base, -1), 0, 0) + i64::from(w.now_minute) * MIN,
        )
    }
}

/// Only the holds of `index` that overlap `window`: what a caller loading
/// `Query::hold_window*` from storage would have.
fn restricted(q: &Query<'_>, index: &HoldIndex, window: Interval) -> HoldIndex {
    q.clinic
        .resources_at(q.location.id)
        .into_iter()
        .flat_map(|r| index.holds(r).iter().map(move |h| (r, *h)))
        .filter(|(_, h)| h.interval.overlaps(&window))
        .collect()
}

/// Oracle: whether any hold of `r` (not of `exclude`) overlaps `iv`, by scanning them all.
fn clashes(index: &HoldIndex, r: ResourceId, iv: Interval, exclude: Option<AppointmentId>) -> bool {
    index
        .holds(r)
        .iter()
        .any(|h| (exclude.is_none() || h.appointment != exclude) && h.interval.overlaps(&iv))
}

/// Oracle: a per-minute map of one weekday of a schedule, minus another (breaks).
fn minute_map(on: &WeeklySchedule, off: &WeeklySchedule, d: Date) -> Vec<bool> {
    let mut map = vec![false; 24 * 60];
    let minute = |t: jiff::civil::Time| {
        usize::try_from(i32::from(t.hour()) * 60 + i32::from(t.minute())).unwrap()
    };
    for r in on.for_weekday(d.weekday()) {
        map[minute(r.start)..minute(r.end)].fill(true);
    }
    for r in off.for_weekday(d.weekday()) {
        map[minute(r.start)..minute(r.end)].fill(false);
    }
    map
}

/// Oracle: every local minute of `iv` lies inside `map` of `iv`'s local date.
fn inside_local(on: &WeeklySchedule, off: &WeeklySchedule, iv: Interval) -> bool {
    let tz = chicago();
    let (a, b) = (
        from_millis(iv.start).to_zoned(tz.clone()),
        from_millis(iv.end - 1).to_zoned(tz),
    );
    if a.date() != b.date() {
        return false;
    }
    let map = minute_map(on, off, a.date());
    let m = |z: &jiff::Zoned| {
        usize::try_from(i32::from(z.hour()) * 60 + i32::from(z.minute())).unwrap()
    };
    map[m(&a)..=m(&b)].iter().all(|x| *x)
}

fn distinct<T: Ord>(mut v: Vec<T>) -> usize {
    v.sort();
    v.dedup();
    v.len()
}

fn check_slot(q: &Query<'_>, index: &HoldIndex, s: &Slot) -> Result<(), TestCaseError> {
    let tz = chicago();
    let svc = q.service;
    let extent = Interval::new(
        s.start - i64::from(svc.buffer_before_minutes) * MIN,
        s.end + i64::from(svc.buffer_after_minutes) * MIN,
    );
    prop_assert_eq!(s.end - s.start, i64::from(svc.duration_minutes()) * MIN);
    prop_assert!(s.start >= q.now_ms + i64::from(q.policy.min_notice_minutes) * MIN);
    let d = local_date(s.start, &tz);
    prop_assert!(q.from <= d && d <= q.to);
    prop_assert!(d <= add_days(local_date(q.now_ms, &tz), i64::from(q.policy.horizon_days)));
    prop_assert_eq!(
        local_minute_of_day(s.start, &tz).map(|m| m % q.policy.grid_minutes),
        Some(0)
    );
    // (c) The chain with buffers inside location hours, on the local wall clock.
    prop_assert!(inside_local(
        &q.location.hours,
        &WeeklySchedule::default(),
        extent
    ));
    prop_assert_eq!(s.staff, s.plan.staff);
    prop_assert_eq!((s.start, s.end), (s.plan.start, s.plan.end));
    if let Some(id) = s.staff {
        let st = q.clinic.staff_member(id).unwrap();
        prop_assert!(st.is_qualified(svc.id));
        prop_assert!(q.staff.is_none_or(|f| f == id));
        let rows = rows_of(&s.plan, id);
        prop_assert!(!rows.is_empty());
        for iv in rows {
            prop_assert!(inside_local(&st.hours, &st.breaks, iv), "staff hours");
            prop_assert!(st.time_off.iter().all(|off| !off.overlaps(&iv)), "time off");
        }
    } else {
        prop_assert!(!svc.needs_staff());
    }
    // Every segment is covered by a row of the right kind of resource, one room per room kind
    // and one device per device kind for the whole booking.
    let mut offset = s.start;
    let (mut rooms, mut devices) = (Vec::new(), Vec::new());
    for sg in &svc.segments {
        let iv = Interval::new(offset, offset + i64::from(sg.duration_minutes) * MIN);
        offset = iv.end;
        let held_by = |r: ResourceId| s.plan.holds.iter().any(|(x, h)| *x == r && h.contains(&iv));
        if sg.staff {
            prop_assert!(s.staff.is_some_and(|id| held_by(id.into())));
        }
        if let Some(kind) = &sg.room_kind {
            let r = q
                .clinic
                .rooms
                .iter()
                .find(|r| &r.kind == kind && held_by(r.id.into()));
            prop_assert!(r.is_some(), "no {} room held", kind);
            rooms.push(r.map(|r| r.id));
        }
        if let Some(kind) = &sg.device_kind {
            let d = q
                .clinic
                .devices
                .iter()
                .find(|d| &d.kind == kind && held_by(d.id.into()));
            prop_assert!(d.is_some(), "no {} device held", kind);
            devices.push(d.map(|d| d.id));
        }
    }
    let room_kinds = distinct(
        svc.segments
            .iter()
            .filter_map(|s| s.room_kind.clone())
            .collect(),
    );
    let device_kinds = distinct(
        svc.segments
            .iter()
            .filter_map(|s| s.device_kind.clone())
            .collect(),
    );
    prop_assert_eq!(distinct(rooms), room_kinds, "one room per kind");
    prop_assert_eq!(distinct(devices), device_kinds, "one device per kind");
    let resources = usize::from(s.staff.is_some()) + room_kinds + device_kinds;
    let held = distinct(s.plan.holds.iter().map(|(r, _)| *r).collect());
    prop_assert_eq!(held, resources, "nothing else is held");
    // (a) Nothing the plan holds overlaps an existing hold.
    for &(r, iv) in &s.plan.holds {
        prop_assert!(extent.contains(&iv));
        prop_assert!(!clashes(index, r, iv, q.exclude), "plan overlaps a hold");
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    /// (a) every offered slot plans with `plan_at` to the same plan and overlaps no hold;
    /// (c) slots lie in location hours and the staff member's local hours;
    /// (d) slots are sorted and unique per (start, staff);
    /// and every grid start that `plan_at` accepts is offered.
    #[test]
    fn offered_slots_are_bookable_and_complete(w in world()) {
        let b = build(&w);
        let q = make_query(&w, &b);
        let offered = slots(&q, &b.index);
        let position = |s: &Slot| s.staff.map(|id| q.clinic.staff.iter().position(|x| x.id == id).unwrap());
        for pair in offered.windows(2) {
            prop_assert!((pair[0].start, position(&pair[0])) < (pair[1].start, position(&pair[1])));
        }
        // The hold windows name every hold the engine reads.
        prop_assert_eq!(&slots(&q, &restricted(&q, &b.index, q.hold_window())), &offered);
        for s in &offered {
            check_slot(&q, &b.index, s)?;
            let mine = Query { staff: s.staff.or(q.staff), ..q };
            let planned = plan_at(&mine, s.start, &b.index);
            prop_assert_eq!(planned.as_ref(), Ok(&s.plan));
            let near = restricted(&q, &b.index, q.hold_window_at(s.start));
            let auto = plan_at(&q, s.start, &near);
            prop_assert_eq!(auto, plan_at(&q, s.start, &b.index));
        }
        // Completeness: every grid wall time of the window, for each staff member.
        let staff: Vec<Option<StaffId>> = if q.service.needs_staff() {
            q.clinic.staff.iter().map(|s| Some(s.id)).collect()
        } else {
            vec![None]
        };
        let mut d = q.from;
        while d <= q.to {
            let mut minute = 0;
            while minute < 24 * 60 {
                let t = time(i8::try_from(minute / 60).unwrap(), i8::try_from(minute % 60).unwrap(), 0, 0);
                for start in wall_instants(d.to_datetime(t), &chicago()) {
                    for &who in &staff {
                        let mine = Query { staff: who.or(q.staff), ..q };
                        if q.staff.is_some() && who.is_some() && who != q.staff {
                            continue;
                        }
                        let ok = plan_at(&mine, start, &b.index).is_ok();
                        let listed = offered.iter().any(|s| s.start == start && s.staff == who);
                        prop_assert_eq!(ok, listed, "plan_at and slots disagree at {}", hm(start));
                    }
                }
                minute += q.policy.grid_minutes;
            }
            d = add_days(d, 1);
        }
    }

    /// (b) Booking offered slots in random order, re-checking each with `plan_at` and writing
    /// its holds, never makes two holds of one resource overlap.
    #[test]
    fn booking_in_any_order_never_double_books(w in world()) {
        let b = build(&w);
        let q = make_query(&w, &b);
        let mut offered = slots(&q, &b.index);
        // Fisher-Yates with an LCG seeded by the case: a random order, reproducible.
        let mut x = w.seed | 1;
        for i in (1..offered.len()).rev() {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            offered.swap(i, usize::try_from((x >> 33) % (i as u64 + 1)).unwrap());
        }
        let mut index = b.index.clone();
        let mut booked = 0u128;
        for (k, s) in offered.iter().enumerate() {
            // Alternate between naming the staff member and letting the engine choose.
            let who = if k % 2 == 0 { s.staff.or(q.staff) } else { q.staff };
            let mine = Query { staff: who, ..q };
            if let Ok(plan) = plan_at(&mine, s.start, &index) {
                for &(r, iv) in &plan.holds {
                    prop_assert!(!clashes(&index, r, iv, q.exclude), "double booking");
                }
                booked += 1;
                book(&mut index, &plan, 5000 + booked);
            }
        }
        prop_assert!(offered.is_empty() || booked > 0);
        // Every new hold is disjoint from every other hold of its resource.
        let resources: Vec<ResourceId> = q.clinic.resources_at(q.location.id);
        for r in resources {
            let hs = index.holds(r);
            for (i, h) in hs.iter().enumerate() {
                let new = h.appointment.is_some_and(|a| a.get().as_u128() > 5000);
                if !new {
                    continue;
                }
                for (j, o) in hs.iter().enumerate() {
                    if i != j && (q.exclude.is_none() || o.appointment != q.exclude) {
                        prop_assert!(!h.interval.overlaps(&o.interval), "overlap on a resource");
                    }
                }
            }
        }
    }

    /// Alternatives are the `n` offered starts nearest to the wanted one, one per start, each
    /// planned exactly as `plan_at` would plan it.
    #[test]
    fn alternatives_are_the_nearest_offered_starts(w in world(), n in 0usize..6, minute in 0i64..(DAYS * 1440)) {
        let b = build(&w);
        let q = make_query(&w, &b);
        let around = at(w.base, 0, 0) + minute * MIN;
        let alt = alternatives(&q, around, &b.index, n);
        let near = restricted(&q, &b.index, q.hold_window_around(around));
        prop_assert_eq!(&alternatives(&q, around, &near, n), &alt);
        let centre = local_date(around, &chicago());
        let wide = Query {
            from: add_days(centre, -ALTERNATIVES_WINDOW_DAYS),
            to: add_days(centre, ALTERNATIVES_WINDOW_DAYS),
            ..q
        };
        let mut starts: Vec<Millis> = slots(&wide, &b.index).iter().map(|s| s.start).collect();
        starts.dedup();
        starts.sort_by_key(|&t| ((t - around).abs(), t));
        starts.truncate(n);
        starts.sort_unstable();
        prop_assert_eq!(alt.iter().map(|s| s.start).collect::<Vec<_>>(), starts);
        for s in &alt {
            let planned = plan_at(&q, s.start, &b.index);
            prop_assert_eq!(planned.as_ref(), Ok(&s.plan));
        }
    }
}
