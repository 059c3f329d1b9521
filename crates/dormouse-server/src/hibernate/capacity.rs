//! The capacity benchmark's way into hibernation (issue #5): builds n
//! parked sessions in the real table, each with a real [`ParkedSession`]
//! (clones of one made through the session API against a real Maildir), a
//! real bus subscription through the reactor's own subscriber, a real wheel
//! timer and a real connection count, but a stand-in where the socket
//! would be, since a process capped at 20,000 descriptors cannot hold a
//! million. It then times one change's fan-out to the watchers of one
//! mailbox: the bus's `publish` (a `notify` per watcher), and the reactor's
//! handling of the keys it was handed.
//!
//! It measures user-space structures only: not the kernel's socket, epoll
//! entry or inotify watches, not waking a session, and not the reactor's
//! select loop (the keys are handled as the reactor would, without a
//! runtime driving it).

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream as StdTcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use dormouse_proto::{Response, StatusKind};
use dormouse_session::{ConnectionInfo, ParkedSession, Session, Transport};
use dormouse_storage::{Note, NoteKind, Subscription};
use tokio::time::Instant;

use super::poller::Poller;
use super::{Change, Entry, Hibernation, Parked, ParkedSocket, Slot, quick, unkey};
use crate::ServerError;
use crate::connection::{Counted, IdleClock};
use crate::listener::Shared;
use crate::session_id::SessionId;
use crate::stats::Stats;

/// Where a parked socket would be: as big as a `std::net::TcpStream`
/// (one descriptor number), with nothing for epoll to watch.
pub(crate) struct StandIn {
    _descriptor: i32,
}

const _: () = assert!(size_of::<StandIn>() == size_of::<StdTcpStream>());

impl ParkedSocket for StandIn {
    fn watch(&self, _poller: &Poller, _key: u64) -> io::Result<()> {
        Ok(())
    }

    fn forget(&self, _poller: &Poller) {}
}

/// What to build.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Parked sessions, every one in IDLE on its selected mailbox.
    pub sessions: usize,
    /// Mailboxes that several sessions watch together (the fan-out
    /// targets), by their number of watchers. Their watchers are spread
    /// evenly through the table, as sessions parked at different times
    /// are, and have ended their IDLE with a `DONE` the reactor answered
    /// from the record, so a change is noted for them rather than woken
    /// for. Every other session watches a mailbox of its own, as when
    /// each user idles on their own INBOX.
    pub shared: Vec<usize>,
}

/// Heap bytes of the built sessions, by part, as the caller's heap probe
/// counted them (totals for all sessions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    /// The table's slots and boxed entries; an entry holds the `Parked`
    /// record with its `ParkedSession` and subscription handle inline.
    pub table: usize,
    /// What the parked sessions own on the heap beyond their structs.
    pub sessions: usize,
    /// The bus: each session's subscriber, its slot in its mailbox's
    /// topic, and the topics themselves.
    pub bus: usize,
    /// The wheel's bucket vectors (their capacity).
    pub wheel: usize,
}

impl Parts {
    pub fn total(&self) -> usize {
        self.table + self.sessions + self.bus + self.wheel
    }
}

/// The inline sizes behind [`Parts::table`], in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    pub slot: usize,
    pub entry: usize,
    pub parked: usize,
    pub parked_session: usize,
    pub subscription: usize,
    pub wheel_entry: usize,
}

/// The inline sizes of the table's records (the same with a real socket:
/// the stand-in is as big as one).
pub fn sizes() -> Sizes {
    Sizes {
        slot: size_of::<Slot<StandIn>>(),
        entry: size_of::<Entry<StandIn>>(),
        parked: size_of::<Parked<StandIn>>(),
        parked_session: size_of::<ParkedSession>(),
        subscription: size_of::<Option<Subscription>>(),
        wheel_entry: size_of::<(u32, u32)>(),
    }
}

/// One change fanned out to the watchers of one mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FanOut {
    /// Subscribers the bus told.
    pub told: usize,
    /// Parked sessions the reactor marked as changed.
    pub noted: usize,
    /// `ChangeBus::publish`: one `notify` per watcher, each queueing its
    /// session's key for the reactor.
    pub bus: Duration,
    /// The reactor's share: taking the queued keys and marking each
    /// session changed in the table.
    pub reactor: Duration,
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum CapacityError {
    #[error("the table refused a stand-in session")]
    Refused,
    #[error("i/o: {0}")]
    Io(#[from] io::Error),
    #[error("configuration: {0}")]
    Config(#[from] dormouse_config::ConfigError),
    #[error(transparent)]
    Server(#[from] ServerError),
    #[error("`{command}` did not succeed: {outcome}")]
    Session {
        command: &'static str,
        outcome: String,
    },
    #[error("the shared mailboxes need {needed} watchers; the plan has {sessions} sessions")]
    Plan { needed: usize, sessions: usize },
}

/// Parked sessions in a hibernation table of their own, with the server
/// context they were made in.
pub struct Capacity {
    hibernation: Arc<Hibernation<StandIn>>,
    shared: Arc<Shared>,
    shared_dirs: Vec<PathBuf>,
    sessions: usize,
    parts: Parts,
    built_in: Duration,
    template_heap: usize,
    root_len: usize,
    /// Last: the pollers' epoll descriptors are registered with it.
    _runtime: tokio::runtime::Runtime,
}

const USER: &str = "capacity";
const PASSWORD: &str = "capacity-password";
const MESSAGE: &str = "From: a@example.org\r\nTo: capacity@example.org\r\n\
                       Subject: hello\r\nMessage-ID: <1@example.org>\r\n\r\nhello\r\n";
/// Messages in the template's INBOX.
const MESSAGES: usize = 3;

/// Builds `plan.sessions` parked sessions under `dir` (an empty directory
/// that holds the users file and the Maildir). `heap` reads the process's
/// live heap bytes (a counting allocator's figure); [`Capacity::parts`]
/// splits its growth by part.
pub fn build(dir: &Path, plan: &Plan, heap: &dyn Fn() -> usize) -> Result<Capacity, CapacityError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let _entered = runtime.enter();
    let shared = Arc::new(server_context(dir)?);
    let (template, inbox) = template_session(&shared)?;
    let mailboxes = Mailboxes::new(&inbox, plan)?;
    let hibernation = Hibernation::<StandIn>::new(shared.stats.clone())?;
    let n = plan.sessions;
    let timeouts = shared.config.timeouts.clone();
    let keepalive_secs = timeouts.idle_keepalive.as_secs().max(1);

    // Made before the first reading, so that only the parked structures
    // count; emptied but not freed until after the last.
    let mut keys = Vec::with_capacity(n);
    let mut sessions = Vec::with_capacity(n);
    let mut subscriptions = Vec::with_capacity(n);
    let started = std::time::Instant::now();
    let at_start = heap();
    keys.extend((0..n).map(|_| hibernation.reserve()));
    let reserved = heap();
    sessions.extend((0..n).map(|_| template.clone()));
    let cloned = heap();
    let bus = shared.store.bus();
    for (i, key) in keys.iter().enumerate() {
        let dir = mailboxes.dir(i);
        subscriptions.push(bus.subscribe(&dir, hibernation.subscriber(*key)));
        // As the inotify watcher would once it has looked (there is none
        // here): the reactor answers DONE only for watched mailboxes.
        bus.set_watched(&dir, true);
    }
    let subscribed = heap();
    let now = Instant::now();
    for (i, ((key, session), subscription)) in keys
        .iter()
        .zip(sessions.drain(..))
        .zip(subscriptions.drain(..))
        .enumerate()
    {
        // Sessions park at different moments, so their keepalives fall
        // in different seconds of the interval.
        let keepalive_at = now + Duration::from_secs(1 + i as u64 % keepalive_secs);
        let parked = record(i, session, &shared, now, keepalive_at);
        let subscription = Some(subscription);
        if hibernation
            .park(*key, parked, subscription, &timeouts)
            .is_err()
        {
            return Err(CapacityError::Refused);
        }
    }
    let parked = heap();
    let built_in = started.elapsed();
    let wheel = hibernation
        .wheel
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .heap_bytes();
    let parts = Parts {
        table: (reserved.saturating_sub(at_start) + parked.saturating_sub(subscribed))
            .saturating_sub(wheel),
        sessions: cloned.saturating_sub(reserved),
        bus: subscribed.saturating_sub(cloned),
        wheel,
    };
    drop((sessions, subscriptions));

    for (i, key) in keys.into_iter().enumerate() {
        if mailboxes.group(i).is_some() {
            end_idle(&hibernation, key, &timeouts)?;
        }
    }
    Ok(Capacity {
        hibernation,
        shared,
        shared_dirs: mailboxes.shared_dirs(),
        sessions: n,
        parts,
        built_in,
        template_heap: template.heap_bytes(),
        root_len: inbox.as_os_str().len(),
        _runtime: runtime,
    })
}

impl Capacity {
    /// Parked sessions in the table.
    pub fn sessions(&self) -> usize {
        self.sessions
    }

    /// Sessions the server context counts as hibernated (all of them, if
    /// the table did its accounting).
    pub fn hibernated(&self) -> usize {
        self.hibernation.stats.hibernated()
    }

    /// Connections the server context counts (one per parked session).
    pub fn connections(&self) -> usize {
        self.shared.stats.sessions()
    }

    pub fn parts(&self) -> Parts {
        self.parts
    }

    /// How long the sessions took to build (the template and the server
    /// context aside).
    pub fn built_in(&self) -> Duration {
        self.built_in
    }

    /// What the template parked session says it holds on the heap
    /// (`ParkedSession::heap_bytes`), its store root included.
    pub fn template_heap(&self) -> usize {
        self.template_heap
    }

    /// Heap bytes each login's store root would add: the clones share
    /// the template's (an `Arc<PathBuf>` and its path), where sessions of
    /// different logins each have their own.
    pub fn unshared_root_bytes(&self) -> usize {
        2 * size_of::<usize>() + size_of::<PathBuf>() + self.root_len
    }

    /// How many shared mailboxes there are (the plan's `shared`).
    pub fn shared_mailboxes(&self) -> usize {
        self.shared_dirs.len()
    }

    /// Publishes a change to shared mailbox `mailbox` (an index into the
    /// plan's `shared`) and hands the woken keys to the reactor's handling,
    /// timing each. `None` if there is no such mailbox.
    pub fn fan_out(&self, mailbox: usize) -> Option<FanOut> {
        let dir = self.shared_dirs.get(mailbox)?;
        let note = Note {
            kind: NoteKind::APPENDED,
            modseq: 1,
            uid_next: MESSAGES as u32 + 2,
        };
        let started = std::time::Instant::now();
        let told = self.shared.store.bus().publish(dir, &note);
        let bus = started.elapsed();
        let started = std::time::Instant::now();
        let mut noted = 0;
        for key in self.hibernation.take_woken() {
            if let Change::Noted = self.hibernation.note_change(key) {
                noted += 1;
            }
        }
        let reactor = started.elapsed();
        Some(FanOut {
            told,
            noted,
            bus,
            reactor,
        })
    }
}

/// What a connection in IDLE leaves in the table, with a stand-in for
/// its socket.
fn record(
    i: usize,
    session: ParkedSession,
    shared: &Arc<Shared>,
    now: Instant,
    keepalive_at: Instant,
) -> Parked<StandIn> {
    let (counted, _) = Counted::new(shared);
    Parked {
        stream: StandIn {
            _descriptor: i32::try_from(i).unwrap_or(i32::MAX),
        },
        session,
        counted,
        id: SessionId::next(),
        connected_at: now,
        idle: Some(IdleClock {
            since: now,
            keepalive_at,
        }),
        last_input: now,
        bytes_in: 0,
        bytes_out: 0,
    }
}

/// The server context of a one-user data directory under `dir`.
fn server_context(dir: &Path) -> Result<Shared, CapacityError> {
    let overrides = dormouse_config::Overrides {
        data_dir: Some(dir.to_path_buf()),
        ..Default::default()
    };
    let config = dormouse_config::parse_str("", &overrides)?;
    std::fs::write(
        &config.users_file,
        format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"),
    )?;
    Ok(Shared::new(Arc::new(config), Arc::new(Stats::default()))?)
}

/// A real session, logged in, with a few messages appended to its INBOX,
/// selected and in IDLE, then parked; and its INBOX's directory.
fn template_session(shared: &Shared) -> Result<(ParkedSession, PathBuf), CapacityError> {
    let loopback = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut session = Session::new(
        shared.session.clone(),
        shared.services.clone(),
        ConnectionInfo {
            remote: loopback(50_000),
            local: loopback(143),
            transport: Transport::Plain,
        },
    );
    let append = format!("a APPEND INBOX {{{}+}}\r\n{MESSAGE}\r\n", MESSAGE.len());
    run(
        &mut session,
        "LOGIN",
        &format!("a LOGIN {USER} {PASSWORD}\r\n"),
    )?;
    for _ in 0..MESSAGES {
        run(&mut session, "APPEND", &append)?;
    }
    run(&mut session, "SELECT", "a SELECT INBOX\r\n")?;
    run(&mut session, "IDLE", "a IDLE\r\n")?;
    let inbox = session
        .selected_dir()
        .map(Path::to_path_buf)
        .ok_or_else(|| failed("SELECT", "no mailbox selected"))?;
    let parked = session
        .park()
        .map_err(|_| failed("park", "the session may not park"))?;
    Ok((parked, inbox))
}

/// Hands `line` to the session; it must end in a tagged OK or a
/// continuation (IDLE's).
fn run(session: &mut Session, command: &'static str, line: &str) -> Result<(), CapacityError> {
    let parsed = dormouse_proto::parse::parse_command(line.as_bytes())
        .map_err(|e| failed(command, &e.to_string()))?;
    let outcome = session.handle(parsed);
    match outcome.responses.last() {
        Some(Response::Status(status)) if status.tag.is_some() && status.kind == StatusKind::Ok => {
            Ok(())
        }
        Some(Response::Continue(_)) => Ok(()),
        _ => Err(failed(command, &format!("{:?}", outcome.responses))),
    }
}

fn failed(command: &'static str, outcome: &str) -> CapacityError {
    CapacityError::Session {
        command,
        outcome: outcome.to_owned(),
    }
}

/// Ends the IDLE of the session parked under `key` as the reactor does
/// when the client sends `DONE` and nothing changed.
fn end_idle(
    hibernation: &Hibernation<StandIn>,
    key: u64,
    timeouts: &dormouse_config::TimeoutSettings,
) -> Result<(), CapacityError> {
    let (slot, generation) = unkey(key);
    let mut table = hibernation.table();
    let entry = table
        .slots
        .get_mut(slot)
        .filter(|s| s.generation == generation)
        .and_then(|s| s.entry.as_mut())
        .ok_or_else(|| failed("DONE", "no such parked session"))?;
    let now = Instant::now();
    entry.parked.last_input = now;
    quick::answer(entry, b"DONE\r\n", now, timeouts.idle_keepalive)
        .ok_or_else(|| failed("DONE", "not answered from the record"))?;
    hibernation.reschedule(entry, slot, generation, timeouts);
    Ok(())
}

/// Which mailbox each session watches. The directories are never made
/// (only the bus sees them); they sit beside the real INBOX and are named
/// like it, so their paths are about as long.
struct Mailboxes {
    base: PathBuf,
    /// Every `stride`-th session watches a shared mailbox, until they all
    /// have their watchers.
    stride: usize,
    /// Where each shared mailbox's watchers end, counted over watchers.
    ends: Vec<usize>,
}

impl Mailboxes {
    fn new(inbox: &Path, plan: &Plan) -> Result<Mailboxes, CapacityError> {
        let needed: usize = plan.shared.iter().sum();
        if needed > plan.sessions {
            return Err(CapacityError::Plan {
                needed,
                sessions: plan.sessions,
            });
        }
        let ends = plan
            .shared
            .iter()
            .scan(0, |end, watchers| {
                *end += watchers;
                Some(*end)
            })
            .collect();
        Ok(Mailboxes {
            base: inbox.parent().unwrap_or(inbox).to_path_buf(),
            stride: plan.sessions.checked_div(needed).unwrap_or(1).max(1),
            ends,
        })
    }

    /// The shared mailbox session `i` watches, if any.
    fn group(&self, i: usize) -> Option<usize> {
        if !i.is_multiple_of(self.stride) {
            return None;
        }
        let watcher = i / self.stride;
        self.ends.iter().position(|end| watcher < *end)
    }

    fn dir(&self, i: usize) -> PathBuf {
        match self.group(i) {
            Some(group) => self.shared_dir(group),
            None => self.base.join(format!("user{i:07}")),
        }
    }

    fn shared_dir(&self, group: usize) -> PathBuf {
        self.base.join(format!("shared{group:05}"))
    }

    fn shared_dirs(&self) -> Vec<PathBuf> {
        (0..self.ends.len()).map(|g| self.shared_dir(g)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_marks_exactly_the_watchers_of_its_mailbox() {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan {
            sessions: 100,
            shared: vec![1, 10],
        };
        let capacity = build(dir.path(), &plan, &|| 0).unwrap();
        assert_eq!(capacity.hibernated(), 100);
        assert_eq!(capacity.connections(), 100);
        assert_eq!(capacity.shared_mailboxes(), 2);
        for (mailbox, watchers) in [(0, 1), (1, 10), (1, 10)] {
            let run = capacity.fan_out(mailbox).unwrap();
            assert_eq!((run.told, run.noted), (watchers, watchers));
        }
        assert!(capacity.fan_out(2).is_none());
        // Every session outside the shared mailboxes is still in IDLE, so
        // a change to its mailbox would wake it.
        let mailboxes = Mailboxes::new(Path::new("/m/INBOX"), &plan).unwrap();
        let idling = (0..plan.sessions)
            .filter(|i| mailboxes.group(*i).is_none())
            .filter(|i| {
                // A fresh table gives slot i the generation i.
                let key = super::super::key(*i, *i as u32);
                matches!(capacity.hibernation.note_change(key), Change::Wake)
            })
            .count();
        assert_eq!(idling, 89);
    }

    #[test]
    fn a_plan_needs_enough_sessions_for_its_watchers() {
        let plan = Plan {
            sessions: 5,
            shared: vec![3, 3],
        };
        assert!(matches!(
            Mailboxes::new(Path::new("/m/INBOX"), &plan),
            Err(CapacityError::Plan { needed: 6, .. })
        ));
    }
}
