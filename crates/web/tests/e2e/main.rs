//! End-to-end tests through the real HTTP server: one test binary (faster to link), one module
//! per feature, each test on SQLite and PostgreSQL with a fresh database.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod api_booking;
mod api_concurrency;
mod api_dst;
mod api_mail;
mod common;
mod connections;
mod holes;
mod quiz;
mod site_basics;
mod site_blog;
mod site_booking;
mod site_contact;
mod site_pages;
mod site_treatments;
