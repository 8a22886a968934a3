//! Spacing between one client's sessions (PROTOCOLS.md §5): a series service's minimum
//! interval between any two of its sessions, and the cross-service scheduler rules (filler and
//! neurotoxin before laser, needling or HydraFacial; lasers, peels, needling and HydraFacial
//! apart). Dates are local calendar dates; the store applies this inside the booking
//! transaction, against the client's live sessions (matched on email), so it holds across
//! every booking path and under concurrency.
//!
//! The "same area" of §5 is not known online, so the rules apply whatever the area: the
//! conservative reading. Where §5 gives a range, the conservative end.

use super::{Series, shift_days};
use jiff::civil::Date;

const LASER_LIGHT: &[&str] = &["halo", "ipl-photofacial", "laser-hair-removal"];
const SKIN: &[&str] = &[
    "halo",
    "ipl-photofacial",
    "laser-hair-removal",
    "chemical-peel",
    "microneedling",
    "hydrafacial",
];
const INJECTABLES: &[&str] = &["dermal-filler", "neuromodulator"];

/// One cross-service rule: a session of a service in `earlier` must come at least `days`
/// before a session of a (different) service in `later`.
struct Gap {
    earlier: &'static [&'static str],
    later: &'static [&'static str],
    days: i64,
    /// Same calendar day allowed (HydraFacial before injectables).
    same_day_ok: bool,
    text: &'static str,
}

/// PROTOCOLS.md §5 "Cross-service spacing" [S15][S17][S18][S36][S52][S53][S99], and the
/// microneedling row ("lasers/medium peels −1 mo").
const GAPS: &[Gap] = &[
    // Filler >= 14 d before laser or microneedling, 7-14 d before HydraFacial (14, the
    // conservative end); neurotoxin 5-14 d before laser/microneedling/HydraFacial (14).
    Gap {
        earlier: INJECTABLES,
        later: &[
            "halo",
            "ipl-photofacial",
            "laser-hair-removal",
            "microneedling",
            "hydrafacial",
        ],
        days: 14,
        same_day_ok: false,
        text: "Neurotoxin or filler injections need at least 14 days before laser, light, \
               microneedling or a HydraFacial.",
    },
    // Injectables may follow a HydraFacial on the same day.
    Gap {
        earlier: &["hydrafacial"],
        later: INJECTABLES,
        days: 0,
        same_day_ok: true,
        text: "",
    },
    // Lasers and light before microneedling: 1 month.
    Gap {
        earlier: LASER_LIGHT,
        later: &["microneedling"],
        days: 30,
        same_day_ok: false,
        text: "Microneedling needs at least a month after a laser or light treatment.",
    },
    // Lasers/peels/needling and HydraFacial >= 14 d apart (either order).
    Gap {
        earlier: SKIN,
        later: SKIN,
        days: 14,
        same_day_ok: false,
        text: "Laser, light, peel, microneedling and HydraFacial treatments need at least 14 \
               days between them.",
    },
];

/// The days a session of `earlier` must precede one of `later` (different services), with
/// the client-facing reason; `None` when no rule links them.
fn cross_gap(earlier: &str, later: &str) -> Option<(i64, bool, &'static str)> {
    GAPS.iter()
        .find(|g| g.earlier.contains(&earlier) && g.later.contains(&later))
        .map(|g| (g.days, g.same_day_ok, g.text))
}

/// A session of the same client that the new date is too close to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpacingConflict {
    /// The other session's service slug and date.
    pub other_service: String,
    pub other_date: Date,
    /// The same service (a series interval) or another one.
    pub same_service: bool,
    /// The first date after the other session that this rule allows.
    pub blocked_until: Date,
    pub text: String,
}

/// Checks a new session of `service` (with its `series`, if any) on `date` against the
/// client's other live sessions `(service slug, date)`. The first conflict, if any.
pub fn check(
    service: &str,
    series: Option<Series>,
    date: Date,
    others: &[(String, Date)],
) -> Result<(), SpacingConflict> {
    for (other, other_date) in others {
        let (gap_after, gap_before, same_day_ok, text, same) = if other == service {
            let Some(s) = series else { continue };
            let days = i64::from(s.min_interval_weeks) * 7;
            (
                days,
                days,
                false,
                format!(
                    "Sessions of this treatment need at least {} weeks between them.",
                    s.min_interval_weeks
                ),
                true,
            )
        } else {
            // other -> new, and new -> other.
            let after = cross_gap(other, service);
            let before = cross_gap(service, other);
            if after.is_none() && before.is_none() {
                continue;
            }
            let text = after.or(before).map_or("", |g| g.2).to_owned();
            (
                after.map_or(0, |g| g.0),
                before.map_or(0, |g| g.0),
                after.is_some_and(|g| g.1) || before.is_some_and(|g| g.1),
                text,
                false,
            )
        };
        let days_from_other = (date - *other_date).get_days();
        let too_close = match days_from_other.cmp(&0) {
            std::cmp::Ordering::Greater => i64::from(days_from_other) < gap_after,
            std::cmp::Ordering::Less => i64::from(-days_from_other) < gap_before,
            std::cmp::Ordering::Equal => !same_day_ok,
        };
        if too_close {
            return Err(SpacingConflict {
                other_service: other.clone(),
                other_date: *other_date,
                same_service: same,
                blocked_until: shift_days(*other_date, gap_after.max(1)),
                text,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const HALO_SERIES: Option<Series> = Some(Series {
        sessions: 2,
        min_interval_weeks: 4,
        max_interval_weeks: 8,
    });

    fn others(list: &[(&str, Date)]) -> Vec<(String, Date)> {
        list.iter().map(|(s, d)| ((*s).to_owned(), *d)).collect()
    }

    #[test]
    fn a_series_service_keeps_its_interval_both_ways() {
        let first = date(2026, 12, 8);
        let o = others(&[("halo", first)]);
        let err = check("halo", HALO_SERIES, date(2026, 12, 15), &o).unwrap_err();
        assert!(err.same_service);
        assert_eq!(err.blocked_until, date(2027, 1, 5));
        assert!(
            check("halo", HALO_SERIES, date(2026, 12, 8), &o).is_err(),
            "same day"
        );
        assert!(
            check("halo", HALO_SERIES, date(2026, 11, 20), &o).is_err(),
            "before"
        );
        assert!(check("halo", HALO_SERIES, date(2027, 1, 5), &o).is_ok());
        assert!(check("halo", HALO_SERIES, date(2026, 11, 10), &o).is_ok());
        // No series: no same-service rule.
        assert!(
            check(
                "hydrafacial",
                None,
                first,
                &others(&[("hydrafacial", first)])
            )
            .is_ok()
        );
    }

    #[test]
    fn cross_service_rules_of_section_5() {
        let d = date(2026, 12, 8);
        // Filler then Halo: 14 days.
        let o = others(&[("dermal-filler", d)]);
        assert!(check("halo", HALO_SERIES, date(2026, 12, 21), &o).is_err());
        assert!(check("halo", HALO_SERIES, date(2026, 12, 22), &o).is_ok());
        // Neurotoxin then microneedling / HydraFacial: 14 days.
        let o = others(&[("neuromodulator", d)]);
        assert!(check("microneedling", None, date(2026, 12, 15), &o).is_err());
        assert!(check("hydrafacial", None, date(2026, 12, 15), &o).is_err());
        // HydraFacial then injectables on the same day: fine; injectables then HydraFacial
        // the same day: not.
        let o = others(&[("hydrafacial", d)]);
        assert!(check("neuromodulator", None, d, &o).is_ok());
        // Laser then microneedling: a month.
        let o = others(&[("halo", d)]);
        assert!(check("microneedling", None, date(2027, 1, 6), &o).is_err());
        assert!(check("microneedling", None, date(2027, 1, 7), &o).is_ok());
        // Peel and IPL either way: 14 days.
        let o = others(&[("chemical-peel", d)]);
        assert!(check("ipl-photofacial", None, date(2026, 12, 1), &o).is_err());
        assert!(check("ipl-photofacial", None, date(2026, 11, 24), &o).is_ok());
        // Unrelated: neuromodulator and skincare consult.
        let o = others(&[("medical-grade-skincare", d)]);
        assert!(check("neuromodulator", None, d, &o).is_ok());
    }
}
