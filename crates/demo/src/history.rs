//! The demo calendar: fictional clients and about 1,600 appointments over the next 60 days,
//! placed with the real availability engine so the calendar is exactly as full as a real one
//! could be (no overlaps, every hold inside working hours). About one in ten is cancelled,
//! as in life; cancelled appointments hold nothing.

use crate::{Rng, demo_id};
use jiff::civil::Date;
use medspa_core::availability::{self, HoldIndex, Policy, Query};
use medspa_core::clinic::Clinic;
use medspa_core::time::{Interval, add_days};
use medspa_core::{AppointmentId, ClientId, ResourceId};
use medspa_store::{SeedAppointment, SeedClient};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// How much history to generate.
#[derive(Clone, Copy, Debug)]
pub struct HistoryOptions {
    /// Days from today (today included).
    pub days: u32,
    /// Appointments to aim for, cancelled ones included.
    pub target: usize,
    /// Fictional clients to spread them over.
    pub clients: usize,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        Self {
            days: 60,
            target: 2_000,
            clients: 600,
        }
    }
}

const FIRST: &[&str] = &[
    "Ava", "Mia", "Noah", "Liam", "Zoe", "Iris", "Maya", "Leo", "Nora", "Eli", "Rosa", "Omar",
    "Lena", "Theo", "June", "Ruth", "Kai", "Sana", "Ivy", "Jonah", "Tess", "Amir", "Cleo", "Hugo",
];
const LAST: &[&str] = &[
    "Alder",
    "Brightwater",
    "Castellan",
    "Dunmore",
    "Everly",
    "Fairbanks",
    "Greenhill",
    "Holloway",
    "Ingram",
    "Juniper",
    "Kestrel",
    "Larkin",
    "Marlowe",
    "Northcott",
    "Oakes",
    "Penrose",
    "Quill",
    "Redfern",
    "Sterling",
    "Thornbury",
    "Underwood",
    "Vale",
    "Winslow",
    "Yardley",
];

/// Relative demand per service slug (how often each is booked).
const DEMAND: &[(&str, usize)] = &[
    ("consultation", 34),
    ("neuromodulator", 12),
    ("hydrafacial", 6),
    ("medical-grade-skincare", 9),
    ("laser-hair-removal", 4),
    ("chemical-peel", 4),
    ("dermal-filler", 4),
    ("microneedling", 3),
    ("ipl-photofacial", 2),
    ("halo", 2),
];

/// How full (percent of each provider's working day, and of each room's and device's opening
/// hours) day `d` from today may get: providers end up about 63 % booked in the first two
/// weeks and about 57 % later, as a real clinic's book looks, so every day keeps free time.
/// With the demo's three rooms this places about 1,600 appointments in 60 days; the old
/// 2,000 filled rooms and providers to 75-90 % and left some services unbookable for weeks.
fn fill_percent(d: u32) -> (i64, i64) {
    if d < 14 {
        (STAFF_EARLY, ROOM_EARLY)
    } else {
        (STAFF_LATE, ROOM_LATE)
    }
}
const STAFF_EARLY: i64 = 80;
const ROOM_EARLY: i64 = 90;
const STAFF_LATE: i64 = 70;
const ROOM_LATE: i64 = 85;

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn clients(n: usize) -> Vec<SeedClient> {
    (0..n)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len() + i * 7) % LAST.len()];
            SeedClient {
                id: ClientId::new(demo_id(&format!("client/{i}"))),
                name: format!("{first} {last}"),
                email: format!(
                    "{}.{}{}@example.net",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    i
                ),
                phone: format!("+1 312 555 01{:02}", i % 100),
            }
        })
        .collect()
}

fn reference(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    loop {
        let r: String = (0..8).map(|_| char::from(*rng.pick(ALPHABET))).collect();
        if used.insert(r.clone()) {
            return r;
        }
    }
}

/// Keeps three-hour windows free each open day in the laser suite, on the Halo unit and for
/// each Halo provider working then (two windows, one per provider, when two work that day), so
/// a client exploring the demo can always book a Halo session with either provider in the
/// coming weeks. The windows are placeholders in the generator's own index only; nothing is
/// written for them.
fn keep_halo_free(
    clinic: &Clinic,
    location: &medspa_core::clinic::Location,
    today: Date,
    days: u32,
    holds: &mut HoldIndex,
    rng: &mut Rng,
) {
    const WINDOW_MS: i64 = 3 * 3_600_000;
    let Some(halo) = clinic.service("halo") else {
        return;
    };
    let tz = location.zone.tz();
    let shared: Vec<ResourceId> = clinic
        .rooms
        .iter()
        .filter(|r| r.kind == "laser")
        .map(|r| ResourceId::from(r.id))
        .chain(
            clinic
                .devices
                .iter()
                .filter(|d| d.kind == "halo")
                .map(|d| ResourceId::from(d.id)),
        )
        .collect();
    for d in 0..days {
        let date = add_days(today, i64::from(d));
        if location.is_closed(date) {
            continue;
        }
        let Some(open) = location.hours.on(date, tz).first().copied() else {
            continue;
        };
        // Every (start, provider) window that fits the day and the provider's shift.
        let windows: Vec<(Interval, &medspa_core::clinic::Staff)> = (1..12)
            .map(|h| {
                Interval::new(
                    open.start + h * 3_600_000,
                    open.start + h * 3_600_000 + WINDOW_MS,
                )
            })
            .filter(|w| w.end <= open.end)
            .flat_map(|w| {
                clinic
                    .qualified_staff(halo.id, location.id)
                    .filter(move |st| {
                        st.hours.on(date, tz).iter().any(|h| h.contains(&w))
                            && !st.breaks.on(date, tz).iter().any(|b| b.overlaps(&w))
                    })
                    .map(move |st| (w, st))
            })
            .collect();
        // Two windows apart from each other (one suite, one unit) for two providers on every
        // other day that allows it, else one.
        let pairs: Vec<[usize; 2]> = (0..windows.len())
            .flat_map(|i| (i + 1..windows.len()).map(move |j| [i, j]))
            .filter(|[i, j]| {
                windows[*i].1.id != windows[*j].1.id && !windows[*i].0.overlaps(&windows[*j].0)
            })
            .collect();
        // Every other day, so the rest of the calendar stays lived-in.
        let chosen: Vec<usize> = if pairs.is_empty() || d % 2 == 1 {
            if windows.is_empty() {
                continue;
            }
            vec![rng.below(windows.len())]
        } else {
            pairs[rng.below(pairs.len())].to_vec()
        };
        for i in chosen {
            let (window, provider) = windows[i];
            for r in shared
                .iter()
                .copied()
                .chain(std::iter::once(ResourceId::from(provider.id)))
            {
                holds.insert(
                    r,
                    availability::Hold {
                        interval: window,
                        appointment: None,
                    },
                );
            }
        }
    }
}

/// Keeps one free start of every service on a day of the first week (tomorrow onwards, a
/// different day per service), so each can be booked within seven days however full the
/// calendar around it is. Placeholders in the generator's own index only.
fn keep_each_service_bookable(
    clinic: &Clinic,
    location: &medspa_core::clinic::Location,
    today: Date,
    now_ms: i64,
    policy: &Policy,
    holds: &mut HoldIndex,
) {
    let open_days: Vec<Date> = (1..=7)
        .map(|d| add_days(today, d))
        .filter(|d| !location.is_closed(*d) && !location.hours.for_weekday(d.weekday()).is_empty())
        .collect();
    if open_days.is_empty() {
        return;
    }
    for (i, service) in clinic.services.iter().enumerate() {
        let date = open_days[i % open_days.len()];
        let q = Query {
            clinic,
            service,
            location,
            from: date,
            to: date,
            staff: None,
            now_ms,
            policy,
            exclude: None,
        };
        let slots = availability::slots(&q, holds);
        // Around midday: a time most people can come.
        let Some(slot) = slots.get(slots.len() / 2) else {
            continue;
        };
        for (resource, interval) in &slot.plan.holds {
            holds.insert(
                *resource,
                availability::Hold {
                    interval: *interval,
                    appointment: None,
                },
            );
        }
    }
}

/// Clients and appointments from `today` for `opts.days` days, booked as the engine allows at
/// `now_ms` (no start before now plus the policy's notice).
pub fn history(
    clinic: &Clinic,
    today: Date,
    now_ms: i64,
    opts: HistoryOptions,
) -> (Vec<SeedClient>, Vec<SeedAppointment>) {
    let clients = clients(opts.clients);
    let Some(location) = clinic.default_location() else {
        return (clients, Vec::new());
    };
    let policy = Policy {
        horizon_days: opts.days + 1,
        ..Policy::default()
    };
    let mut rng = Rng::new(0x5EED_2026);
    let mut holds = HoldIndex::new();
    let mut out = Vec::with_capacity(opts.target);
    let mut used = HashSet::new();
    let weighted: Vec<&str> = DEMAND
        .iter()
        .flat_map(|(slug, w)| std::iter::repeat_n(*slug, *w))
        .collect();
    let open = |date: Date| {
        !location.is_closed(date) && !location.hours.for_weekday(date.weekday()).is_empty()
    };
    let open_days = (0..opts.days)
        .filter(|d| open(add_days(today, i64::from(*d))))
        .count()
        .max(1);
    // Spread evenly, with room for busier days where capacity allows.
    let per_day = opts.target.div_ceil(open_days) + 4;

    keep_halo_free(clinic, location, today, opts.days, &mut holds, &mut rng);
    keep_each_service_bookable(clinic, location, today, now_ms, &policy, &mut holds);
    // Passes over the days: the first spreads evenly, later ones top up days with room left.
    for pass in 0..3 {
        let cap = if pass == 0 { per_day } else { usize::MAX };
        for d in 0..opts.days {
            let date = add_days(today, i64::from(d));
            if !open(date) {
                continue;
            }
            let mut placed_today = 0;
            let opening = location.hours.on(date, location.zone.tz());
            let (Some(first), Some(last)) = (opening.first(), opening.last()) else {
                continue;
            };
            let (day_start, day_end) = (first.start, last.end);
            let mut misses = 0;
            while placed_today < cap && misses < 300 && out.len() < opts.target {
                let slug = *rng.pick(&weighted);
                let Some(service) = clinic.service(slug) else {
                    continue;
                };
                let q = Query {
                    clinic,
                    service,
                    location,
                    from: date,
                    to: date,
                    staff: None,
                    now_ms,
                    policy: &policy,
                    exclude: None,
                };
                let slots = availability::slots(&q, &holds);
                if slots.is_empty() {
                    misses += 1;
                    continue;
                }
                let slot = &slots[rng.below(slots.len())];
                let day = Interval::new(day_start, day_end);
                let (staff_share, room_share) = fill_percent(d);
                let room_cap = (day_end - day_start) * room_share / 100;
                let too_full = [
                    slot.plan.room.map(ResourceId::from),
                    slot.plan.device.map(ResourceId::from),
                ]
                .into_iter()
                .flatten()
                .any(|r| holds.held_ms(r, day, None) + slot.end - slot.start > room_cap);
                let staff_full = slot
                    .plan
                    .staff
                    .and_then(|id| clinic.staff_member(id))
                    .is_some_and(|st| {
                        let tz = location.zone.tz();
                        let working: i64 =
                            st.hours.on(date, tz).iter().map(Interval::len).sum::<i64>()
                                - st.breaks
                                    .on(date, tz)
                                    .iter()
                                    .map(Interval::len)
                                    .sum::<i64>();
                        let adding: i64 = slot
                            .plan
                            .holds
                            .iter()
                            .filter(|(r, _)| *r == ResourceId::from(st.id))
                            .map(|(_, iv)| iv.len())
                            .sum();
                        holds.held_ms(st.id.into(), day, None) + adding
                            > working * staff_share / 100
                    });
                if too_full || staff_full {
                    misses += 1;
                    continue;
                }
                let i = out.len();
                let id = AppointmentId::new(demo_id(&format!("appointment/{i}")));
                // About one in ten was cancelled later: it keeps its row but holds nothing.
                let cancelled = rng.below(10) == 0;
                if !cancelled {
                    for (resource, interval) in &slot.plan.holds {
                        holds.insert(
                            *resource,
                            availability::Hold {
                                interval: *interval,
                                appointment: Some(id),
                            },
                        );
                    }
                }
                out.push(SeedAppointment {
                    id,
                    reference: reference(&mut rng, &mut used),
                    token_hash: Sha256::digest(format!("demo-token-{i}")).to_vec(),
                    client_id: clients[rng.below(clients.len())].id,
                    service_id: service.id,
                    location_id: location.id,
                    staff_id: slot.plan.staff,
                    room_id: slot.plan.room,
                    device_id: slot.plan.device,
                    start_ms: slot.start,
                    end_ms: slot.end,
                    status: if cancelled { "cancelled" } else { "confirmed" },
                    holds: slot.plan.holds.clone(),
                });
                placed_today += 1;
            }
        }
    }
    (clients, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn held_index(appts: &[SeedAppointment]) -> HoldIndex {
        let mut index = HoldIndex::new();
        for a in appts.iter().filter(|a| a.status != "cancelled") {
            for (r, iv) in &a.holds {
                index.insert(
                    *r,
                    availability::Hold {
                        interval: *iv,
                        appointment: Some(a.id),
                    },
                );
            }
        }
        index
    }

    /// Held minutes / working minutes of all providers over the days `range` from `today`.
    fn staff_booked_share(
        clinic: &Clinic,
        index: &HoldIndex,
        today: Date,
        range: std::ops::Range<i64>,
    ) -> f64 {
        let location = clinic.default_location().unwrap();
        let tz = location.zone.tz();
        let (mut held, mut working) = (0i64, 0i64);
        for d in range {
            let date = add_days(today, d);
            if location.is_closed(date) {
                continue;
            }
            for st in &clinic.staff {
                for h in st.hours.on(date, tz) {
                    working += h.len();
                    held += index.held_ms(st.id.into(), h, None);
                }
                for b in st.breaks.on(date, tz) {
                    working -= b.len();
                }
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "a ratio of minutes")]
        let share = held as f64 / working.max(1) as f64;
        share
    }

    #[test]
    fn fills_the_calendar_without_overlaps() {
        let today = date(2026, 11, 25);
        let clinic = crate::clinic(today);
        let now = jiff::Timestamp::from_second(1_795_618_800)
            .unwrap()
            .as_millisecond(); // 2026-11-25 15:00Z
        let (clients, appts) = history(&clinic, today, now, HistoryOptions::default());
        assert_eq!(clients.len(), 600);
        assert!(
            (1_400..=2_000).contains(&appts.len()),
            "about 1,600: {}",
            appts.len()
        );
        let mut per_resource: std::collections::HashMap<_, Vec<_>> =
            std::collections::HashMap::new();
        for a in appts.iter().filter(|a| a.status != "cancelled") {
            assert!(a.start_ms >= now, "no appointment in the past");
            for (r, iv) in &a.holds {
                per_resource.entry(*r).or_default().push(*iv);
            }
        }
        for ivs in per_resource.values_mut() {
            ivs.sort();
            assert!(
                ivs.windows(2).all(|w| w[0].end <= w[1].start),
                "no overlapping holds"
            );
        }
        let refs: HashSet<_> = appts.iter().map(|a| &a.reference).collect();
        // Lived-in but bookable: providers about two thirds booked in the first two weeks,
        // less later; every service free within a week; Halo days with both providers free.
        let index = held_index(&appts);
        let (early, late) = (
            staff_booked_share(&clinic, &index, today, 0..14),
            staff_booked_share(&clinic, &index, today, 14..60),
        );
        assert!((0.55..=0.75).contains(&early), "first two weeks {early:.2}");
        assert!(late < early - 0.03, "later weeks {late:.2} vs {early:.2}");
        let policy = Policy::default();
        let location = clinic.default_location().unwrap();
        for service in &clinic.services {
            let q = Query {
                clinic: &clinic,
                service,
                location,
                from: today,
                to: add_days(today, 7),
                staff: None,
                now_ms: now,
                policy: &policy,
                exclude: None,
            };
            assert!(
                !availability::slots(&q, &index).is_empty(),
                "{} has no free time within 7 days",
                service.slug.as_str()
            );
        }
        let halo = clinic.service("halo").unwrap();
        let both_free_days = (1..30)
            .filter(|d| {
                let date = add_days(today, *d);
                let q = Query {
                    clinic: &clinic,
                    service: halo,
                    location,
                    from: date,
                    to: date,
                    staff: None,
                    now_ms: now,
                    policy: &policy,
                    exclude: None,
                };
                let staff: HashSet<_> = availability::slots(&q, &index)
                    .iter()
                    .filter_map(|s| s.staff)
                    .collect();
                staff.len() >= 2
            })
            .count();
        assert!(
            both_free_days >= 10,
            "Halo with both providers free on {both_free_days} days"
        );
        assert_eq!(refs.len(), appts.len());
        // Deterministic.
        let (_, again) = history(&clinic, today, now, HistoryOptions::default());
        assert_eq!(again.len(), appts.len());
        assert!(
            again
                .iter()
                .zip(&appts)
                .all(|(a, b)| a.start_ms == b.start_ms && a.reference == b.reference)
        );
    }
}
