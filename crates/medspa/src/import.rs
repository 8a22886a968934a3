//! `medspa import clients FILE.csv`: every row is either imported or reported with its line
//! number and reason (and written to `FILE.rejected.csv`), so nothing is silently lost. A
//! progress bar shows on a terminal. Contact details are never logged.

use crate::out;
use crate::run::Fatal;
use indicatif::{ProgressBar, ProgressStyle};
use medspa_core::input::{Email, PersonName, Phone};
use medspa_store::Store;
use medspa_store::clients::{ImportClient, ImportedClients};
use medspa_store::clock::{Clock, SystemClock};
use std::path::{Path, PathBuf};

const BATCH: usize = 500;

/// One row that could not be imported.
struct Rejected {
    line: u64,
    record: csv::StringRecord,
    reason: String,
}

fn column(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers.iter().position(|h| {
        h.trim()
            .trim_start_matches('\u{feff}')
            .eq_ignore_ascii_case(name)
    })
}

/// Validates one row: a name and an email are required, a phone is optional.
fn parse_row(
    record: &csv::StringRecord,
    cols: (usize, usize, Option<usize>),
) -> Result<ImportClient, String> {
    let get = |i: usize| record.get(i).unwrap_or_default();
    let name = PersonName::parse(get(cols.0), "name")
        .map_err(|e| format!("name: {}", e.errors[0].message))?;
    let email = Email::parse(get(cols.1), "email")
        .map_err(|e| format!("email: {}", e.errors[0].message))?;
    let phone = match cols.2.map(get).map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(raw) => Some(
            Phone::parse(raw, "phone").map_err(|e| format!("phone: {}", e.errors[0].message))?,
        ),
    };
    Ok(ImportClient { name, email, phone })
}

fn rejected_path(file: &Path) -> PathBuf {
    let mut name = file
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".rejected.csv");
    file.with_file_name(name)
}

/// Imports clients from a CSV file.
pub async fn clients(store: &Store, file: &Path) -> Result<(), Fatal> {
    let size = std::fs::metadata(file)
        .map_err(|e| Fatal(format!("cannot read {}: {e}", file.display())))?
        .len();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(file)
        .map_err(|e| Fatal(format!("cannot read {}: {e}", file.display())))?;
    let headers = reader
        .headers()
        .map_err(|e| Fatal(format!("cannot read the header row: {e}")))?
        .clone();
    let (Some(name), Some(email)) = (column(&headers, "name"), column(&headers, "email")) else {
        return Err(Fatal(
            "the first row must name the columns: name, email, phone (phone optional)".into(),
        ));
    };
    let cols = (name, email, column(&headers, "phone"));

    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template("{spinner} importing clients [{bar:30}] {percent}% {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut batch = Vec::with_capacity(BATCH);
    let mut total = ImportedClients::default();
    let mut rejected = Vec::new();
    let now = SystemClock.now().as_millisecond();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => match parse_row(&record, cols) {
                Ok(c) => batch.push(c),
                Err(reason) => rejected.push(Rejected {
                    line,
                    record: record.clone(),
                    reason,
                }),
            },
            Err(e) => rejected.push(Rejected {
                line,
                record: csv::StringRecord::new(),
                reason: format!("unreadable row: {e}"),
            }),
        }
        if batch.len() == BATCH {
            let done = store.import_clients(&batch, now).await?;
            total.inserted += done.inserted;
            total.existing += done.existing;
            batch.clear();
            bar.set_position(reader.position().byte());
            bar.set_message(format!("{} new", total.inserted));
        }
    }
    if !batch.is_empty() {
        let done = store.import_clients(&batch, now).await?;
        total.inserted += done.inserted;
        total.existing += done.existing;
    }
    bar.finish_and_clear();

    out::line(&format!(
        "imported {} new clients; {} already known (unchanged); {} rows not imported",
        total.inserted,
        total.existing,
        rejected.len()
    ));
    if !rejected.is_empty() {
        let path = rejected_path(file);
        let mut w = csv::Writer::from_path(&path)
            .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
        let mut head: Vec<String> = headers.iter().map(str::to_owned).collect();
        head.extend(["line".to_owned(), "error".to_owned()]);
        w.write_record(&head).map_err(|e| Fatal(e.to_string()))?;
        for r in &rejected {
            out::line(&format!("  line {}: {}", r.line, r.reason));
            let mut row: Vec<String> = (0..headers.len())
                .map(|i| r.record.get(i).unwrap_or_default().to_owned())
                .collect();
            row.extend([r.line.to_string(), r.reason.clone()]);
            w.write_record(&row).map_err(|e| Fatal(e.to_string()))?;
        }
        w.flush().map_err(|e| Fatal(e.to_string()))?;
        out::line(&format!(
            "rows not imported are in {} with the reason; fix them and import that file",
            path.display()
        ));
    }
    Ok(())
}
