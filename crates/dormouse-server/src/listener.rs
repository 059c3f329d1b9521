//! The library entry point `run`: accept loops for the given listeners, the
//! shared per-process context, and graceful shutdown (every client gets
//! `* BYE`, then the server waits up to `shutdown_grace` for them to go).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dormouse_auth::{AuthOptions, UserDb};
use dormouse_config::Config;
use dormouse_proto::parse::Limits;
use dormouse_session::{PlaintextAuth, Services, SessionConfig};
use dormouse_storage::{Store, StoreSettings};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::ServerError;
use crate::auth::PasswdAuthenticator;
use crate::connection::{self, Hibernate};
use crate::hibernate::Hibernation;
use crate::lmtp::{self, LmtpListener};
use crate::mail::MaildirAccess;
use crate::stats::Stats;

/// The sockets the server accepts on, bound by the caller (tests bind
/// port 0; the binary binds the configured addresses).
#[derive(Default)]
pub struct Listeners {
    pub imap: Vec<TcpListener>,
    /// IMAP listeners whose sessions never hibernate: for tests and
    /// benchmarks that compare a parked session with a never-parked one.
    pub imap_awake: Vec<TcpListener>,
    /// LMTP delivery, on TCP or a UNIX socket.
    pub lmtp: Vec<LmtpListener>,
}

/// What every connection task shares.
pub(crate) struct Shared {
    pub config: Arc<Config>,
    /// Session settings, the same for every connection: the session
    /// itself allows plaintext authentication from loopback and on TLS.
    pub session: Arc<SessionConfig>,
    pub services: Services,
    pub limits: Limits,
    pub shutdown: CancellationToken,
    pub connections: AtomicUsize,
    /// The one store of the process (its change bus included).
    pub store: Store,
    pub stats: Arc<Stats>,
    /// Parked sessions; `None` if epoll was unavailable (nothing parks).
    pub hibernation: Option<Arc<Hibernation>>,
    /// The passwd-file, for LMTP's recipient lookups (logins go through
    /// `services.auth`, which holds the same database).
    pub users: Arc<UserDb>,
    /// Every connection task, resumed ones included, so that shutdown
    /// waits for them all.
    pub tracker: TaskTracker,
}

impl Shared {
    /// Opens the user database and makes the one store of the process.
    /// Needs a tokio runtime with I/O enabled (for the hibernation's epoll).
    pub(crate) fn new(config: Arc<Config>, stats: Arc<Stats>) -> Result<Shared, ServerError> {
        let users = Arc::new(UserDb::open(
            config.users_file.clone(),
            AuthOptions {
                cache_ttl: config.auth.cache_ttl,
                failure_delay: config.auth.failure_delay,
                max_failure_delay: config.auth.max_failure_delay,
            },
        )?);
        // One store for the whole process: IMAP sessions, deliveries and the
        // file-system watcher must share its mailboxes and its change bus.
        let store = Store::new(StoreSettings {
            separator: config.hierarchy_separator,
            ..StoreSettings::default()
        });
        Ok(Shared {
            session: Arc::new(session_config(&config)),
            services: Services {
                auth: Arc::new(PasswdAuthenticator(users.clone())),
                mail: Arc::new(MaildirAccess {
                    store: store.clone(),
                    location: config.mail_location.clone(),
                }),
            },
            limits: Limits {
                max_line: config.limits.max_line_length,
                max_literal: config.limits.max_literal,
                max_append_literal: config.limits.max_append_size,
                max_depth: config.limits.max_nesting,
            },
            shutdown: CancellationToken::new(),
            connections: AtomicUsize::new(0),
            users,
            tracker: TaskTracker::new(),
            store,
            hibernation: match Hibernation::new(stats.clone()) {
                Ok(h) => Some(h),
                Err(e) => {
                    warn!(error = %e, "epoll unavailable; sessions will not hibernate");
                    None
                }
            },
            stats,
            config,
        })
    }
}

/// Runs until `shutdown` completes, then says BYE to every client and
/// returns once they are gone or `shutdown_grace` has passed.
pub async fn run(
    listeners: Listeners,
    config: Arc<Config>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServerError> {
    run_with_stats(listeners, config, shutdown, Arc::new(Stats::default())).await
}

/// [`run`], with the live session counts kept in `stats`.
pub async fn run_with_stats(
    listeners: Listeners,
    config: Arc<Config>,
    shutdown: impl Future<Output = ()>,
    stats: Arc<Stats>,
) -> Result<(), ServerError> {
    let shared = Arc::new(Shared::new(config, stats)?);
    let tracker = shared.tracker.clone();
    crate::fswatch::start(shared.store.clone(), shared.shutdown.clone(), &tracker);
    if let Some(hibernation) = &shared.hibernation {
        tracker.spawn(crate::hibernate::reactor(
            hibernation.clone(),
            shared.clone(),
        ));
    }
    for listener in listeners.imap {
        tracker.spawn(accept_loop(
            listener,
            shared.clone(),
            tracker.clone(),
            Hibernate::Allowed,
        ));
    }
    for listener in listeners.imap_awake {
        tracker.spawn(accept_loop(
            listener,
            shared.clone(),
            tracker.clone(),
            Hibernate::Never,
        ));
    }
    for listener in listeners.lmtp {
        tracker.spawn(lmtp::accept_loop(listener, shared.clone(), tracker.clone()));
    }
    shutdown.await;
    info!(
        connections = shared.connections.load(Ordering::Relaxed),
        "shutting down"
    );
    shared.shutdown.cancel();
    tracker.close();
    if tokio::time::timeout(shared.config.shutdown_grace, tracker.wait())
        .await
        .is_err()
    {
        warn!(
            connections = shared.connections.load(Ordering::Relaxed),
            "shutdown grace period over; connections still open end with the runtime"
        );
    }
    Ok(())
}

fn session_config(config: &Config) -> SessionConfig {
    SessionConfig {
        plaintext_auth: if config.auth.allow_plaintext_auth {
            PlaintextAuth::Allowed
        } else {
            PlaintextAuth::Disallowed
        },
        hierarchy_separator: config.hierarchy_separator,
        server_name: "dormouse".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..SessionConfig::default()
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    tracker: TaskTracker,
    hibernate: Hibernate,
) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = shared.shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, remote)) => {
                tracker.spawn(connection::serve(stream, remote, shared.clone(), hibernate));
            }
            Err(e) => {
                // EMFILE/ENFILE and friends: back off instead of spinning on
                // a listener that stays readable.
                warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}
