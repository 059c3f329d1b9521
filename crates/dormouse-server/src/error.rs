//! Errors that stop the server as a whole (not one connection: those are
//! logged and end only that connection).

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot prepare data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open users file: {0}")]
    Users(#[from] dormouse_auth::AuthError),
    #[error("listener failed: {0}")]
    Listener(std::io::Error),
}
