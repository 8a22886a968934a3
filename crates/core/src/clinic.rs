//! The clinic as the engines see it: locations with their zones and hours, staff, rooms,
//! devices and the service catalog, held together in one immutable [`Clinic`] snapshot.

use crate::catalog::Service;
use crate::ids::{DeviceId, LocationId, ResourceId, RoomId, ServiceId, StaffId};
use crate::input::InvalidInput;
use crate::time::{Interval, WeeklySchedule};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// The clinic's public identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicInfo {
    pub name: String,
    pub tagline: String,
    pub phone: String,
    pub email: String,
}

/// A validated IANA time zone name with its rules loaded.
#[derive(Clone, Debug)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    /// Loads an IANA zone such as `America/Chicago`; fixed offsets are refused because a
    /// location must follow its region's daylight-saving rules.
    pub fn parse(name: &str, field: &str) -> Result<Self, InvalidInput> {
        if !name.contains('/') && name != "UTC" {
            return Err(InvalidInput::field(
                field,
                "Use an IANA time zone like America/Chicago",
            ));
        }
        TimeZone::get(name)
            .map(|tz| Self {
                name: name.to_owned(),
                tz,
            })
            .map_err(|_| {
                InvalidInput::field(field, "Unknown time zone; use one like America/Chicago")
            })
    }
    /// The IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The zone rules.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// A postal address, shown on pages and in calendar entries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl Address {
    /// One line: "12 Elm St, Springfield, IL 60000".
    pub fn one_line(&self) -> String {
        format!(
            "{}, {}, {} {}",
            self.street, self.city, self.region, self.postal_code
        )
    }
}

/// Whole local days a location is closed (holidays), inclusive on both ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub from: Date,
    pub to: Date,
    pub reason: String,
}

impl Closure {
    /// Whether the location is closed on `date`.
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}

/// A clinic location.
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    pub id: LocationId,
    pub name: String,
    pub zone: Zone,
    pub address: Address,
    pub phone: String,
    pub hours: WeeklySchedule,
    pub closures: Vec<Closure>,
}

impl Location {
    /// Whether the location is closed all day on `date`.
    pub fn is_closed(&self, date: Date) -> bool {
        self.closures.iter().any(|c| c.covers(date))
    }
}

/// A provider or other staff member who can be booked.
#[derive(Clone, Debug, PartialEq)]
pub struct Staff {
    pub id: StaffId,
    pub location_id: LocationId,
    pub name: String,
    pub title: String,
    pub bio: String,
    /// Services this person is qualified to perform.
    pub services: Vec<ServiceId>,
    /// Weekly working hours in the location's zone.
    pub hours: WeeklySchedule,
    /// Weekly recurring breaks (e.g. lunch), subtracted from `hours`.
    pub breaks: WeeklySchedule,
    /// Absences as instants (vacation, training), sorted by start.
    pub time_off: Vec<Interval>,
}

impl Staff {
    /// Whether this person may perform the service.
    pub fn is_qualified(&self, service: ServiceId) -> bool {
        self.services.contains(&service)
    }
}

/// A treatment room. `kind` matches a segment's `room_kind` (e.g. `laser`, `treatment`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub location_id: LocationId,
    pub name: String,
    pub kind: String,
}

/// A shared device such as a laser unit. `kind` matches a segment's `device_kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: DeviceId,
    pub location_id: LocationId,
    pub name: String,
    pub kind: String,
}

/// An immutable snapshot of everything the engines need to know about a clinic except its
/// appointments: loaded once from the store and replaced whole when settings change.
#[derive(Clone, Debug)]
pub struct Clinic {
    pub info: ClinicInfo,
    pub locations: Vec<Location>,
    pub staff: Vec<Staff>,
    pub rooms: Vec<Room>,
    pub devices: Vec<Device>,
    pub services: Vec<Service>,
}

impl Clinic {
    /// The clinic before first-run setup: no name, no locations, nothing to book.
    pub fn unconfigured() -> Self {
        Self {
            info: ClinicInfo {
                name: String::new(),
                tagline: String::new(),
                phone: String::new(),
                email: String::new(),
            },
            locations: Vec::new(),
            staff: Vec::new(),
            rooms: Vec::new(),
            devices: Vec::new(),
            services: Vec::new(),
        }
    }

    /// Whether first-run setup has created the clinic (it has a location).
    pub fn is_configured(&self) -> bool {
        !self.locations.is_empty()
    }

    /// A service by slug.
    pub fn service(&self, slug: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.slug.as_str() == slug)
    }
    /// A service by id.
    pub fn service_by_id(&self, id: ServiceId) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
    /// A location by id.
    pub fn location(&self, id: LocationId) -> Option<&Location> {
        self.locations.iter().find(|l| l.id == id)
    }
    /// The default location: the only one, or the first.
    pub fn default_location(&self) -> Option<&Location> {
        self.locations.first()
    }
    /// A staff member by id.
    pub fn staff_member(&self, id: StaffId) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }
    /// A room by id.
    pub fn room(&self, id: RoomId) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }
    /// A device by id.
    pub fn device(&self, id: DeviceId) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }
    /// Staff at a location qualified for a service.
    pub fn qualified_staff(
        &self,
        service: ServiceId,
        location: LocationId,
    ) -> impl Iterator<Item = &Staff> {
        self.staff
            .iter()
            .filter(move |s| s.location_id == location && s.is_qualified(service))
    }
    /// Every resource id at a location (staff, rooms, devices).
    pub fn resources_at(&self, location: LocationId) -> Vec<ResourceId> {
        let staff = self
            .staff
            .iter()
            .filter(|s| s.location_id == location)
            .map(|s| s.id.into());
        let rooms = self
            .rooms
            .iter()
            .filter(|r| r.location_id == location)
            .map(|r| r.id.into());
        let devices = self
            .devices
            .iter()
            .filter(|d| d.location_id == location)
            .map(|d| d.id.into());
        staff.chain(rooms).chain(devices).collect()
    }
}
