//! The demo clinic's catalog, people, rooms and devices.

use crate::demo_id;
use jiff::civil::{Date, Time, Weekday, date};
use medspa_core::catalog::{Faq, Segment, Service, ServiceKind};
use medspa_core::clinic::{
    Address, Clinic, ClinicInfo, Closure, Device, Location, Room, Staff, Zone,
};
use medspa_core::input::Slug;
use medspa_core::protocol::Protocol;
use medspa_core::time::{TimeRange, WeeklySchedule};
use medspa_core::{DeviceId, LocationId, RoomId, ServiceId, StaffId};

use Weekday::{Friday, Monday, Saturday, Thursday, Tuesday, Wednesday};

fn t(h: i8, m: i8) -> Time {
    Time::constant(h, m, 0, 0)
}

fn range(from: (i8, i8), to: (i8, i8)) -> TimeRange {
    TimeRange::new(t(from.0, from.1), t(to.0, to.1)).expect("demo ranges are ordered")
}

fn schedule(days: &[Weekday], from: (i8, i8), to: (i8, i8)) -> WeeklySchedule {
    WeeklySchedule::on_days(days, range(from, to))
}

/// Slug of each demo service, in display order.
#[cfg(test)]
const SERVICE_SLUGS: [&str; 10] = [
    "halo",
    "consultation",
    "hydrafacial",
    "microneedling",
    "chemical-peel",
    "ipl-photofacial",
    "laser-hair-removal",
    "neuromodulator",
    "dermal-filler",
    "medical-grade-skincare",
];

/// The id of a demo service.
pub fn service_id(slug: &str) -> ServiceId {
    ServiceId::new(demo_id(&format!("service/{slug}")))
}

/// The id of the demo location.
pub fn location_id() -> LocationId {
    LocationId::new(demo_id("location/lincoln-square"))
}

struct Spec {
    slug: &'static str,
    name: &'static str,
    kind: ServiceKind,
    summary: &'static str,
    suits: &'static str,
    description: &'static str,
    price_cents: i64,
    segments: Vec<Segment>,
    buffer_after_minutes: u32,
    faq: &'static [(&'static str, &'static str)],
}

fn seg(
    label: &str,
    minutes: u32,
    staff: bool,
    room: Option<&str>,
    device: Option<&str>,
) -> Segment {
    Segment {
        label: label.to_owned(),
        duration_minutes: minutes,
        staff,
        room_kind: room.map(str::to_owned),
        device_kind: device.map(str::to_owned),
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one literal per service; splitting hides the catalog"
)]
fn specs() -> Vec<Spec> {
    use ServiceKind::{Consultation, Treatment};
    vec![
        Spec {
            slug: "halo",
            name: "Halo hybrid fractional laser",
            kind: Treatment,
            summary: "Resurfacing that may improve the look of enlarged pores, rough texture, sun spots and fine lines.",
            suits: "Adults with sun damage, uneven tone, visible pores or early lines who can plan about a week of downtime.",
            description: "Halo is a hybrid fractional laser: one pass delivers a gentle non-ablative wavelength that works below the surface and an ablative wavelength that refreshes the very top layer, in the same microscopic zones.\n\nYour visit starts with **45 minutes of numbing cream** in the laser suite, then about **an hour of laser time** with your provider. Expect your skin to feel hot and look sunburnt for the first day, then to feel rough and look bronzed as tiny treated dots (called MENDS) come to the surface and flake away, usually by day 5 to 7.\n\nMost people plan a series of two sessions four to eight weeks apart.",
            price_cents: 125_000,
            segments: vec![
                seg("Numbing", 45, false, Some("laser"), None),
                seg("Laser treatment", 60, true, Some("laser"), Some("halo")),
            ],
            buffer_after_minutes: 15,
            faq: &[
                (
                    "Does it hurt?",
                    "We apply numbing cream for 45 minutes first. Most clients describe warmth and prickling during treatment and a strong sunburn feeling for a few hours after.",
                ),
                (
                    "When can I go back to work?",
                    "Many people return around day 3 with makeup; peeling usually finishes by day 5 to 7. Plan important events at least a week out.",
                ),
                (
                    "How many sessions will I need?",
                    "One or two sessions suit general rejuvenation; deeper concerns may need more. Sessions are four to eight weeks apart.",
                ),
            ],
        },
        Spec {
            slug: "consultation",
            name: "Complimentary skin consultation",
            kind: Consultation,
            summary: "A free 30-minute conversation with a provider about your skin goals, options and a plan.",
            suits: "Anyone unsure which treatment fits, and anyone our screening asks to meet first.",
            description: "Sit down with one of our providers, talk through your goals and history, and leave with a plan: which treatments fit, in what order, how much downtime to expect and what it costs. There is no charge and no obligation.",
            price_cents: 0,
            segments: vec![seg("Consultation", 30, true, None, None)],
            buffer_after_minutes: 0,
            faq: &[(
                "Is it really free?",
                "Yes. The consultation is complimentary and there is no obligation to book a treatment.",
            )],
        },
        Spec {
            slug: "hydrafacial",
            name: "HydraFacial",
            kind: Treatment,
            summary: "Cleanse, exfoliate, extract and hydrate in one hour, with no downtime.",
            suits: "Most skin types wanting brighter, clearer-looking skin before an event or between other treatments.",
            description: "A multi-step facial that cleanses, gently exfoliates, clears pores with painless suction and infuses hydrating serums. You can return to your day straight away; mild redness settles within hours.",
            price_cents: 19_900,
            segments: vec![seg("Facial", 60, true, Some("facial"), None)],
            buffer_after_minutes: 15,
            faq: &[(
                "How often should I come?",
                "Monthly visits keep results steady; every one to two months works for many clients.",
            )],
        },
        Spec {
            slug: "microneedling",
            name: "Microneedling",
            kind: Treatment,
            summary: "Fine, controlled micro-channels that may improve texture, scarring and fine lines over a series.",
            suits: "Adults with acne scarring, enlarged pores or texture concerns who can allow two days of redness.",
            description: "A pen with very fine needles creates controlled micro-channels that prompt the skin's own repair. Expect redness for about two days and some dryness or flaking for up to a week. Results build over a series of sessions about four weeks apart.",
            price_cents: 37_500,
            segments: vec![seg("Microneedling", 75, true, Some("treatment"), None)],
            buffer_after_minutes: 15,
            faq: &[(
                "How many sessions?",
                "Most plans are four to six sessions, about four weeks apart.",
            )],
        },
        Spec {
            slug: "chemical-peel",
            name: "Chemical peel (light)",
            kind: Treatment,
            summary: "A light peel for glow, tone and texture, with a few days of pinkness and flaking.",
            suits: "Most skin types looking for brighter, smoother skin over a short series.",
            description: "A light chemical peel lifts dull surface cells to reveal fresher skin. Expect pinkness and light flaking for a few days. A series of four to six peels, two to five weeks apart, gives the best cumulative result.",
            price_cents: 15_000,
            segments: vec![seg("Peel", 45, true, Some("facial"), None)],
            buffer_after_minutes: 15,
            faq: &[(
                "Will I peel a lot?",
                "Light peels usually cause only fine flaking for a few days; some cause none.",
            )],
        },
        Spec {
            slug: "ipl-photofacial",
            name: "IPL photofacial",
            kind: Treatment,
            summary: "Intense pulsed light that may fade sun spots and redness over a short series.",
            suits: "Lighter skin types with sun spots, freckling or redness who can avoid the sun around treatment.",
            description: "Broadband light targets brown and red pigment. Brown spots darken and flake off over about a week to ten days on the face. Most plans are four to six sessions about four weeks apart, then maintenance once or twice a year.",
            price_cents: 35_000,
            segments: vec![seg("Light treatment", 45, true, Some("laser"), None)],
            buffer_after_minutes: 15,
            faq: &[(
                "Can I have it with a tan?",
                "No. Tanned skin must fade first; we will ask about recent sun at screening.",
            )],
        },
        Spec {
            slug: "laser-hair-removal",
            name: "Laser hair removal",
            kind: Treatment,
            summary: "Gradual, long-term reduction of unwanted hair over a series of short sessions.",
            suits: "Adults with dark hair who can avoid tanning, waxing and plucking between sessions.",
            description: "A laser targets the pigment in the hair follicle. Treated hair sheds over about a month. Most people need a series of sessions: about every four weeks on the face and six weeks on the body.",
            price_cents: 15_000,
            segments: vec![seg("Laser", 30, true, Some("laser"), None)],
            buffer_after_minutes: 15,
            faq: &[(
                "Should I shave first?",
                "Yes, shave the area the day before. Do not wax or pluck between sessions.",
            )],
        },
        Spec {
            slug: "neuromodulator",
            name: "Neuromodulator (wrinkle relaxer)",
            kind: Treatment,
            summary: "Quick injections that soften expression lines such as frown lines and crow's feet.",
            suits: "Adults with expression lines who are not pregnant or breastfeeding.",
            description: "Small injections relax the muscles behind expression lines. Onset is usually within a few days and results last around three months or more. There is no downtime beyond a possible small bruise.",
            price_cents: 35_000,
            segments: vec![seg("Injections", 30, true, Some("treatment"), None)],
            buffer_after_minutes: 0,
            faq: &[(
                "How long does it last?",
                "Around three months, sometimes longer.",
            )],
        },
        Spec {
            slug: "dermal-filler",
            name: "Dermal filler (hyaluronic acid)",
            kind: Treatment,
            summary: "Restores volume to lips, cheeks or folds, with results you see straight away.",
            suits: "Adults with volume loss who can allow for possible swelling and bruising for up to a week or two.",
            description: "Hyaluronic acid filler restores volume and shape. Results are immediate; swelling or bruising usually settles within a week, occasionally two. Plan no big events for two weeks.",
            price_cents: 75_000,
            segments: vec![seg("Injections", 60, true, Some("treatment"), None)],
            buffer_after_minutes: 15,
            faq: &[(
                "How long does filler last?",
                "It depends on the area: lips around four to six months, cheeks and folds about a year.",
            )],
        },
        Spec {
            slug: "medical-grade-skincare",
            name: "Medical-grade skincare plan",
            kind: Treatment,
            summary: "A personalised home routine with professional products, including a gentle retinoid ramp.",
            suits: "Anyone who wants better daily skin, and anyone preparing for or maintaining laser results.",
            description: "A provider builds your daily routine: cleanser, active ingredients, moisturiser and daily SPF 30+. Retinoids are introduced slowly over about six weeks. Benefits build over three to six months.",
            price_cents: 7_500,
            segments: vec![seg("Skincare session", 45, true, None, None)],
            buffer_after_minutes: 0,
            faq: &[(
                "Will a retinoid irritate my skin?",
                "Some dryness is normal while skin adjusts; we start slowly and adjust with you.",
            )],
        },
    ]
}

fn service(spec: Spec, position: i32) -> Service {
    Service {
        id: service_id(spec.slug),
        slug: Slug::parse(spec.slug, "slug").expect("demo slugs are valid"),
        name: spec.name.to_owned(),
        kind: spec.kind,
        summary: spec.summary.to_owned(),
        description: spec.description.to_owned(),
        suits: spec.suits.to_owned(),
        price_cents: spec.price_cents,
        segments: spec.segments,
        buffer_before_minutes: 0,
        buffer_after_minutes: spec.buffer_after_minutes,
        // The protocol library holds the sourced downtime (conservative end of the range).
        downtime_days: medspa_core::protocol::library::downtime_days(spec.slug).unwrap_or(0),
        consultation_required: false,
        protocol: protocol_for(spec.slug),
        faq: spec
            .faq
            .iter()
            .map(|(q, a)| Faq {
                question: (*q).to_owned(),
                answer: (*a).to_owned(),
            })
            .collect(),
        position,
    }
}

fn protocol_for(slug: &str) -> Protocol {
    medspa_core::protocol::library::for_service(slug).unwrap_or_default()
}

/// US public holidays the demo clinic closes for, within `[from, to]`.
fn holidays(from: Date, to: Date) -> Vec<Closure> {
    let mut out = Vec::new();
    for year in from.year()..=to.year() {
        let thanksgiving = date(year, 11, 1)
            .nth_weekday_of_month(4, Thursday)
            .expect("every November has four Thursdays");
        let memorial = date(year, 5, 31)
            .nth_weekday_of_month(-1, Monday)
            .expect("May has Mondays");
        for (d, reason) in [
            (date(year, 1, 1), "New Year's Day"),
            (memorial, "Memorial Day"),
            (date(year, 7, 4), "Independence Day"),
            (thanksgiving, "Thanksgiving"),
            (date(year, 12, 25), "Christmas Day"),
        ] {
            if from <= d && d <= to {
                out.push(Closure {
                    from: d,
                    to: d,
                    reason: reason.to_owned(),
                });
            }
        }
    }
    out.sort_by_key(|c| c.from);
    out
}

/// The demo clinic, with closures for the holidays between `today` and a year ahead.
#[expect(
    clippy::too_many_lines,
    reason = "the demo clinic as one readable literal"
)]
pub fn clinic(today: Date) -> Clinic {
    // Shifts as (days, from, to, lunch start).
    type Shift<'a> = (&'a [Weekday], (i8, i8), (i8, i8), (i8, i8));
    let location = location_id();
    let services: Vec<Service> = specs()
        .into_iter()
        .zip(1..)
        .map(|(s, pos)| service(s, pos))
        .collect();
    let weekdays = [Monday, Tuesday, Wednesday, Thursday, Friday];
    let mut hours = schedule(&weekdays, (8, 0), (20, 0));
    hours.add(Saturday, range((9, 0), (17, 0)));

    let person =
        |key: &str, name: &str, title: &str, bio: &str, slugs: &[&str], shifts: &[Shift<'_>]| {
            let mut hours = WeeklySchedule::default();
            let mut breaks = WeeklySchedule::default();
            for (days, from, to, lunch) in shifts {
                for d in *days {
                    hours.add(*d, range(*from, *to));
                    let end = i32::from(lunch.0) * 60 + i32::from(lunch.1) + 30;
                    let end = (
                        i8::try_from(end / 60).unwrap_or(23),
                        i8::try_from(end % 60).unwrap_or(0),
                    );
                    breaks.add(*d, range(*lunch, end));
                }
            }
            Staff {
                id: StaffId::new(demo_id(&format!("staff/{key}"))),
                location_id: location,
                name: name.to_owned(),
                title: title.to_owned(),
                bio: bio.to_owned(),
                services: slugs.iter().map(|s| service_id(s)).collect(),
                hours,
                breaks,
                time_off: Vec::new(),
            }
        };
    let staff = vec![
        person(
            "dana",
            "Dana Whitfield",
            "Nurse Practitioner",
            "Dana leads our laser program and has a soft spot for texture and pore concerns.",
            &[
                "halo",
                "consultation",
                "ipl-photofacial",
                "laser-hair-removal",
                "neuromodulator",
                "dermal-filler",
                "microneedling",
            ],
            &[(&weekdays, (8, 0), (16, 0), (12, 0))],
        ),
        person(
            "marisol",
            "Marisol Ortega",
            "Registered Nurse, Laser Specialist",
            "Marisol has performed laser treatments for over a decade and plans every series with care.",
            &[
                "halo",
                "consultation",
                "ipl-photofacial",
                "laser-hair-removal",
                "microneedling",
            ],
            &[
                (
                    &[Tuesday, Wednesday, Thursday, Friday],
                    (11, 0),
                    (19, 0),
                    (15, 0),
                ),
                (&[Saturday], (9, 0), (17, 0), (12, 30)),
            ],
        ),
        person(
            "priya",
            "Priya Raman",
            "Licensed Esthetician",
            "Priya builds home routines that make every in-clinic treatment work harder.",
            &[
                "consultation",
                "hydrafacial",
                "chemical-peel",
                "medical-grade-skincare",
            ],
            &[(&weekdays, (8, 0), (16, 0), (12, 0))],
        ),
        person(
            "theo",
            "Theo Lindqvist",
            "Licensed Esthetician",
            "Theo specialises in facials and peels for sensitive and acne-prone skin.",
            &[
                "consultation",
                "hydrafacial",
                "chemical-peel",
                "laser-hair-removal",
                "medical-grade-skincare",
            ],
            &[
                (&[Wednesday, Thursday, Friday], (12, 0), (20, 0), (16, 0)),
                (&[Saturday], (9, 0), (17, 0), (13, 0)),
            ],
        ),
        person(
            "grace",
            "Dr. Grace Okafor",
            "Medical Director, MD",
            "Dr. Okafor oversees every protocol at the clinic and sees clients for injectables and consultations.",
            &["consultation", "neuromodulator", "dermal-filler", "halo"],
            &[(&[Monday, Wednesday, Friday], (10, 0), (16, 0), (12, 30))],
        ),
        person(
            "sofia",
            "Sofia Brennan",
            "Registered Nurse, Aesthetic Injector",
            "Sofia keeps evening appointments for injectables and treatments after work.",
            &[
                "consultation",
                "neuromodulator",
                "dermal-filler",
                "microneedling",
                "laser-hair-removal",
            ],
            &[(&weekdays, (12, 0), (20, 0), (16, 0))],
        ),
    ];
    let room = |key: &str, name: &str, kind: &str| Room {
        id: RoomId::new(demo_id(&format!("room/{key}"))),
        location_id: location,
        name: name.to_owned(),
        kind: kind.to_owned(),
    };
    Clinic {
        info: ClinicInfo {
            name: "Willowbrook Skin Studio".to_owned(),
            tagline: "Medical aesthetics with a plan, in Lincoln Square".to_owned(),
            phone: "+1 312 555 0142".to_owned(),
            email: "hello@willowbrook.example".to_owned(),
        },
        locations: vec![Location {
            id: location,
            name: "Lincoln Square".to_owned(),
            zone: Zone::parse("America/Chicago", "timezone").expect("bundled zone"),
            address: Address {
                street: "2150 W Larkspur Avenue".to_owned(),
                city: "Chicago".to_owned(),
                region: "IL".to_owned(),
                postal_code: "60625".to_owned(),
                country: "US".to_owned(),
            },
            phone: "+1 312 555 0142".to_owned(),
            hours,
            closures: holidays(today, today.saturating_add(jiff::Span::new().days(365))),
        }],
        staff,
        rooms: vec![
            room("laser-suite", "Laser suite", "laser"),
            room("treatment", "Treatment room", "treatment"),
            room("facial", "Facial studio", "facial"),
        ],
        devices: vec![Device {
            id: DeviceId::new(demo_id("device/halo-1")),
            location_id: location,
            name: "Halo laser unit".to_owned(),
            kind: "halo".to_owned(),
        }],
        services,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_design_contract() {
        let c = clinic(date(2026, 11, 25));
        let slugs: Vec<&str> = c.services.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs, SERVICE_SLUGS);
        let halo = c.service("halo").unwrap();
        assert_eq!(halo.duration_minutes(), 105);
        assert_eq!(halo.segments[0].duration_minutes, 45);
        assert!(!halo.segments[0].staff && halo.segments[0].device_kind.is_none());
        assert!(halo.segments[1].staff && halo.segments[1].device_kind.as_deref() == Some("halo"));
        assert_eq!(c.service("consultation").unwrap().price_cents, 0);
        assert!(c.staff.len() >= 4 && c.rooms.len() == 3 && c.devices.len() == 1);
        assert!(c.rooms.iter().any(|r| r.name == "Laser suite"));
        assert!(c.qualified_staff(halo.id, location_id()).count() >= 2);
        assert_eq!(c.locations[0].zone.name(), "America/Chicago");
    }

    #[test]
    fn holidays_are_relative_to_today() {
        let c = clinic(date(2026, 11, 25));
        let first = &c.locations[0].closures[0];
        assert_eq!(
            (first.from, first.reason.as_str()),
            (date(2026, 11, 26), "Thanksgiving")
        );
    }

    #[test]
    fn ids_are_stable() {
        assert_eq!(service_id("halo"), service_id("halo"));
        assert_ne!(service_id("halo"), service_id("consultation"));
    }
}
