//! The fictional demo clinic from DESIGN.md: one location in `America/Chicago`, five providers
//! (two qualified for Halo with overlapping weekday hours), three rooms (one "Laser suite"), one
//! Halo device, the ten demo services, and a lived-in calendar of about 1,600 appointments over
//! the next 60 days.
//!
//! Everything is deterministic: ids are UUIDv5 from stable names, "random" choices come from a
//! fixed-seed generator, and dates are relative to the `today` the caller passes in. Names,
//! addresses and phone numbers are invented (555-01xx numbers, `example.*` mail domains).

mod catalog;
mod history;
mod posts;

pub use catalog::clinic;
pub use history::{HistoryOptions, history};
pub use posts::{pages, posts};

use uuid::Uuid;

/// Namespace for the demo's UUIDv5 ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x6d65_6473_7061_2d64_656d_6f2d_6964_7321);

/// A stable id for a demo object named `name` (e.g. `staff/dana`).
pub fn demo_id(name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

/// Deterministic pseudo-random numbers (SplitMix64): the demo must look the same on every run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator with a fixed seed.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % (n as u64)).unwrap_or(0)
    }
    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
