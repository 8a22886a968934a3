//! The one place the CLI writes to the terminal.

/// A result line on stdout.
#[expect(clippy::print_stdout, reason = "the CLI's output channel")]
pub fn line(msg: &str) {
    println!("{msg}");
}

/// One error line on stderr, prefixed with the program name.
pub fn error(msg: &str) {
    eprintln!("medspa: {msg}");
}
