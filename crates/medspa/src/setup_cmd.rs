//! `medspa setup`: first-run setup without a browser. Every value is checked before the
//! database is touched; a bad one prints one line naming its flag and exits 2, writing nothing.

use crate::cli::SetupArgs;
use crate::out;
use crate::run::Fatal;
use medspa_core::setup::{SetupInput, WEEKDAYS};
use medspa_store::audit::Actor;
use medspa_store::clock::{Clock, SystemClock};
use medspa_store::setup::CLINIC_EXISTS;
use medspa_store::{SecretKey, Store, StoreError, hash_password};

/// The flag behind each setup field, for error lines.
fn flag(field: &str) -> &'static str {
    match field {
        "clinic_name" => "--clinic-name",
        "clinic_phone" => "--phone",
        "clinic_email" => "--clinic-email",
        "street" => "--street",
        "city" => "--city",
        "region" => "--region",
        "postal_code" => "--postal-code",
        "country" => "--country",
        "timezone" => "--timezone",
        "currency" => "--currency",
        "name" => "--owner-name",
        "email" => "--owner-email",
        "password" => "the password (--password-stdin)",
        _ => "--hours",
    }
}

/// Parses `--hours` values: `DAY=HH:MM-HH:MM` or `DAY-DAY=HH:MM-HH:MM` (days `mon`..`sun`),
/// or `DAY=closed`.
fn apply_hours(input: &mut SetupInput, specs: &[String]) -> Result<(), Fatal> {
    let bad = |spec: &str| {
        Fatal(format!(
            "--hours {spec:?}: expected DAY=HH:MM-HH:MM (e.g. mon-fri=09:00-17:00, sat=10:00-14:00, sun=closed)"
        ))
    };
    let index = |d: &str| WEEKDAYS.iter().position(|(_, p, _)| *p == d);
    for spec in specs {
        let (days, times) = spec.split_once('=').ok_or_else(|| bad(spec))?;
        let (first, last) = days.split_once('-').unwrap_or((days, days));
        let (Some(a), Some(b)) = (index(first.trim()), index(last.trim())) else {
            return Err(bad(spec));
        };
        if a > b {
            return Err(bad(spec));
        }
        let (open, close) = if times.trim() == "closed" {
            (String::new(), String::new())
        } else {
            let (o, c) = times.split_once('-').ok_or_else(|| bad(spec))?;
            (o.trim().to_owned(), c.trim().to_owned())
        };
        for (_, prefix, _) in &WEEKDAYS[a..=b] {
            let (o, c) = input.hours_mut(prefix);
            o.clone_from(&open);
            c.clone_from(&close);
        }
    }
    Ok(())
}

/// Builds and checks the setup from the flags and the password; nothing is written.
fn parse(args: &SetupArgs, password: String) -> Result<medspa_core::setup::ClinicSetup, Fatal> {
    let mut input = SetupInput {
        clinic_name: args.clinic_name.clone(),
        clinic_phone: args.phone.clone().unwrap_or_default(),
        clinic_email: args.clinic_email.clone().unwrap_or_default(),
        street: args.street.clone().unwrap_or_default(),
        city: args.city.clone().unwrap_or_default(),
        region: args.region.clone().unwrap_or_default(),
        postal_code: args.postal_code.clone().unwrap_or_default(),
        country: args.country.clone().unwrap_or_default(),
        timezone: args.timezone.clone(),
        name: args.owner_name.clone(),
        email: args.owner_email.clone(),
        password,
        ..SetupInput::with_defaults()
    };
    if let Some(c) = &args.currency {
        input.currency.clone_from(c);
    }
    if !args.hours.is_empty() {
        // Given hours replace the default week entirely.
        for (_, prefix, _) in WEEKDAYS {
            let (o, c) = input.hours_mut(prefix);
            o.clear();
            c.clear();
        }
        apply_hours(&mut input, &args.hours)?;
    }
    input.parse().map_err(|e| {
        let first = &e.errors[0];
        Fatal(format!("{}: {}", flag(&first.field), first.message))
    })
}

/// Runs `medspa setup` against an opened store.
pub async fn run(
    store: &Store,
    args: &SetupArgs,
    password: String,
    generated: bool,
    base_url: &str,
) -> Result<(), Fatal> {
    let setup = parse(args, password)?;
    let hash = hash_password(setup.password.expose());
    let now = SystemClock.now().as_millisecond();
    match store
        .create_clinic(&setup, None, &hash, &Actor::system(), now)
        .await
    {
        Ok(_) => {}
        Err(StoreError::Rejected(why)) if why == CLINIC_EXISTS => {
            return Err(Fatal(
                "this database already has a clinic; setup runs only once".into(),
            ));
        }
        Err(StoreError::Conflict("users_email_norm_key")) => {
            return Err(Fatal("--owner-email already has an account".into()));
        }
        Err(e) => return Err(e.into()),
    }
    out::line(&format!(
        "created {} ({}) with owner {}",
        setup.info.name,
        setup.zone.name(),
        setup.owner_email.as_str()
    ));
    if generated {
        out::line(&format!("password: {}", setup.password.expose()));
        out::line("(shown once; keep it somewhere safe)");
    }
    out::line(&format!(
        "start it with `medspa serve`, then sign in at {base_url}/admin/login"
    ));
    Ok(())
}

/// Checks the flags before the database is opened, so a bad value writes nothing.
pub fn check(args: &SetupArgs, password: &str) -> Result<(), Fatal> {
    parse(args, password.to_owned()).map(|_| ())
}

/// A generated password that passes the rule: 20 random hex characters.
pub fn generated_password() -> String {
    SecretKey::generate()[..20].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> SetupArgs {
        SetupArgs {
            clinic_name: "Lakeview Skin Studio".into(),
            timezone: "America/Chicago".into(),
            owner_email: "rosa@lakeview.example".into(),
            owner_name: "Rosa Linden".into(),
            ..SetupArgs::default()
        }
    }

    #[test]
    fn hours_flags_set_ranges_of_days() {
        let mut a = args();
        a.hours = vec!["mon-fri=08:30-18:00".into(), "sat=10:00-14:00".into()];
        let s = parse(&a, "violet tram oboe lantern".into()).unwrap();
        assert_eq!(
            s.hours
                .for_weekday(jiff::civil::Weekday::Friday)
                .first()
                .map(|r| r.start),
            Some(jiff::civil::time(8, 30, 0, 0))
        );
        assert!(s.hours.for_weekday(jiff::civil::Weekday::Sunday).is_empty());
    }

    #[test]
    fn bad_values_name_their_flag() {
        let mut a = args();
        a.timezone = "Mars/Olympus".into();
        assert!(
            check(&a, "violet tram oboe lantern")
                .unwrap_err()
                .0
                .starts_with("--timezone")
        );
        let a = args();
        assert!(check(&a, "short").unwrap_err().0.contains("password"));
        let mut a = args();
        a.hours = vec!["fri-mon=09:00-17:00".into()];
        assert!(
            check(&a, "violet tram oboe lantern")
                .unwrap_err()
                .0
                .starts_with("--hours")
        );
        let mut a = args();
        a.hours = vec!["mon=17:00-09:00".into()];
        assert!(
            check(&a, "violet tram oboe lantern")
                .unwrap_err()
                .0
                .starts_with("--hours")
        );
        assert!(generated_password().len() == 20);
    }
}
