//! Operations end to end, through the real binary: backup and restore, key rotation, several
//! instances on one PostgreSQL database, and crash safety under booking load.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod backup;
mod crash;
mod many;
mod metrics;
mod rotate;
mod support;
