//! First start: creates the data directory and, when it was empty, a `demo`
//! user with a random password, so that the quick start needs no setup.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

use dormouse_config::Config;
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::ServerError;

/// What `prepare_data_dir` found or made.
#[derive(Debug)]
pub struct DataDir {
    /// The demo user's password, present only on the start that created it:
    /// it is shown once and stored only as a hash.
    pub demo_password: Option<String>,
}

/// The name of the user made on first start.
pub const DEMO_USER: &str = "demo";

pub fn prepare_data_dir(config: &Config) -> Result<DataDir, ServerError> {
    let dir = &config.data_dir;
    let err = |source: io::Error| ServerError::DataDir {
        path: dir.clone(),
        source,
    };
    let fresh = match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // 0700: the tree holds everyone's mail and password hashes.
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(err)?;
            true
        }
        Err(e) => return Err(err(e)),
    };
    if !fresh || config.users_file.exists() {
        return Ok(DataDir {
            demo_password: None,
        });
    }
    let password: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    if let Some(parent) = config.users_file.parent() {
        create_private_dir(parent).map_err(err)?;
    }
    dormouse_auth::passwd_file::add_user(&config.users_file, DEMO_USER, password.as_bytes())?;
    Ok(DataDir {
        demo_password: Some(password),
    })
}

fn create_private_dir(path: &Path) -> io::Result<()> {
    if path.as_os_str().is_empty() || path.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))
}
