//! The demo calendar: fictional clients and about 2,000 appointments over the next 60 days,
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
    ("consultation", 16),
    ("neuromodulator", 7),
    ("hydrafacial", 6),
    ("medical-grade-skincare", 6),
    ("laser-hair-removal", 4),
    ("chemical-peel", 4),
    ("dermal-filler", 4),
    ("microneedling", 3),
    ("ipl-photofacial", 2),
    ("halo", 2),
];

/// Rooms and devices are filled to at most this share of the day, so the demo always has
/// some free times to book (a Halo session needs the laser suite for two hours).
const ROOM_FILL_PERCENT: i64 = 75;
/// Likewise for each provider's working day.
const STAFF_FILL_PERCENT: i64 = 90;

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

/// Keeps a three-hour window free each open day in the laser suite, on the Halo unit and for
/// one Halo provider working then, so a client exploring the demo can always book a Halo
/// session somewhere in the coming weeks. The windows are placeholders in the generator's own
/// index only; nothing is written for them.
fn keep_halo_free(
    clinic: &Clinic,
    location: &medspa_core::clinic::Location,
    today: Date,
    days: u32,
    holds: &mut HoldIndex,
    rng: &mut Rng,
) {
    let Some(halo) = clinic.service("halo") else {
        return;
    };
    let tz = location.zone.tz();
    for d in 0..days {
        let date = add_days(today, i64::from(d));
        if location.is_closed(date) {
            continue;
        }
        let Some(open) = location.hours.on(date, tz).first().copied() else {
            continue;
        };
        let starts: Vec<i64> = (0..4)
            .map(|k| open.start + (1 + 2 * k) * 3_600_000)
            .filter(|s| s + 3 * 3_600_000 <= open.end)
            .collect();
        if starts.is_empty() {
            continue;
        }
        let window = Interval::new(starts[rng.below(starts.len())], 0);
        let window = Interval::new(window.start, window.start + 3 * 3_600_000);
        let provider = clinic.qualified_staff(halo.id, location.id).find(|st| {
            st.hours.on(date, tz).iter().any(|h| h.contains(&window))
                && !st.breaks.on(date, tz).iter().any(|b| b.overlaps(&window))
        });
        let Some(provider) = provider else { continue };
        let resources = clinic
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
            .chain(std::iter::once(ResourceId::from(provider.id)));
        for r in resources {
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
            while placed_today < cap && misses < 100 && out.len() < opts.target {
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
                let room_cap = (day_end - day_start) * ROOM_FILL_PERCENT / 100;
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
                            > working * STAFF_FILL_PERCENT / 100
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
            (1_900..=2_000).contains(&appts.len()),
            "about 2,000: {}",
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
