//! Pure domain of medspa: ids, validated inputs, clinic and catalog model, the availability
//! engine, the protocol engine (pre-care, eligibility, after-care) and the skin quiz.
//!
//! Nothing in this crate performs I/O, reads the clock or draws random numbers: callers pass
//! `now` and minted ids in, so every rule is deterministic and can be tested and benchmarked
//! in-process.

pub mod access;
pub mod availability;
pub mod catalog;
pub mod clinic;
pub mod ids;
pub mod input;
pub mod password;
pub mod protocol;
pub mod quiz;
pub mod setup;
pub mod time;

pub use ids::*;
pub use input::InvalidInput;
