//! The password rule, after NIST SP 800-63B section 5.1.1.2: at least 12 characters, at most
//! [`MAX_CHARS`], not a commonly used password (the bundled list `data/common-passwords.txt`,
//! or one character or a short run repeated), and no composition rules. The same rule applies
//! to `medspa user add`, setup, invitations and resets.
//!
//! A [`Password`] hides itself from `Debug` and has no `Display`.

use crate::input::InvalidInput;
use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// The most characters a password may have (long passphrases are welcome; this only bounds
/// the hashing work one request can ask for).
pub const MAX_CHARS: usize = 256;

const LIST: &str = include_str!("../data/common-passwords.txt");

static COMMON: LazyLock<HashSet<String>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
        .collect()
});

/// A password that follows the rule.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Checks `raw` (taken exactly as typed: spaces count) against the rule, reporting errors
    /// against `field`. The message never echoes the password.
    pub fn parse(raw: &str, field: &str) -> Result<Self, InvalidInput> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err(InvalidInput::field(field, "Enter a password"));
        }
        if chars < MIN_CHARS {
            return Err(InvalidInput::field(
                field,
                "Password must be at least 12 characters",
            ));
        }
        if chars > MAX_CHARS {
            return Err(InvalidInput::field(
                field,
                "Password must be 256 characters or fewer",
            ));
        }
        if is_common(raw) {
            return Err(InvalidInput::field(
                field,
                "That password is too common and easy to guess; choose another (a few unrelated words work well)",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether `raw` is on the list or is one short run (up to 4 characters) repeated.
pub fn is_common(raw: &str) -> bool {
    let lower = raw.trim().to_lowercase();
    if COMMON.contains(&lower) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    (1..=4).any(|unit| {
        chars.len() >= unit * 2
            && chars.len().is_multiple_of(unit)
            && chars.chunks(unit).all(|c| c == &chars[..unit])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_the_only_composition_rule() {
        assert!(Password::parse("eleven char", "p").is_err());
        assert!(Password::parse("twelve chars", "p").is_ok());
        assert!(Password::parse("alllowercaseletters", "p").is_ok());
        assert!(
            Password::parse("çàéèùâêîôûëï", "p").is_ok(),
            "characters, not bytes"
        );
        assert!(
            Password::parse("çàéèùâêîôûë", "p").is_err(),
            "11 characters, 22 bytes"
        );
        assert!(Password::parse(&"x1".repeat(129), "p").is_err());
        assert!(Password::parse("", "p").is_err());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for bad in [
            "password1234",
            "PASSWORD1234",
            "Qwertyuiop12",
            "correct horse battery staple",
            "aaaaaaaaaaaaaaa",
            "abcabcabcabc",
            "121212121212121212",
        ] {
            let e = Password::parse(bad, "password").unwrap_err();
            assert_eq!(e.errors[0].field, "password", "{bad}");
            assert!(!e.errors[0].message.contains(bad));
        }
        assert!(Password::parse("violet tram oboe lantern", "p").is_ok());
    }

    #[test]
    fn list_is_loaded_and_has_no_comments() {
        assert!(COMMON.len() > 100);
        assert!(COMMON.iter().all(|p| !p.starts_with('#')));
    }

    #[test]
    fn debug_hides_the_password() {
        let p = Password::parse("violet tram oboe lantern", "p").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
