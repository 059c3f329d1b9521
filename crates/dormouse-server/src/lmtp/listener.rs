//! LMTP listeners: a TCP socket, or a UNIX socket created mode 0666 so an
//! MTA running as another user (Postfix's `postfix`) can connect with no
//! setup; who may connect is then decided by the directory it lives in.
//! A socket file left by a crashed server is replaced, one a running
//! server still answers on is not, and a file that is not a socket is
//! never touched. The accept loop hands each connection to `connection`.

use std::fmt;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dormouse_config::ListenAddr;
use tokio::net::{TcpListener, UnixListener};
use tokio_util::task::TaskTracker;
use tracing::warn;

use crate::listener::Shared;
use crate::lmtp::connection::{self, Peer};

/// Everyone may connect; restrict access with the directory's mode.
const SOCKET_MODE: u32 = 0o666;

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error("cannot listen on {addr}: {source}")]
    Tcp {
        addr: std::net::SocketAddr,
        source: io::Error,
    },
    #[error("{} is in use: another server is listening on it", path.display())]
    InUse { path: PathBuf },
    #[error("{} exists and is not a socket; not replacing it", path.display())]
    NotASocket { path: PathBuf },
    #[error("cannot create UNIX socket {}: {source}", path.display())]
    Unix { path: PathBuf, source: io::Error },
}

/// A bound LMTP listener.
pub enum LmtpListener {
    Tcp(TcpListener),
    Unix(UnixSocket),
}

/// A UNIX listener that removes its socket file when dropped, if the file
/// is still the one it created.
pub struct UnixSocket {
    listener: UnixListener,
    path: PathBuf,
    /// Device and inode of the socket file as created.
    id: (u64, u64),
}

impl LmtpListener {
    /// Binds `addr`. Needs a tokio runtime (the sockets register with it).
    pub async fn bind(addr: &ListenAddr) -> Result<LmtpListener, BindError> {
        match addr {
            ListenAddr::Tcp(addr) => {
                crate::bind::bind_tcp(*addr)
                    .map(LmtpListener::Tcp)
                    .map_err(|source| BindError::Tcp {
                        addr: *addr,
                        source,
                    })
            }
            ListenAddr::Unix(path) => LmtpListener::bind_unix(path),
        }
    }

    pub fn bind_unix(path: &Path) -> Result<LmtpListener, BindError> {
        let err = |source| BindError::Unix {
            path: path.to_path_buf(),
            source,
        };
        remove_stale(path)?;
        let listener = UnixListener::bind(path).map_err(err)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(SOCKET_MODE))
            .map_err(err)?;
        let meta = std::fs::symlink_metadata(path).map_err(err)?;
        Ok(LmtpListener::Unix(UnixSocket {
            listener,
            path: path.to_path_buf(),
            id: (meta.dev(), meta.ino()),
        }))
    }

    /// The bound address (for TCP with port 0, the port chosen).
    pub fn local_addr(&self) -> io::Result<ListenAddr> {
        match self {
            LmtpListener::Tcp(l) => l.local_addr().map(ListenAddr::Tcp),
            LmtpListener::Unix(u) => Ok(ListenAddr::Unix(u.path.clone())),
        }
    }
}

impl fmt::Debug for LmtpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.local_addr() {
            Ok(addr) => write!(f, "LmtpListener({addr})"),
            Err(_) => f.write_str("LmtpListener(?)"),
        }
    }
}

impl Drop for UnixSocket {
    fn drop(&mut self) {
        let ours =
            std::fs::symlink_metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) == self.id);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Clears the way for binding `path`: nothing there, or a socket nobody
/// answers on (removed). Connecting is the only way to tell a crashed
/// server's leftover from a live one.
fn remove_stale(path: &Path) -> Result<(), BindError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(BindError::Unix {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if !meta.file_type().is_socket() {
        return Err(BindError::NotASocket {
            path: path.to_path_buf(),
        });
    }
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => Err(BindError::InUse {
            path: path.to_path_buf(),
        }),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => std::fs::remove_file(path)
            .map_err(|source| BindError::Unix {
                path: path.to_path_buf(),
                source,
            }),
        Err(source) => Err(BindError::Unix {
            path: path.to_path_buf(),
            source,
        }),
    }
}

pub(crate) async fn accept_loop(listener: LmtpListener, shared: Arc<Shared>, tracker: TaskTracker) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = shared.shutdown.cancelled() => return,
            accepted = accept(&listener) => accepted,
        };
        match accepted {
            Ok(Accepted::Tcp(stream, remote)) => {
                // Replies are small and the MTA waits for each group of
                // them: do not let Nagle hold them back.
                let _ = stream.set_nodelay(true);
                tracker.spawn(connection::serve(stream, Peer::Tcp(remote), shared.clone()));
            }
            Ok(Accepted::Unix(stream)) => {
                tracker.spawn(connection::serve(stream, Peer::Unix, shared.clone()));
            }
            Err(e) => {
                // EMFILE and friends: back off rather than spin.
                warn!(error = %e, "lmtp accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

enum Accepted {
    Tcp(tokio::net::TcpStream, std::net::SocketAddr),
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &LmtpListener) -> io::Result<Accepted> {
    match listener {
        LmtpListener::Tcp(l) => l.accept().await.map(|(s, a)| Accepted::Tcp(s, a)),
        LmtpListener::Unix(u) => u.listener.accept().await.map(|(s, _)| Accepted::Unix(s)),
    }
}
