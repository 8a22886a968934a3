//! Sets of instants as sorted, disjoint interval lists ("normalized": no empty interval, no two
//! intervals overlapping or touching). The engine turns hours, breaks, time off and holds into
//! one such free list per resource, so a slot check is a binary search in a short list.

use crate::time::Interval;

/// Sorts, drops empty intervals and merges overlapping or touching ones, in place.
pub(crate) fn normalize(v: &mut Vec<Interval>) {
    v.retain(|iv| !iv.is_empty());
    v.sort_unstable();
    let mut out = 0;
    for i in 0..v.len() {
        if out > 0 && v[i].start <= v[out - 1].end {
            v[out - 1].end = v[out - 1].end.max(v[i].end);
        } else {
            v[out] = v[i];
            out += 1;
        }
    }
    v.truncate(out);
}

/// `a` minus `b`; both normalized, and so is the result.
pub(crate) fn subtract(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    subtract_into(a, b, &mut out);
    out
}

/// Appends `a` minus `b` to `out`; `a` and `b` normalized.
pub(crate) fn subtract_into(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    let mut j = 0;
    for iv in a {
        let mut start = iv.start;
        // Intervals of `b` that end before this one starts can never matter again.
        while j < b.len() && b[j].end <= start {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start < iv.end {
            if b[k].start > start {
                out.push(Interval::new(start, b[k].start));
            }
            start = start.max(b[k].end);
            k += 1;
        }
        if start < iv.end {
            out.push(Interval::new(start, iv.end));
        }
    }
}

/// `set` clipped to `window`; `set` normalized, and so is the result.
pub(crate) fn clip(set: &[Interval], window: Interval) -> Vec<Interval> {
    set.iter()
        .filter(|iv| iv.overlaps(&window))
        .map(|iv| Interval::new(iv.start.max(window.start), iv.end.min(window.end)))
        .collect()
}

/// Whether one interval of the normalized `set` contains all of `iv`.
pub(crate) fn covers(set: &[Interval], iv: Interval) -> bool {
    // The only candidate is the first interval that ends after `iv` starts.
    let i = set.partition_point(|s| s.end <= iv.start);
    set.get(i).is_some_and(|s| s.contains(&iv))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ivs(v: &[(i64, i64)]) -> Vec<Interval> {
        v.iter().map(|&(a, b)| Interval::new(a, b)).collect()
    }

    #[test]
    fn normalize_merges_touching_and_overlapping() {
        let mut v = ivs(&[(5, 7), (0, 2), (2, 3), (6, 9), (10, 10)]);
        normalize(&mut v);
        assert_eq!(v, ivs(&[(0, 3), (5, 9)]));
    }

    #[test]
    fn subtract_cuts_holes() {
        let a = ivs(&[(0, 10), (20, 30)]);
        let b = ivs(&[(2, 3), (8, 22), (25, 26), (40, 50)]);
        assert_eq!(subtract(&a, &b), ivs(&[(0, 2), (3, 8), (22, 25), (26, 30)]));
        assert_eq!(subtract(&a, &[]), a);
        assert!(subtract(&a, &ivs(&[(0, 30)])).is_empty());
    }

    #[test]
    fn covers_needs_one_interval() {
        let set = ivs(&[(0, 10), (10, 20)]); // not normalized on purpose: touching
        assert!(covers(&set, Interval::new(0, 10)));
        assert!(!covers(&set, Interval::new(5, 15)));
        let set = ivs(&[(0, 10), (12, 20)]);
        assert!(covers(&set, Interval::new(12, 20)));
        assert!(!covers(&set, Interval::new(9, 13)));
        assert!(!covers(&set, Interval::new(20, 21)));
    }

    #[test]
    fn clip_trims_to_window() {
        let set = ivs(&[(0, 10), (12, 20), (30, 40)]);
        assert_eq!(clip(&set, Interval::new(5, 15)), ivs(&[(5, 10), (12, 15)]));
    }
}
