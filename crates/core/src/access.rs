//! Who may do what: the roles of back-office users and the one permission table every admin
//! route, API route and CLI command asks ([`can`]). Handlers never check roles themselves.
//!
//! Front desk runs the day (appointments, clients' contact details, inbox, outbox) and never
//! sees screening answers, intake, consent details or clinical notes. Providers see their own
//! schedule and the clinical record of clients they treat (whether a provider treats a given
//! client is a question about data, answered by the caller after [`can`] allowed
//! [`Action::ViewClinical`]). Owners do everything.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a back-office user is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Provider,
    FrontDesk,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::Owner, Role::Provider, Role::FrontDesk];

    /// The stored and CLI spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Provider => "provider",
            Self::FrontDesk => "front_desk",
        }
    }

    /// A human label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Provider => "Provider",
            Self::FrontDesk => "Front desk",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| "must be one of owner, provider, front_desk".into())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a signed-in user may try to do. Every admin route names exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The back office's home page (own day or the clinic's day) and one's own account.
    ViewToday,
    /// The calendar of every staff member, room and device.
    ViewCalendar,
    /// Book, move, cancel and mark appointments.
    ManageAppointments,
    /// Client list and contact details.
    ViewClients,
    /// Screening answers, intake, consent details, clinical notes and photos.
    ViewClinical,
    /// Contact messages.
    ManageInbox,
    /// Outgoing emails (status, retry).
    ManageOutbox,
    /// Users: invite, change role, deactivate.
    ManageUsers,
    /// Clinic settings, locations, services, staff, rooms, devices.
    ManageSettings,
    /// Pages and blog posts.
    ManageContent,
    /// The audit log.
    ViewAudit,
    /// Reports (providers see only their own figures).
    ViewReports,
}

impl Action {
    /// Every action, in table order.
    pub const ALL: [Action; 12] = [
        Action::ViewToday,
        Action::ViewCalendar,
        Action::ManageAppointments,
        Action::ViewClients,
        Action::ViewClinical,
        Action::ManageInbox,
        Action::ManageOutbox,
        Action::ManageUsers,
        Action::ManageSettings,
        Action::ManageContent,
        Action::ViewAudit,
        Action::ViewReports,
    ];
}

/// A session ends after this long without a request (30 minutes).
pub const SESSION_IDLE_MS: i64 = 30 * 60_000;
/// A session ends this long after sign-in, however busy (12 hours).
pub const SESSION_MAX_MS: i64 = 12 * 3_600_000;
/// Failed sign-ins for one account within [`LOCKOUT_WINDOW_MS`] that lock it.
pub const LOCKOUT_FAILURES: i64 = 5;
/// The window in which failures count (15 minutes).
pub const LOCKOUT_WINDOW_MS: i64 = 15 * 60_000;
/// How long a locked account refuses every attempt, even the right password (15 minutes).
pub const LOCKOUT_MS: i64 = 15 * 60_000;
/// A password-reset link works once, within 30 minutes.
pub const RESET_LINK_MS: i64 = 30 * 60_000;
/// An invitation link works once, within 3 days.
pub const INVITE_LINK_MS: i64 = 3 * 24 * 3_600_000;

use Role::{FrontDesk as D, Owner as O, Provider as P};

/// The permission table: for each action, the roles allowed to do it.
const TABLE: [(Action, &[Role]); 12] = [
    (Action::ViewToday, &[O, P, D]),
    (Action::ViewCalendar, &[O, P, D]),
    (Action::ManageAppointments, &[O, P, D]),
    (Action::ViewClients, &[O, P, D]),
    (Action::ViewClinical, &[O, P]),
    (Action::ManageInbox, &[O, D]),
    (Action::ManageOutbox, &[O, D]),
    (Action::ManageUsers, &[O]),
    (Action::ManageSettings, &[O]),
    (Action::ManageContent, &[O]),
    (Action::ViewAudit, &[O]),
    (Action::ViewReports, &[O, P]),
];

/// Whether `role` may do `action`.
pub fn can(role: Role, action: Action) -> bool {
    TABLE
        .iter()
        .find(|(a, _)| *a == action)
        .is_some_and(|(_, roles)| roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_table_once() {
        for a in Action::ALL {
            assert_eq!(TABLE.iter().filter(|(t, _)| *t == a).count(), 1, "{a:?}");
        }
    }

    #[test]
    fn owners_do_everything() {
        assert!(Action::ALL.iter().all(|a| can(Role::Owner, *a)));
    }

    #[test]
    fn front_desk_never_sees_clinical_data_or_runs_the_clinic() {
        for a in [
            Action::ViewClinical,
            Action::ManageUsers,
            Action::ManageSettings,
            Action::ManageContent,
            Action::ViewAudit,
            Action::ViewReports,
        ] {
            assert!(!can(Role::FrontDesk, a), "{a:?}");
        }
        assert!(can(Role::FrontDesk, Action::ManageAppointments));
        assert!(can(Role::FrontDesk, Action::ManageInbox));
    }

    #[test]
    fn providers_see_clinical_records_but_not_users_or_inbox() {
        assert!(can(Role::Provider, Action::ViewClinical));
        assert!(!can(Role::Provider, Action::ManageUsers));
        assert!(!can(Role::Provider, Action::ManageInbox));
        assert!(!can(Role::Provider, Action::ManageSettings));
    }

    #[test]
    fn roles_parse_and_print() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("admin".parse::<Role>().is_err());
        assert!("Owner".parse::<Role>().is_err());
    }
}
