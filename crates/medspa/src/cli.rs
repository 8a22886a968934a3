//! The command line, with help text a clinic owner can follow.

use crate::config::Flags;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// medspa: website, online booking, care plans and back office for a medical spa, in one program.
///
/// Start with `medspa demo` to try a fictional clinic at http://127.0.0.1:8080.
/// Settings come from medspa.toml, then MEDSPA_* environment variables, then these flags.
#[derive(Debug, Parser)]
#[command(name = "medspa", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; accepted by every command.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Folder for the SQLite database, the generated secret key and uploads [env: MEDSPA_DATA_DIR] [default: ./data]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database to use instead of DIR/medspa.db, e.g. postgres://user@host/medspa [env: MEDSPA_DATABASE_URL]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Settings file [env: MEDSPA_CONFIG] [default: ./medspa.toml if present]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the fictional demo clinic (if the database has none yet) and serve it.
    Demo {
        #[command(flatten)]
        common: Common,
        /// Address and port to listen on [env: MEDSPA_BIND] [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Serve the configured clinic: website, booking, API and back office.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address and port to listen on [env: MEDSPA_BIND] [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Bring the database schema up to date, then exit (serve and demo also do this).
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Manage back-office accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Show queued, sent and failed emails; `--requeue ID` retries a failed one.
    Outbox {
        #[command(flatten)]
        common: Common,
        /// Only this status: pending, sent, dead or cancelled
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// How many to list (newest first)
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Send a dead (failed) message again
        #[arg(long, value_name = "ID")]
        requeue: Option<String>,
    },
    /// Bring in data from elsewhere.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Create the clinic and its first owner without a browser (first run only).
    Setup {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        args: Box<SetupArgs>,
    },
    /// Write a consistent copy of the live database to FILE while the clinic keeps running.
    Backup {
        #[command(flatten)]
        common: Common,
        /// Where to write the copy (must not exist yet)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the SQLite database in the data dir with a backup made by `medspa backup`.
    /// Stop the server first. The configured secret key must be the one the backup was made
    /// with. The database it replaces is kept beside it (medspa.db.before-restore-...).
    Restore {
        #[command(flatten)]
        common: Common,
        /// The backup file
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// The secret key that seals health data and signs cookies.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Re-encrypt every sealed field under a new key while the clinic stays online.
    ///
    /// The new key comes from MEDSPA_NEW_SECRET_KEY, or from standard input with
    /// --new-key-stdin; MEDSPA_SECRET_KEY stays the current key. First give every running
    /// instance both keys (MEDSPA_SECRET_KEY=old, MEDSPA_NEW_SECRET_KEY=new) and restart them
    /// one by one; then run this. It works in batches and can be stopped (Ctrl+C) and run
    /// again: it continues where it stopped. When it finishes, set MEDSPA_SECRET_KEY to the
    /// new key and remove MEDSPA_NEW_SECRET_KEY everywhere: the old key is refused from then on.
    Rotate {
        #[command(flatten)]
        common: Common,
        /// Read the new key from standard input instead of MEDSPA_NEW_SECRET_KEY
        #[arg(long)]
        new_key_stdin: bool,
        /// Rows re-encrypted per transaction
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        batch_size: u32,
    },
}

/// What `medspa setup` asks for (the same as the setup page).
#[derive(Debug, Clone, Default, Args)]
pub struct SetupArgs {
    /// The clinic's name, as clients see it
    #[arg(long, value_name = "N")]
    pub clinic_name: String,
    /// IANA time zone of the first location, e.g. America/Chicago
    #[arg(long, value_name = "TZ")]
    pub timezone: String,
    /// The first owner's email (they sign in with it)
    #[arg(long, value_name = "E")]
    pub owner_email: String,
    /// The first owner's full name
    #[arg(long, value_name = "N")]
    pub owner_name: String,
    /// Read the owner's password from standard input instead of generating one
    #[arg(long)]
    pub password_stdin: bool,
    /// The clinic's phone number
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    /// The clinic's public email address
    #[arg(long, value_name = "E")]
    pub clinic_email: Option<String>,
    /// Street address of the first location
    #[arg(long)]
    pub street: Option<String>,
    /// City
    #[arg(long)]
    pub city: Option<String>,
    /// State or region
    #[arg(long)]
    pub region: Option<String>,
    /// Postal code
    #[arg(long)]
    pub postal_code: Option<String>,
    /// Country
    #[arg(long)]
    pub country: Option<String>,
    /// Currency (USD, CAD, EUR, GBP, AUD, NZD, CHF, MXN) [default: USD]
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Opening hours, repeatable: DAY=HH:MM-HH:MM, DAY-DAY=.., DAY=closed [default: mon-fri=09:00-17:00]
    #[arg(long, value_name = "SPEC")]
    pub hours: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import clients from a CSV file with a header row: name, email, phone (phone optional).
    /// Rows that cannot be imported are listed and written to FILE.rejected.csv with the
    /// reason; clients whose email is already known are left unchanged.
    Clients {
        #[command(flatten)]
        common: Common,
        /// The CSV file
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
    },
    /// Import blog posts: every `*.md` file (front matter + Markdown) in a folder.
    Posts {
        #[command(flatten)]
        common: Common,
        /// The folder
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account. Owners manage users and settings; providers and front desk run the day.
    Add {
        #[command(flatten)]
        common: Common,
        /// Login email
        #[arg(long, value_name = "E")]
        email: String,
        /// Full name shown in the back office
        #[arg(long, value_name = "N")]
        name: String,
        /// owner, provider or front_desk
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// Read the password from standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
    },
}

impl Common {
    /// The flags as configuration overrides.
    pub fn flags(&self, bind: Option<&String>) -> Flags {
        Flags {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            bind: bind.cloned(),
        }
    }
}
