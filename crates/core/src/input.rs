//! Validated inputs: raw strings become these types once, at the edge, and cannot be invalid
//! afterwards. Errors name the field and never echo the value; personal data redacts itself
//! from `Debug` and has no `Display`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One invalid field: a machine field name and a human message (never the submitted value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// One or more invalid fields of one request.
#[derive(Clone, Debug, PartialEq, Eq, Default, thiserror::Error)]
#[error("invalid input ({} field(s))", .errors.len())]
pub struct InvalidInput {
    pub errors: Vec<FieldError>,
}

impl InvalidInput {
    /// A single invalid field with a message.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// Adds a field error.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Merges another set of errors into this one.
    pub fn extend(&mut self, other: InvalidInput) {
        self.errors.extend(other.errors);
    }

    /// True when no field is invalid.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when empty, else `Err(self)`.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The message for a field, if that field is invalid.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

macro_rules! redacted_debug {
    ($name:ident) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

/// A client's e-mail address, trimmed and syntax-checked. Personal data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
redacted_debug!(Email);

impl Email {
    /// Parses an address, reporting errors against `field`.
    pub fn parse(raw: &str, field: &str) -> Result<Self, InvalidInput> {
        let v = raw.trim();
        if v.is_empty() {
            return Err(InvalidInput::field(field, "Enter your email address"));
        }
        if v.len() > 254 || !email_address::EmailAddress::is_valid(v) || !v.contains('.') {
            return Err(InvalidInput::field(
                field,
                "Enter an email address in the format name@example.com",
            ));
        }
        Ok(Self(v.to_owned()))
    }
    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Email {
    type Error = InvalidInput;
    fn try_from(raw: String) -> Result<Self, InvalidInput> {
        Self::parse(&raw, "email")
    }
}
impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// A person's full name as they gave it (1-120 characters). Personal data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);
redacted_debug!(PersonName);

impl PersonName {
    /// Parses a name, reporting errors against `field`.
    pub fn parse(raw: &str, field: &str) -> Result<Self, InvalidInput> {
        let v = raw.trim();
        if v.is_empty() {
            return Err(InvalidInput::field(field, "Enter your name"));
        }
        if v.chars().count() > 120 {
            return Err(InvalidInput::field(
                field,
                "Name must be 120 characters or fewer",
            ));
        }
        if v.chars().any(char::is_control) {
            return Err(InvalidInput::field(
                field,
                "Name must not contain control characters",
            ));
        }
        Ok(Self(v.to_owned()))
    }
    /// The full name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The first word of the name: the only part of it that reminders may carry.
    pub fn first_name(&self) -> &str {
        self.0.split_whitespace().next().unwrap_or(&self.0)
    }
}
impl TryFrom<String> for PersonName {
    type Error = InvalidInput;
    fn try_from(raw: String) -> Result<Self, InvalidInput> {
        Self::parse(&raw, "name")
    }
}
impl From<PersonName> for String {
    fn from(n: PersonName) -> String {
        n.0
    }
}

/// A phone number: digits with optional `+`, spaces, dashes, dots and parentheses; 7-15 digits.
/// Personal data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);
redacted_debug!(Phone);

impl Phone {
    /// Parses a phone number, reporting errors against `field`.
    pub fn parse(raw: &str, field: &str) -> Result<Self, InvalidInput> {
        let v = raw.trim();
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let allowed = v
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
        if v.is_empty() {
            return Err(InvalidInput::field(field, "Enter your phone number"));
        }
        if !allowed || !(7..=15).contains(&digits) || v[1..].contains('+') {
            return Err(InvalidInput::field(
                field,
                "Enter a phone number with 7 to 15 digits, like +1 312 555 0100",
            ));
        }
        Ok(Self(v.to_owned()))
    }
    /// The number as entered (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Phone {
    type Error = InvalidInput;
    fn try_from(raw: String) -> Result<Self, InvalidInput> {
        Self::parse(&raw, "phone")
    }
}
impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// A URL slug: lowercase ASCII letters, digits and single dashes, 1-80 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Parses a slug, reporting errors against `field`.
    pub fn parse(raw: &str, field: &str) -> Result<Self, InvalidInput> {
        let ok = !raw.is_empty()
            && raw.len() <= 80
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidInput::field(
                field,
                "Use lowercase letters, digits and single dashes (at most 80 characters)",
            ))
        }
    }
    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Slug {
    type Error = InvalidInput;
    fn try_from(raw: String) -> Result<Self, InvalidInput> {
        Self::parse(&raw, "slug")
    }
}
impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}
impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_checked() {
        assert_eq!(
            Email::parse("  ana@example.com ", "email")
                .unwrap()
                .as_str(),
            "ana@example.com"
        );
        for bad in ["", "ana", "ana@", "@example.com", "ana@example"] {
            let err = Email::parse(bad, "client.email").unwrap_err();
            assert_eq!(err.errors[0].field, "client.email", "{bad}");
        }
    }

    #[test]
    fn personal_data_is_redacted_from_debug() {
        let e = Email::parse("ana@example.com", "email").unwrap();
        let n = PersonName::parse("Ana Ruiz", "name").unwrap();
        let p = Phone::parse("+1 331 555 0100", "phone").unwrap();
        let dbg = format!("{e:?} {n:?} {p:?}");
        assert!(
            !dbg.contains("ana") && !dbg.contains("Ruiz") && !dbg.contains("555"),
            "{dbg}"
        );
    }

    #[test]
    fn errors_never_echo_the_value() {
        let err = Phone::parse("call me maybe", "phone").unwrap_err();
        assert!(!err.errors[0].message.contains("maybe"));
    }

    #[test]
    fn first_name_is_first_word() {
        assert_eq!(
            PersonName::parse("Ana María Ruiz", "n")
                .unwrap()
                .first_name(),
            "Ana"
        );
    }

    #[test]
    fn phone_rules() {
        assert!(Phone::parse("+1 (331) 555-0100", "p").is_ok());
        assert!(Phone::parse("12345", "p").is_err());
        assert!(Phone::parse("1+2345678", "p").is_err());
    }

    #[test]
    fn slug_rules() {
        assert!(Slug::parse("chemical-peel", "s").is_ok());
        for bad in ["", "Halo", "-a", "a-", "a--b", "a b"] {
            assert!(Slug::parse(bad, "s").is_err(), "{bad}");
        }
    }
}
