//! End-to-end mail tests: a real SMTP server on 127.0.0.1 (the testkit sink), the real
//! worker, and the outbox on SQLite and PostgreSQL.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod concurrency;
mod delivery;
mod failures;
mod schedule;
mod support;
