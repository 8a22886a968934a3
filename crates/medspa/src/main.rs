//! `medspa`: the binary. Parses the command line, loads configuration, and runs one command:
//! serve the clinic (`serve`, `demo`), migrate, add a user, or back up.
//!
//! Every failure the owner can fix (bad configuration, unreachable database, port in use)
//! prints one line and exits with status 2; nothing prints a backtrace.

mod cli;
mod config;
mod demo;
mod first_run;
mod import;
mod keys;
mod out;
mod restore;
mod run;
mod setup_cmd;

use clap::Parser;

/// mimalloc: the availability and page paths allocate many small strings; it serves them
/// faster than the system allocator (measured in BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            out::error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(run::run(cli));
    // Whatever still runs after the command finished (a request past the shutdown grace) must
    // not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(run::Fatal(msg)) => {
            out::error(&msg);
            ExitCode::from(2)
        }
    }
}
