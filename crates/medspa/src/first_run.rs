//! `medspa serve` on a database without a clinic: make a one-time setup token, keep its hash
//! in the database, write it to `setup-token` in the data dir (mode 0600) and print it with
//! the `/admin/setup` URL. The server then runs with an unconfigured clinic: `/healthz` and the
//! back office answer, public pages say the clinic is not set up yet.

use crate::config::Config;
use crate::out;
use crate::run::Fatal;
use medspa_store::Store;
use medspa_store::auth::new_token;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The file name of the setup token in the data dir.
pub const TOKEN_FILE: &str = "setup-token";

/// Creates and announces a fresh setup token; returns the path of the file it wrote.
pub async fn announce(store: &Store, config: &Config) -> Result<PathBuf, Fatal> {
    let token = new_token();
    store.set_setup_token(&token).await?;
    let path = config.data_dir.join(TOKEN_FILE);
    write_secret_file(&path, &token).map_err(|e| {
        Fatal(format!(
            "cannot write the setup token to {}: {e}",
            path.display()
        ))
    })?;
    out::line("This clinic is not set up yet.");
    out::line(&format!(
        "Finish setup at {}/admin/setup with this one-time setup token:",
        config.base_url
    ));
    out::line(&format!("  {token}"));
    out::line(&format!(
        "(also written to {}, readable only by you)",
        path.display()
    ));
    Ok(path)
}

/// Writes `content` to `path`, readable and writable by the owner only (0600 on Unix).
fn write_secret_file(path: &Path, content: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // A stale file (another token) goes first, so the new one is created with the right mode.
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(content.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_file_is_private_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/setup-token");
        write_secret_file(&path, "one").unwrap();
        write_secret_file(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
