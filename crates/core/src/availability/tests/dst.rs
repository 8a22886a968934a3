//! Daylight-saving changes in America/Chicago: fall back on 2026-11-01 (01:00-01:59 happen
//! twice), spring forward on 2027-03-14 (02:00-02:59 never happen). Day hours stay local on both
//! sides; night hours exercise the gap and the fold directly.

use super::*;
use crate::availability::{Unavailable, plan_at, slots};
use crate::time::{add_days, local_date, wall_instants};
use std::collections::BTreeMap;

fn day_clinic(hours: TimeRange, minutes: u32) -> Clinic {
    let svc = simple(100, minutes);
    let week = every_day(hours);
    clinic(
        location(week.clone()),
        vec![staff(10, &[&svc], week)],
        vec![room(20, "treatment")],
        vec![],
        vec![svc],
    )
}

fn wall(ms: Millis) -> jiff::civil::DateTime {
    from_millis(ms).to_zoned(chicago()).datetime()
}

/// Slots per local date, and checks that hold for every query here.
fn by_date(s: &[Slot]) -> BTreeMap<Date, Vec<Millis>> {
    let mut seen = std::collections::HashSet::new();
    let mut out: BTreeMap<Date, Vec<Millis>> = BTreeMap::new();
    for x in s {
        assert!(seen.insert(x.start), "duplicate instant");
        out.entry(local_date(x.start, &chicago()))
            .or_default()
            .push(x.start);
    }
    assert!(s.windows(2).all(|w| w[0].start < w[1].start));
    out
}

#[test]
fn day_hours_stay_local_across_both_changes() {
    let c = day_clinic(range(9, 0, 17, 0), 60);
    let policy = Policy::default();
    for change in [date(2026, 11, 1), date(2027, 3, 14)] {
        let (from, to) = (add_days(change, -1), add_days(change, 1));
        let q = query(
            &c,
            &c.services[0],
            &policy,
            from,
            to,
            at(add_days(from, -1), 0, 0),
        );
        let days = by_date(&slots(&q, &HoldIndex::new()));
        assert_eq!(days.len(), 3);
        for (d, starts) in &days {
            let walls: Vec<_> = starts.iter().map(|&t| wall(t)).collect();
            assert_eq!(starts.len(), 29, "{d}: 09:00..=16:00 local");
            assert_eq!(walls[0], d.at(9, 0, 0, 0));
            assert_eq!(walls[28], d.at(16, 0, 0, 0));
            assert!(walls.iter().all(|w| w.date() == *d));
        }
    }
    // 09:00 is 14:00Z under CDT and 15:00Z under CST.
    let q = query(
        &c,
        &c.services[0],
        &policy,
        date(2026, 10, 31),
        date(2026, 11, 1),
        at(date(2026, 10, 29), 0, 0),
    );
    let s = slots(&q, &HoldIndex::new());
    assert_eq!(from_millis(s[0].start).to_string(), "2026-10-31T14:00:00Z");
    assert_eq!(from_millis(s[29].start).to_string(), "2026-11-01T15:00:00Z");
}

#[test]
fn spring_forward_offers_nothing_in_the_gap() {
    let c = day_clinic(range(0, 0, 4, 0), 30);
    let policy = Policy::default();
    let d = date(2027, 3, 14);
    let q = query(&c, &c.services[0], &policy, d, d, at(add_days(d, -2), 0, 0));
    let s = slots(&q, &HoldIndex::new());
    let days = by_date(&s);
    let walls: Vec<String> = days[&d].iter().map(|&t| hm(t)).collect();
    assert!(walls.iter().all(|w| !w.starts_with("02:")), "{walls:?}");
    // 00:00-04:00 local is three real hours: 00:00..01:45 CST and 03:00..03:30 CDT.
    assert_eq!(
        walls,
        vec![
            "00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45", "03:00",
            "03:15", "03:30"
        ]
    );
    // 01:45 CST + 30 real minutes = 03:15 CDT.
    let late = s.iter().find(|x| hm(x.start) == "01:45").unwrap();
    assert_eq!(hm(late.end), "03:15");
    // A wall time inside the gap has no instant at all, so it can never become a slot.
    assert!(
        wall_instants(d.at(2, 30, 0, 0), &chicago())
            .next()
            .is_none()
    );
}

#[test]
fn fall_back_offers_the_repeated_hour_twice() {
    let c = day_clinic(range(0, 0, 4, 0), 30);
    let policy = Policy::default();
    let d = date(2026, 11, 1);
    let q = query(&c, &c.services[0], &policy, d, d, at(add_days(d, -2), 0, 0));
    let s = slots(&q, &HoldIndex::new());
    let days = by_date(&s);
    let starts = &days[&d];
    // 00:00-04:00 local is five real hours; every 01:xx quarter shows up twice.
    assert_eq!(starts.len(), 4 + 4 + 4 + 7);
    for m in [0, 15, 30, 45] {
        let both: Vec<Millis> = wall_instants(d.at(1, m, 0, 0), &chicago()).collect();
        assert_eq!(both.len(), 2);
        assert!(both.iter().all(|t| starts.contains(t)), "01:{m:02} twice");
        assert_eq!(both[1] - both[0], 60 * MIN);
        let hit: Vec<_> = s.iter().filter(|x| both.contains(&x.start)).collect();
        assert_eq!(hit.len(), 2);
        // Both can be booked by their exact instant.
        for x in hit {
            assert_eq!(
                plan_at(&q, x.start, &HoldIndex::new()).as_ref(),
                Ok(&x.plan)
            );
        }
    }
    // After booking the first 01:00 (CDT), the second 01:00 (CST) is still free: an hour later.
    let mut index = HoldIndex::new();
    let first = plan_at(&q, starts[4], &index).unwrap();
    book(&mut index, &first, 1);
    let again = wall_instants(d.at(1, 0, 0, 0), &chicago()).nth(1).unwrap();
    assert!(plan_at(&q, again, &index).is_ok());
    assert_eq!(plan_at(&q, starts[4], &index), Err(Unavailable::Taken));
}

#[test]
fn a_month_across_the_change_keeps_the_grid_local() {
    let c = day_clinic(range(9, 0, 17, 0), 45);
    let policy = Policy {
        grid_minutes: 30,
        ..Policy::default()
    };
    let q = query(
        &c,
        &c.services[0],
        &policy,
        date(2026, 10, 15),
        date(2026, 11, 15),
        at(date(2026, 10, 14), 0, 0),
    );
    let s = slots(&q, &HoldIndex::new());
    let days = by_date(&s);
    assert_eq!(days.len(), 32);
    for (d, starts) in days {
        assert_eq!(starts.len(), 15, "{d}: 09:00..=16:00 by 30 min");
        for t in starts {
            let w = wall(t);
            assert_eq!(w.minute() % 30, 0);
            assert!(w.hour() >= 9 && (w.hour(), w.minute()) <= (16, 0));
        }
    }
}
