//! Tests of the availability engine: a small fixture builder shared by the unit tests
//! (`unit.rs`, `halo.rs`), the daylight-saving tests (`dst.rs`) and the property tests
//! (`props.rs` for the engine, `index.rs` for the hold index).

mod dst;
mod edges;
mod halo;
mod index;
mod props;
mod unit;

use super::{HoldIndex, Plan, Policy, Query, Slot};
use crate::catalog::{Segment, Service, ServiceKind};
use crate::clinic::{Clinic, ClinicInfo, Device, Location, Room, Staff, Zone};
use crate::ids::{DeviceId, LocationId, ResourceId, RoomId, ServiceId, StaffId};
use crate::input::Slug;
use crate::protocol::Protocol;
use crate::time::{Interval, Millis, TimeRange, WeeklySchedule, from_millis, local_start};
use jiff::civil::{Date, Weekday, date, time};
use jiff::tz::TimeZone;
use uuid::Uuid;

pub(super) const MIN: Millis = 60_000;
pub(super) const ALL_DAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

pub(super) fn chicago() -> TimeZone {
    TimeZone::get("America/Chicago").unwrap()
}

/// Local wall time in Chicago (earlier instant of a fold).
pub(super) fn at(d: Date, h: i8, m: i8) -> Millis {
    local_start(d.at(h, m, 0, 0), &chicago()).unwrap()
}

/// `"HH:MM"` of an instant in Chicago, for readable assertions.
pub(super) fn hm(ms: Millis) -> String {
    from_millis(ms)
        .to_zoned(chicago())
        .strftime("%H:%M")
        .to_string()
}

pub(super) fn range(h0: i8, m0: i8, h1: i8, m1: i8) -> TimeRange {
    TimeRange::new(time(h0, m0, 0, 0), time(h1, m1, 0, 0)).unwrap()
}

pub(super) fn every_day(r: TimeRange) -> WeeklySchedule {
    WeeklySchedule::on_days(&ALL_DAYS, r)
}

pub(super) fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub(super) const LOC: u128 = 1;

/// A segment of `minutes` holding what the flags say.
pub(super) fn seg(minutes: u32, staff: bool, room: Option<&str>, device: Option<&str>) -> Segment {
    Segment {
        label: "step".to_owned(),
        duration_minutes: minutes,
        staff,
        room_kind: room.map(str::to_owned),
        device_kind: device.map(str::to_owned),
    }
}

pub(super) fn service(n: u128, segments: Vec<Segment>, before: u32, after: u32) -> Service {
    Service {
        id: ServiceId::new(uuid(n)),
        slug: Slug::parse(&format!("service-{n}"), "slug").unwrap(),
        name: format!("Service {n}"),
        kind: ServiceKind::Treatment,
        summary: String::new(),
        description: String::new(),
        suits: String::new(),
        price_cents: 10_000,
        segments,
        buffer_before_minutes: before,
        buffer_after_minutes: after,
        downtime_days: 0,
        consultation_required: false,
        protocol: Protocol::default(),
        faq: Vec::new(),
        position: 0,
    }
}

/// Halo: 45 min numbing (laser room only), then 60 min laser (provider, room, Halo unit).
pub(super) fn halo(n: u128) -> Service {
    service(
        n,
        vec![
            seg(45, false, Some("laser"), None),
            seg(60, true, Some("laser"), Some("halo")),
        ],
        0,
        0,
    )
}

/// One step of `minutes` holding a provider and a treatment room.
pub(super) fn simple(n: u128, minutes: u32) -> Service {
    service(n, vec![seg(minutes, true, Some("treatment"), None)], 0, 0)
}

pub(super) fn location(hours: WeeklySchedule) -> Location {
    Location {
        id: LocationId::new(uuid(LOC)),
        name: "Main".to_owned(),
        zone: Zone::parse("America/Chicago", "timezone").unwrap(),
        address: crate::clinic::Address::default(),
        phone: String::new(),
        hours,
        closures: Vec::new(),
    }
}

pub(super) fn staff(n: u128, services: &[&Service], hours: WeeklySchedule) -> Staff {
    Staff {
        id: StaffId::new(uuid(n)),
        location_id: LocationId::new(uuid(LOC)),
        name: format!("Staff {n}"),
        title: String::new(),
        bio: String::new(),
        services: services.iter().map(|s| s.id).collect(),
        hours,
        breaks: WeeklySchedule::default(),
        time_off: Vec::new(),
    }
}

pub(super) fn room(n: u128, kind: &str) -> Room {
    Room {
        id: RoomId::new(uuid(n)),
        location_id: LocationId::new(uuid(LOC)),
        name: format!("Room {n}"),
        kind: kind.to_owned(),
    }
}

pub(super) fn device(n: u128, kind: &str) -> Device {
    Device {
        id: DeviceId::new(uuid(n)),
        location_id: LocationId::new(uuid(LOC)),
        name: format!("Device {n}"),
        kind: kind.to_owned(),
    }
}

pub(super) fn clinic(
    location: Location,
    staff: Vec<Staff>,
    rooms: Vec<Room>,
    devices: Vec<Device>,
    services: Vec<Service>,
) -> Clinic {
    Clinic {
        info: ClinicInfo {
            name: "Test clinic".to_owned(),
            tagline: String::new(),
            phone: String::new(),
            email: String::new(),
        },
        locations: vec![location],
        staff,
        rooms,
        devices,
        services,
    }
}

/// A query over `from..=to` for the clinic's first location, any staff.
pub(super) fn query<'a>(
    clinic: &'a Clinic,
    service: &'a Service,
    policy: &'a Policy,
    from: Date,
    to: Date,
    now_ms: Millis,
) -> Query<'a> {
    Query {
        clinic,
        service,
        location: &clinic.locations[0],
        from,
        to,
        staff: None,
        now_ms,
        policy,
        exclude: None,
    }
}

/// Writes a plan's rows into the index as holds of a fresh appointment `n`.
pub(super) fn book(index: &mut HoldIndex, plan: &Plan, n: u128) {
    let a = crate::ids::AppointmentId::new(uuid(n));
    for &(r, iv) in &plan.holds {
        index.insert(r, super::Hold::appointment(iv, a));
    }
}

/// The rows of one resource in a plan.
pub(super) fn rows_of(plan: &Plan, r: impl Into<ResourceId>) -> Vec<Interval> {
    let r = r.into();
    plan.holds
        .iter()
        .filter(|(x, _)| *x == r)
        .map(|(_, iv)| *iv)
        .collect()
}

/// `"HH:MM"` starts of the slots of one staff member.
pub(super) fn starts_of(slots: &[Slot], staff: Option<StaffId>) -> Vec<String> {
    slots
        .iter()
        .filter(|s| s.staff == staff)
        .map(|s| hm(s.start))
        .collect()
}

/// A Tuesday, far from any DST change.
pub(super) fn tue() -> Date {
    date(2026, 12, 1)
}
