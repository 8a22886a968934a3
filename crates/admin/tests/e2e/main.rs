//! The back office end to end through the real server (the binary's router: web + admin),
//! each test on SQLite and PostgreSQL with a fresh database and a clock the test moves.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod access;
mod common;
mod first_clinic;
mod resources;
mod settings;
mod setup;
mod signin;
mod staff;
mod users;
