//! First run: what it takes to create a clinic and its first owner, parsed once from the
//! setup page or `medspa setup`'s flags. Field names are the setup form's input names; the CLI
//! maps them to its flags.

use crate::clinic::{Address, ClinicInfo, Zone};
use crate::input::{Email, InvalidInput, PersonName, Phone};
use crate::password::Password;
use crate::time::{TimeRange, WeeklySchedule};
use jiff::civil::{Time, Weekday};

/// The weekdays in form order, with their field prefixes and labels.
pub const WEEKDAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "mon", "Monday"),
    (Weekday::Tuesday, "tue", "Tuesday"),
    (Weekday::Wednesday, "wed", "Wednesday"),
    (Weekday::Thursday, "thu", "Thursday"),
    (Weekday::Friday, "fri", "Friday"),
    (Weekday::Saturday, "sat", "Saturday"),
    (Weekday::Sunday, "sun", "Sunday"),
];

/// Currencies a clinic may price in (ISO 4217), the first being the default.
pub const CURRENCIES: [(&str, &str); 8] = [
    ("USD", "US dollar"),
    ("CAD", "Canadian dollar"),
    ("EUR", "Euro"),
    ("GBP", "Pound sterling"),
    ("AUD", "Australian dollar"),
    ("NZD", "New Zealand dollar"),
    ("CHF", "Swiss franc"),
    ("MXN", "Mexican peso"),
];

/// IANA zone names to choose from: the canonical region/city names, sorted, plus `UTC`.
pub fn time_zone_names() -> Vec<String> {
    const REGIONS: [&str; 9] = [
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    ];
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| REGIONS.iter().any(|r| n.starts_with(r)))
        .collect();
    names.sort();
    names.dedup();
    names.push("UTC".to_owned());
    names
}

/// What the setup form or the CLI submitted, as typed. Hours are `HH:MM` strings per weekday
/// (both empty = closed).
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct SetupInput {
    pub clinic_name: String,
    pub clinic_phone: String,
    pub clinic_email: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub timezone: String,
    pub currency: String,
    pub mon_open: String,
    pub mon_close: String,
    pub tue_open: String,
    pub tue_close: String,
    pub wed_open: String,
    pub wed_close: String,
    pub thu_open: String,
    pub thu_close: String,
    pub fri_open: String,
    pub fri_close: String,
    pub sat_open: String,
    pub sat_close: String,
    pub sun_open: String,
    pub sun_close: String,
    pub name: String,
    pub email: String,
    /// Never echoed back into a page.
    pub password: String,
}

impl std::fmt::Debug for SetupInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetupInput(***)")
    }
}

/// A valid first-run request.
#[derive(Clone, Debug)]
pub struct ClinicSetup {
    pub info: ClinicInfo,
    /// ISO 4217 code from [`CURRENCIES`].
    pub currency: &'static str,
    pub location_name: String,
    pub address: Address,
    pub zone: Zone,
    pub hours: WeeklySchedule,
    pub owner_name: PersonName,
    pub owner_email: Email,
    pub password: Password,
}

impl SetupInput {
    /// The input with the default opening hours (Monday to Friday, 09:00-17:00) and currency.
    pub fn with_defaults() -> Self {
        let mut s = Self {
            currency: CURRENCIES[0].0.to_owned(),
            ..Self::default()
        };
        for (_, prefix, _) in &WEEKDAYS[..5] {
            let (open, close) = s.hours_mut(prefix);
            "09:00".clone_into(open);
            "17:00".clone_into(close);
        }
        s
    }

    /// The open/close strings of a weekday prefix (`mon` .. `sun`).
    pub fn hours(&self, prefix: &str) -> (&str, &str) {
        match prefix {
            "mon" => (&self.mon_open, &self.mon_close),
            "tue" => (&self.tue_open, &self.tue_close),
            "wed" => (&self.wed_open, &self.wed_close),
            "thu" => (&self.thu_open, &self.thu_close),
            "fri" => (&self.fri_open, &self.fri_close),
            "sat" => (&self.sat_open, &self.sat_close),
            _ => (&self.sun_open, &self.sun_close),
        }
    }

    /// The open/close strings of a weekday prefix, to fill in.
    pub fn hours_mut(&mut self, prefix: &str) -> (&mut String, &mut String) {
        match prefix {
            "mon" => (&mut self.mon_open, &mut self.mon_close),
            "tue" => (&mut self.tue_open, &mut self.tue_close),
            "wed" => (&mut self.wed_open, &mut self.wed_close),
            "thu" => (&mut self.thu_open, &mut self.thu_close),
            "fri" => (&mut self.fri_open, &mut self.fri_close),
            "sat" => (&mut self.sat_open, &mut self.sat_close),
            _ => (&mut self.sun_open, &mut self.sun_close),
        }
    }

    /// Checks every field; errors name each bad field (never its value).
    pub fn parse(&self) -> Result<ClinicSetup, InvalidInput> {
        let mut errors = InvalidInput::default();
        let clinic_name = text(&self.clinic_name, "clinic_name", 120, true, &mut errors);
        let phone = if self.clinic_phone.trim().is_empty() {
            String::new()
        } else {
            Phone::parse(&self.clinic_phone, "clinic_phone")
                .map(|p| p.as_str().to_owned())
                .map_err(|e| errors.extend(e))
                .unwrap_or_default()
        };
        let email = if self.clinic_email.trim().is_empty() {
            String::new()
        } else {
            Email::parse(&self.clinic_email, "clinic_email")
                .map(|e| e.as_str().to_owned())
                .map_err(|e| errors.extend(e))
                .unwrap_or_default()
        };
        let address = Address {
            street: text(&self.street, "street", 200, false, &mut errors),
            city: text(&self.city, "city", 120, false, &mut errors),
            region: text(&self.region, "region", 120, false, &mut errors),
            postal_code: text(&self.postal_code, "postal_code", 20, false, &mut errors),
            country: text(&self.country, "country", 120, false, &mut errors),
        };
        let zone = if self.timezone.trim().is_empty() {
            errors.push("timezone", "Choose the clinic's time zone");
            None
        } else {
            Zone::parse(self.timezone.trim(), "timezone")
                .map_err(|e| errors.extend(e))
                .ok()
        };
        let currency = CURRENCIES
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(self.currency.trim()))
            .map(|(code, _)| *code);
        if currency.is_none() {
            errors.push(
                "currency",
                "Choose a currency: USD, CAD, EUR, GBP, AUD, NZD, CHF or MXN",
            );
        }
        let hours = self.opening_hours(&mut errors);
        let owner_name = PersonName::parse(&self.name, "name")
            .map_err(|e| errors.extend(e))
            .ok();
        let owner_email = Email::parse(&self.email, "email")
            .map_err(|e| errors.extend(e))
            .ok();
        let password = Password::parse(&self.password, "password")
            .map_err(|e| errors.extend(e))
            .ok();
        match (zone, currency, owner_name, owner_email, password) {
            (Some(zone), Some(currency), Some(owner_name), Some(owner_email), Some(password))
                if errors.is_empty() =>
            {
                Ok(ClinicSetup {
                    info: ClinicInfo {
                        name: clinic_name.clone(),
                        tagline: String::new(),
                        phone,
                        email,
                    },
                    currency,
                    location_name: clinic_name,
                    address,
                    zone,
                    hours,
                    owner_name,
                    owner_email,
                    password,
                })
            }
            _ => Err(errors),
        }
    }

    fn opening_hours(&self, errors: &mut InvalidInput) -> WeeklySchedule {
        parse_hours(|p| self.hours(p), errors)
    }
}

/// Parses a week of opening hours from `HH:MM` strings per weekday prefix (`mon` .. `sun`,
/// fields `{prefix}_open` / `{prefix}_close`; both empty = closed). At least one day must be
/// open; a closing time must follow its opening time.
pub fn parse_hours<'a>(
    get: impl Fn(&str) -> (&'a str, &'a str),
    errors: &mut InvalidInput,
) -> WeeklySchedule {
    {
        let mut hours = WeeklySchedule::default();
        let mut open_days = 0;
        let errors_before = errors.errors.len();
        for (wd, prefix, label) in WEEKDAYS {
            let (open, close) = get(prefix);
            let (open, close) = (open.trim(), close.trim());
            if open.is_empty() && close.is_empty() {
                continue;
            }
            let open_t = parse_time(open);
            let close_t = parse_time(close);
            match (open_t, close_t) {
                (None, _) => errors.push(
                    format!("{prefix}_open"),
                    format!(
                        "Enter {label}'s opening time as HH:MM, or leave both times empty if closed"
                    ),
                ),
                (_, None) => errors.push(
                    format!("{prefix}_close"),
                    format!(
                        "Enter {label}'s closing time as HH:MM, or leave both times empty if closed"
                    ),
                ),
                (Some(o), Some(c)) => match TimeRange::new(o, c) {
                    Some(r) => {
                        hours.add(wd, r);
                        open_days += 1;
                    }
                    None => errors.push(
                        format!("{prefix}_close"),
                        format!("{label}'s closing time must be after its opening time"),
                    ),
                },
            }
        }
        if open_days == 0 && errors.errors.len() == errors_before {
            errors.push(
                "mon_open",
                "Enter the opening hours of at least one day of the week",
            );
        }
        hours
    }
}

fn parse_time(raw: &str) -> Option<Time> {
    let (h, m) = raw.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

fn text(raw: &str, field: &str, max: usize, required: bool, errors: &mut InvalidInput) -> String {
    let v = raw.trim();
    if required && v.is_empty() {
        errors.push(field, "Enter the clinic's name");
    } else if v.chars().count() > max {
        errors.push(field, format!("Must be {max} characters or fewer"));
    } else if v.chars().any(char::is_control) {
        errors.push(field, "Must not contain control characters");
    }
    v.to_owned()
}

/// The clinic settings page as typed: the clinic's public identity and currency, and its first
/// location's name, address, zone and opening hours (field names as in [`SetupInput`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    pub clinic_name: String,
    pub tagline: String,
    pub clinic_phone: String,
    pub clinic_email: String,
    pub currency: String,
    pub location_name: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub timezone: String,
    pub mon_open: String,
    pub mon_close: String,
    pub tue_open: String,
    pub tue_close: String,
    pub wed_open: String,
    pub wed_close: String,
    pub thu_open: String,
    pub thu_close: String,
    pub fri_open: String,
    pub fri_close: String,
    pub sat_open: String,
    pub sat_close: String,
    pub sun_open: String,
    pub sun_close: String,
}

/// Valid clinic settings.
#[derive(Clone, Debug)]
pub struct ClinicSettings {
    pub info: ClinicInfo,
    pub currency: &'static str,
    pub location_name: String,
    pub address: Address,
    pub zone: Zone,
    pub hours: WeeklySchedule,
}

impl SettingsInput {
    /// The open/close strings of a weekday prefix (`mon` .. `sun`).
    pub fn hours(&self, prefix: &str) -> (&str, &str) {
        match prefix {
            "mon" => (&self.mon_open, &self.mon_close),
            "tue" => (&self.tue_open, &self.tue_close),
            "wed" => (&self.wed_open, &self.wed_close),
            "thu" => (&self.thu_open, &self.thu_close),
            "fri" => (&self.fri_open, &self.fri_close),
            "sat" => (&self.sat_open, &self.sat_close),
            _ => (&self.sun_open, &self.sun_close),
        }
    }

    /// The open/close strings of a weekday prefix, to fill in.
    pub fn hours_mut(&mut self, prefix: &str) -> (&mut String, &mut String) {
        match prefix {
            "mon" => (&mut self.mon_open, &mut self.mon_close),
            "tue" => (&mut self.tue_open, &mut self.tue_close),
            "wed" => (&mut self.wed_open, &mut self.wed_close),
            "thu" => (&mut self.thu_open, &mut self.thu_close),
            "fri" => (&mut self.fri_open, &mut self.fri_close),
            "sat" => (&mut self.sat_open, &mut self.sat_close),
            _ => (&mut self.sun_open, &mut self.sun_close),
        }
    }

    /// Checks every field, like setup does; errors name each bad field.
    pub fn parse(&self) -> Result<ClinicSettings, InvalidInput> {
        // The owner fields of setup are not asked here: borrow setup's checks with stand-ins.
        let setup = SetupInput {
            clinic_name: self.clinic_name.clone(),
            clinic_phone: self.clinic_phone.clone(),
            clinic_email: self.clinic_email.clone(),
            street: self.street.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            timezone: self.timezone.clone(),
            currency: self.currency.clone(),
            name: "Stand In".into(),
            email: "stand-in@example.com".into(),
            password: "stand-in passphrase".into(),
            ..SetupInput::default()
        };
        let mut setup = setup;
        for (_, prefix, _) in WEEKDAYS {
            let (open, close) = self.hours(prefix);
            let (o, c) = setup.hours_mut(prefix);
            open.clone_into(o);
            close.clone_into(c);
        }
        let mut errors = match setup.parse() {
            Ok(_) => InvalidInput::default(),
            Err(e) => e,
        };
        let tagline = text(&self.tagline, "tagline", 200, false, &mut errors);
        let location_name = self.location_name.trim();
        if location_name.is_empty() {
            errors.push("location_name", "Enter the location's name");
        } else {
            text(location_name, "location_name", 120, false, &mut errors);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let s = setup.parse()?;
        Ok(ClinicSettings {
            info: ClinicInfo { tagline, ..s.info },
            currency: s.currency,
            location_name: location_name.to_owned(),
            address: s.address,
            zone: s.zone,
            hours: s.hours,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SetupInput {
        SetupInput {
            clinic_name: "Lakeview Skin Studio".into(),
            timezone: "America/Chicago".into(),
            name: "Rosa Linden".into(),
            email: "rosa@lakeview.example".into(),
            password: "violet tram oboe lantern".into(),
            ..SetupInput::with_defaults()
        }
    }

    #[test]
    fn a_complete_form_parses_with_default_hours() {
        let s = good().parse().unwrap();
        assert_eq!(s.zone.name(), "America/Chicago");
        assert_eq!(s.currency, "USD");
        assert_eq!(s.hours.for_weekday(Weekday::Monday).len(), 1);
        assert!(s.hours.for_weekday(Weekday::Sunday).is_empty());
        assert_eq!(s.location_name, "Lakeview Skin Studio");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = SetupInput {
            clinic_name: " ".into(),
            clinic_phone: "call us".into(),
            timezone: "Mars/Olympus".into(),
            currency: "XXX".into(),
            mon_open: "9am".into(),
            tue_open: "18:00".into(),
            tue_close: "09:00".into(),
            wed_open: "09:00".into(),
            wed_close: String::new(),
            email: "rosa".into(),
            password: "password1234".into(),
            ..good()
        };
        let e = bad.parse().unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "clinic_name",
                "clinic_phone",
                "timezone",
                "currency",
                "mon_open",
                "tue_close",
                "wed_close",
                "email",
                "password"
            ]
        );
    }

    #[test]
    fn closed_all_week_is_refused() {
        let mut s = good();
        for (_, p, _) in WEEKDAYS {
            let (o, c) = s.hours_mut(p);
            o.clear();
            c.clear();
        }
        assert_eq!(s.parse().unwrap_err().errors[0].field, "mon_open");
    }

    #[test]
    fn zone_list_has_the_demo_zone_and_no_legacy_names() {
        let zones = time_zone_names();
        assert!(zones.iter().any(|z| z == "America/Chicago"));
        assert!(!zones.iter().any(|z| z == "US/Central" || z == "EST5EDT"));
        assert!(zones.len() > 300);
    }

    #[test]
    fn settings_check_like_setup_and_their_own_hours() {
        let mut s = SettingsInput {
            clinic_name: "Lakeview".into(),
            location_name: "Lakeview Loop".into(),
            timezone: "America/Chicago".into(),
            currency: "EUR".into(),
            sat_open: "10:00".into(),
            sat_close: "14:00".into(),
            ..SettingsInput::default()
        };
        let ok = s.parse().unwrap();
        assert_eq!(ok.currency, "EUR");
        assert_eq!(ok.hours.for_weekday(Weekday::Saturday).len(), 1);
        assert!(ok.hours.for_weekday(Weekday::Monday).is_empty());
        s.sat_close = "09:00".into();
        s.location_name = String::new();
        s.timezone = "Nowhere".into();
        let fields: Vec<String> = s
            .parse()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["timezone", "sat_close", "location_name"]);
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(parse_time("09:30"), Some(Time::constant(9, 30, 0, 0)));
        assert_eq!(parse_time("9:30"), Some(Time::constant(9, 30, 0, 0)));
        for bad in ["24:00", "09:60", "0930", "09:3", "", "x:yz"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
