//! The hold index against a plain list of holds: after any mix of inserts and removals, its
//! sorted lists, its counts and its answers (`is_free`, `held_ms`, `overlapping`) match a scan of
//! the list. Windows and holds span many fence blocks, and some holds are long blocks.

use super::*;
use crate::availability::Hold;
use crate::ids::AppointmentId;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Insert(u8, Millis, Millis, Option<u8>),
    Remove(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (
            0u8..3,
            0i64..300_000_000,
            // Short, just under a day (the search bound), and long blocks.
            prop_oneof![8 => 1i64..10_800_000, 1 => 43_200_000i64..86_400_000, 1 => 86_400_000i64..400_000_000],
            prop::option::of(0u8..40),
        )
            .prop_map(|(r, s, l, a)| Op::Insert(r, s, s + l, a)),
        1 => (0u8..40).prop_map(Op::Remove),
    ]
}

fn res(r: u8) -> ResourceId {
    ResourceId(uuid(u128::from(r) + 1))
}

fn appt(a: u8) -> AppointmentId {
    AppointmentId::new(uuid(500 + u128::from(a)))
}

proptest! {
    #[test]
    fn index_answers_like_a_scan(
        ops in prop::collection::vec(op(), 0..400),
        windows in prop::collection::vec((0i64..400_000_000, 1i64..14_400_000, prop::option::of(0u8..40)), 1..30),
    ) {
        let mut index = HoldIndex::new();
        let mut model: Vec<(ResourceId, Hold)> = Vec::new();
        for op in &ops {
            match *op {
                Op::Insert(r, s, e, a) => {
                    let hold = Hold { interval: Interval::new(s, e), appointment: a.map(appt) };
                    index.insert(res(r), hold);
                    model.push((res(r), hold));
                }
                Op::Remove(a) => {
                    index.remove_appointment(appt(a));
                    model.retain(|(_, h)| h.appointment != Some(appt(a)));
                }
            }
        }
        prop_assert_eq!(index.len(), model.len());
        let rebuilt: HoldIndex = model.iter().copied().collect();
        for r in 0..3 {
            let mut want: Vec<Hold> = model.iter().filter(|(x, _)| *x == res(r)).map(|(_, h)| *h).collect();
            want.sort_by_key(|h| (h.interval.start, h.interval.end, h.appointment));
            let mut got = index.holds(res(r)).to_vec();
            prop_assert!(got.windows(2).all(|w| w[0].interval.start <= w[1].interval.start));
            got.sort_by_key(|h| (h.interval.start, h.interval.end, h.appointment));
            prop_assert_eq!(&got, &want);
            let mut again = rebuilt.holds(res(r)).to_vec();
            again.sort_by_key(|h| (h.interval.start, h.interval.end, h.appointment));
            prop_assert_eq!(&again, &want);
            for &(s, l, ex) in &windows {
                let w = Interval::new(s, s + l);
                let ex = ex.map(appt);
                let seen: Vec<&Hold> = want.iter().filter(|h| (ex.is_none() || h.appointment != ex) && h.interval.overlaps(&w)).collect();
                prop_assert_eq!(index.is_free(res(r), w, ex), seen.is_empty());
                prop_assert_eq!(rebuilt.is_free(res(r), w, ex), seen.is_empty());
                let held: Millis = seen.iter().map(|h| h.interval.end.min(w.end) - h.interval.start.max(w.start)).sum();
                prop_assert_eq!(index.held_ms(res(r), w, ex), held);
                prop_assert_eq!(index.overlapping(res(r), w, ex).count(), seen.len());
            }
        }
    }
}
