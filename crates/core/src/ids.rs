//! Typed identifiers. Ids are minted (UUIDv7) by the store, never inside core logic.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID minted elsewhere.
            pub const fn new(u: Uuid) -> Self {
                Self(u)
            }
            /// The raw UUID.
            pub const fn get(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )+};
}

id_type!(
    /// A clinic location (has its own time zone).
    LocationId,
    /// A staff member; also a bookable resource.
    StaffId,
    /// A room; a bookable resource.
    RoomId,
    /// A device such as a laser unit; a bookable resource.
    DeviceId,
    /// A service (treatment or consultation).
    ServiceId,
    /// A client (patient).
    ClientId,
    /// An appointment.
    AppointmentId,
    /// A back-office user account.
    UserId,
);

/// Any bookable resource: staff, rooms and devices share one id space (UUIDs never collide),
/// so one hold table and one overlap constraint cover all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceId(pub Uuid);

impl From<StaffId> for ResourceId {
    fn from(id: StaffId) -> Self {
        Self(id.get())
    }
}
impl From<RoomId> for ResourceId {
    fn from(id: RoomId) -> Self {
        Self(id.get())
    }
}
impl From<DeviceId> for ResourceId {
    fn from(id: DeviceId) -> Self {
        Self(id.get())
    }
}
