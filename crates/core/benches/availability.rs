//! Criterion benchmark of the availability engine on a generated clinic: 20 staff, 8 rooms
//! (3 of kind `laser`), 3 devices (2 Halo units, 1 IPL), one America/Chicago location, and
//! 50,000 or 500,000 appointments booked through the engine itself (so no hold overlaps another),
//! spread over years and dense (about 60 a day, most of what the staff can take) around the query window.
//!
//! Measured: 30 days of availability for Halo (45 min numbing in a laser room, then 60 min of
//! laser with provider, room and unit), any provider. Target: median under 1 ms at 50k, and at
//! most 2x that at 500k (the cost must not grow with the number of appointments).
//! Deterministic: a fixed LCG, no RNG crate. Run: `cargo bench -p medspa-core --bench availability`.
#![expect(
    clippy::unwrap_used,
    reason = "a fixed fixture: a failure is a bug in the benchmark, best seen at once"
)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use jiff::civil::{Date, Weekday, date, time};
use medspa_core::availability::{Hold, HoldIndex, Policy, Query, alternatives, plan_at, slots};
use medspa_core::catalog::{Segment, Service, ServiceKind};
use medspa_core::clinic::{Address, Clinic, ClinicInfo, Device, Location, Room, Staff, Zone};
use medspa_core::input::Slug;
use medspa_core::protocol::Protocol;
use medspa_core::time::{Millis, TimeRange, WeeklySchedule, add_days, local_date, local_start};
use medspa_core::{AppointmentId, DeviceId, LocationId, RoomId, ServiceId, StaffId};
use std::time::Instant;
use uuid::Uuid;

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];
const SIX_DAYS: [Weekday; 6] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
];

/// First date of the measured 30-day window (a Tuesday).
fn window_from() -> Date {
    date(2026, 12, 1)
}

/// Knuth's MMIX LCG: deterministic and good enough to spread bookings.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[usize::try_from(self.below(v.len() as u64)).unwrap()]
    }
}

fn range(h0: i8, m0: i8, h1: i8, m1: i8) -> TimeRange {
    TimeRange::new(time(h0, m0, 0, 0), time(h1, m1, 0, 0)).unwrap()
}

fn seg(minutes: u32, staff: bool, room: Option<&str>, device: Option<&str>) -> Segment {
    Segment {
        label: "step".to_owned(),
        duration_minutes: minutes,
        staff,
        room_kind: room.map(str::to_owned),
        device_kind: device.map(str::to_owned),
    }
}

fn service(n: u128, slug: &str, segments: Vec<Segment>, after: u32) -> Service {
    Service {
        id: ServiceId::new(Uuid::from_u128(n)),
        slug: Slug::parse(slug, "slug").unwrap(),
        name: slug.to_owned(),
        kind: ServiceKind::Treatment,
        summary: String::new(),
        description: String::new(),
        suits: String::new(),
        price_cents: 10_000,
        segments,
        buffer_before_minutes: 0,
        buffer_after_minutes: after,
        downtime_days: 0,
        consultation_required: false,
        protocol: Protocol::default(),
        faq: Vec::new(),
        position: 0,
    }
}

fn clinic() -> Clinic {
    let loc = LocationId::new(Uuid::from_u128(1));
    let services = vec![
        service(
            100,
            "halo",
            vec![
                seg(45, false, Some("laser"), None),
                seg(60, true, Some("laser"), Some("halo")),
            ],
            15,
        ),
        service(
            101,
            "hydrafacial",
            vec![seg(60, true, Some("treatment"), None)],
            15,
        ),
        service(
            102,
            "ipl",
            vec![seg(30, true, Some("laser"), Some("ipl"))],
            15,
        ),
        service(
            103,
            "consultation",
            vec![seg(30, true, Some("treatment"), None)],
            0,
        ),
    ];
    let staff = (0..20u128)
        .map(|i| {
            // Staggered shifts with a lunch break; 12 of 20 do Halo.
            let (h0, h1) = [(8, 16), (9, 17), (10, 18), (11, 19)][usize::try_from(i % 4).unwrap()];
            let days: &[Weekday] = if i % 3 == 0 { &SIX_DAYS } else { &WEEKDAYS };
            let quals = if i < 12 {
                services.iter().map(|s| s.id).collect()
            } else {
                vec![services[1].id, services[3].id]
            };
            Staff {
                id: StaffId::new(Uuid::from_u128(1000 + i)),
                location_id: loc,
                name: format!("Provider {i}"),
                title: String::new(),
                bio: String::new(),
                services: quals,
                hours: WeeklySchedule::on_days(days, range(h0, 0, h1, 0)),
                breaks: WeeklySchedule::on_days(days, range(h0 + 4, 0, h0 + 4, 30)),
                time_off: Vec::new(),
            }
        })
        .collect();
    let rooms = (0..8u128)
        .map(|i| Room {
            id: RoomId::new(Uuid::from_u128(2000 + i)),
            location_id: loc,
            name: format!("Room {i}"),
            kind: if i < 3 { "laser" } else { "treatment" }.to_owned(),
        })
        .collect();
    let devices = (0..3u128)
        .map(|i| Device {
            id: DeviceId::new(Uuid::from_u128(3000 + i)),
            location_id: loc,
            name: format!("Device {i}"),
            kind: if i < 2 { "halo" } else { "ipl" }.to_owned(),
        })
        .collect();
    Clinic {
        info: ClinicInfo {
            name: "Bench clinic".to_owned(),
            tagline: String::new(),
            phone: String::new(),
            email: String::new(),
        },
        locations: vec![Location {
            id: loc,
            name: "Main".to_owned(),
            zone: Zone::parse("America/Chicago", "timezone").unwrap(),
            address: Address::default(),
            phone: String::new(),
            hours: WeeklySchedule::on_days(&SIX_DAYS, range(8, 0, 19, 30)),
            closures: Vec::new(),
        }],
        staff,
        rooms,
        devices,
        services,
    }
}

/// Books `total` appointments day by day (chronologically, so index inserts append), through
/// `plan_at` with a random provider and start: about 30 a day in the background and 60 a day in
/// the 120 days around the window, the background split evenly before and after. Each day draws
/// from its own seed, so the days around the window hold exactly the same bookings at 50k and at
/// 500k: the two runs differ only in how much history surrounds the window.
fn book_history(c: &Clinic, total: usize) -> HoldIndex {
    const BACKGROUND: usize = 30;
    const DENSE: usize = 60;
    const DENSE_DAYS: i64 = 120;
    let background = total.saturating_sub(DENSE * 120) / BACKGROUND;
    let background_days = i64::try_from(background).unwrap();
    let dense_from = add_days(window_from(), -45);
    let dense_to = add_days(dense_from, DENSE_DAYS);
    let mut day = add_days(dense_from, -background_days / 2);
    let tz = c.locations[0].zone.tz().clone();
    let open_policy = Policy {
        min_notice_minutes: 0,
        horizon_days: 1_000_000,
        grid_minutes: 15,
    };
    let qualified: Vec<Vec<StaffId>> = c
        .services
        .iter()
        .map(|svc| {
            c.staff
                .iter()
                .filter(|s| s.is_qualified(svc.id))
                .map(|s| s.id)
                .collect()
        })
        .collect();
    let mut index = HoldIndex::new();
    let mut booked = 0usize;
    let weights = [0usize, 0, 1, 1, 1, 2, 3, 3]; // halo x2, facial x3, ipl, consultation x2
    while booked < total {
        if day.weekday() != Weekday::Sunday {
            let year = u64::from(day.year().unsigned_abs());
            let mut rng = Lcg(year * 1000 + u64::from(day.day_of_year().unsigned_abs()));
            rng.below(2); // mix the small seed once
            let target = if dense_from <= day && day < dense_to {
                DENSE
            } else {
                BACKGROUND
            };
            let (mut n, mut tries) = (0, 0);
            while n < target && tries < target * 4 && booked < total {
                tries += 1;
                let which = *rng.pick(&weights);
                let (svc, qualified) = (&c.services[which], &qualified[which]);
                let minute = 8 * 60 + 15 * i64::try_from(rng.below(44)).unwrap();
                let start =
                    local_start(day.to_datetime(time(0, 0, 0, 0)), &tz).unwrap() + minute * 60_000;
                let q = Query {
                    clinic: c,
                    service: svc,
                    location: &c.locations[0],
                    from: day,
                    to: day,
                    staff: Some(*rng.pick(qualified)),
                    now_ms: 0,
                    policy: &open_policy,
                    exclude: None,
                };
                if let Ok(plan) = plan_at(&q, start, &index) {
                    booked += 1;
                    n += 1;
                    let a = AppointmentId::new(Uuid::from_u128(1_000_000 + booked as u128));
                    for (r, iv) in plan.holds {
                        index.insert(r, Hold::appointment(iv, a));
                    }
                }
            }
        }
        day = add_days(day, 1);
    }
    index
}

fn at_8am_before(d: Date, c: &Clinic) -> Millis {
    local_start(
        add_days(d, -1).to_datetime(time(8, 0, 0, 0)),
        c.locations[0].zone.tz(),
    )
    .unwrap()
}

/// Times `slots` on both histories alternately, call by call, and prints the medians and their
/// ratio: on a shared machine, contention then hits both sides alike, which back-to-back
/// criterion runs cannot promise.
fn paired(small: (&Query<'_>, &HoldIndex), large: (&Query<'_>, &HoldIndex)) {
    const ROUNDS: usize = 3000;
    let (mut a, mut b) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    for _ in 0..ROUNDS {
        let t = Instant::now();
        black_box(slots(black_box(small.0), black_box(small.1)));
        a.push(t.elapsed());
        let t = Instant::now();
        black_box(slots(black_box(large.0), black_box(large.1)));
        b.push(t.elapsed());
    }
    a.sort_unstable();
    b.sort_unstable();
    let (ma, mb) = (a[ROUNDS / 2], b[ROUNDS / 2]);
    eprintln!(
        "paired medians over {ROUNDS} alternating calls: 50k {ma:?}, 500k {mb:?}, ratio {:.2}",
        mb.as_secs_f64() / ma.as_secs_f64()
    );
}

fn bench(cr: &mut Criterion) {
    let c = clinic();
    let policy = Policy::default();
    let halo = &c.services[0];
    let q = Query {
        clinic: &c,
        service: halo,
        location: &c.locations[0],
        from: window_from(),
        to: add_days(window_from(), 29),
        staff: None,
        now_ms: at_8am_before(window_from(), &c),
        policy: &policy,
        exclude: None,
    };
    let histories: Vec<(usize, HoldIndex)> = [50_000usize, 500_000]
        .into_iter()
        .map(|total| (total, book_history(&c, total)))
        .collect();
    paired((&q, &histories[0].1), (&q, &histories[1].1));

    // Informative: the same query on a free calendar (output-bound: every slot is planned).
    let empty = HoldIndex::new();
    eprintln!(
        "empty calendar: {} Halo slots in 30 days",
        slots(&q, &empty).len()
    );
    let mut per_call: Vec<_> = (0..1000)
        .map(|_| {
            let t = Instant::now();
            black_box(slots(black_box(&q), black_box(&empty)));
            t.elapsed()
        })
        .collect();
    per_call.sort_unstable();
    eprintln!(
        "empty calendar: per-call median {:?} over 1000 calls",
        per_call[500]
    );
    cr.bench_function("slots_halo_30d_empty", |b| {
        b.iter(|| slots(black_box(&q), black_box(&empty)));
    });
    for (total, index) in &histories {
        let offered = slots(&q, index);
        let mut starts: Vec<_> = offered.iter().map(|s| s.start).collect();
        starts.dedup();
        let tz = c.locations[0].zone.tz();
        let rooms = c.rooms.iter().map(|r| index.holds(r.id.into()));
        let first = rooms
            .clone()
            .filter_map(|h| h.first())
            .map(|h| h.interval.start)
            .min();
        let last = rooms.filter_map(|h| h.last()).map(|h| h.interval.end).max();
        eprintln!(
            "{total} appointments: {} hold rows from {} to {}, {} Halo slots in 30 days ({} distinct starts)",
            index.len(),
            local_date(first.unwrap(), tz),
            local_date(last.unwrap(), tz),
            offered.len(),
            starts.len()
        );
        let k = total / 1000;
        cr.bench_function(&format!("slots_halo_30d_{k}k"), |b| {
            b.iter(|| slots(black_box(&q), black_box(index)));
        });
        let one = offered[offered.len() / 2].start;
        cr.bench_function(&format!("plan_at_halo_{k}k"), |b| {
            b.iter(|| plan_at(black_box(&q), black_box(one), black_box(index)));
        });
        cr.bench_function(&format!("alternatives_halo_5_{k}k"), |b| {
            b.iter(|| {
                alternatives(
                    black_box(&q),
                    black_box(one + 7 * 60_000),
                    black_box(index),
                    5,
                )
            });
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
