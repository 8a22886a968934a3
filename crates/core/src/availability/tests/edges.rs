//! The edges of the calendar: any `from`/`to` and any "now" jiff can represent (year -9999 to
//! 9999, reversed windows, long windows) must give an answer promptly, and every slot still
//! lies inside the window and inside today..=horizon. A window at 9999-12-31 used to loop
//! forever on a saturating date step (issue 11).

use super::*;
use crate::availability::{alternatives, plan_at, slots};
use crate::time::{add_days, local_date};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn any_date() -> impl Strategy<Value = Date> {
    let span = Date::MIN.until(Date::MAX).unwrap().get_days();
    prop_oneof![
        // Anywhere in the calendar.
        (0..=span).prop_map(|d| add_days(Date::MIN, i64::from(d))),
        // The last and first days.
        (0..70i64).prop_map(|d| add_days(Date::MAX, -d)),
        (0..70i64).prop_map(|d| add_days(Date::MIN, d)),
    ]
}

fn any_instant() -> impl Strategy<Value = Millis> {
    let (lo, hi) = (
        jiff::Timestamp::MIN.as_millisecond(),
        jiff::Timestamp::MAX.as_millisecond(),
    );
    prop_oneof![
        lo..=hi,
        (hi - 200 * 86_400_000)..=hi,
        lo..=(lo + 200 * 86_400_000),
    ]
}

fn world() -> Clinic {
    let hours = every_day(range(8, 0, 20, 0));
    let h = halo(100);
    let s = simple(101, 30);
    clinic(
        location(hours.clone()),
        vec![
            staff(10, &[&h, &s], hours.clone()),
            staff(11, &[&h, &s], hours),
        ],
        vec![room(20, "laser"), room(21, "treatment")],
        vec![device(30, "halo")],
        vec![h, s],
    )
}

proptest! {
    #![proptest_config(Config { cases: 300, ..Config::default() })]

    #[test]
    fn any_window_and_any_now_is_answered_inside_the_horizon(
        a in any_date(), b in any_date(), now in any_instant(), around in any_instant(),
        which in 0usize..2,
    ) {
        let c = world();
        let policy = Policy::default();
        let service = &c.services[which];
        let (from, to) = (a.min(b), a.max(b).min(add_days(a.min(b), 61)));
        let q = query(&c, service, &policy, from, to, now);
        let index = HoldIndex::new();
        let found = slots(&q, &index);
        let tz = chicago();
        let today = local_date(now, &tz);
        let horizon = add_days(today, i64::from(policy.horizon_days));
        for s in &found {
            let d = local_date(s.start, &tz);
            prop_assert!(from <= d && d <= to, "{d} outside {from}..={to}");
            prop_assert!(today <= d && d <= horizon, "{d} outside {today}..={horizon}");
            prop_assert!(s.start >= now);
        }
        // Planning and alternatives at any instant answer too.
        let _ = plan_at(&q, around, &index);
        let near = alternatives(&q, around, &index, 3);
        prop_assert!(near.len() <= 3);
        // A reversed window is empty.
        let reversed = query(&c, service, &policy, to, from, now);
        if from < to {
            prop_assert!(slots(&reversed, &index).is_empty());
        }
    }
}
