//! Hibernation: idle sessions parked as compact records, with no task, no
//! buffers, no parser and no mailbox view, and woken without the client
//! noticing.
//!
//! A connection that has been idle for `timeouts.hibernate_after` (in
//! IDLE, or logged in with nothing in flight) hands its socket and its
//! [`ParkedSession`] to the [`Hibernation`] table and its task ends. What
//! remains per session: the socket, the parked session (user, store,
//! ENABLEd extensions, IDLE tag, and for a selected mailbox its name and UID
//! ranges), a change-bus subscription if it is in IDLE, an epoll entry, and
//! an 8-byte place on the coarse timer wheel.
//!
//! One reactor task serves every parked session. It wakes a session when
//! its socket has input (any input: DONE, a command, garbage, a hangup),
//! when the bus says its mailbox changed, or when a keepalive could not be
//! written whole; the woken session gets a new task and carries on from
//! exactly where it stopped, so it sends what a never-parked session would
//! have sent. Keepalives and the IDLE and autologout timeouts of parked
//! sessions are served from the wheel, one tick a second, writing straight
//! to the socket.
//!
//! The table is generic over the parked socket ([`ParkedSocket`]) only so
//! that the capacity benchmark (`capacity.rs`) can park a million stand-ins
//! in the same structures; everything that reads or writes a socket is
//! written for `std::net::TcpStream` alone.

pub mod capacity;
mod in_place;
mod poller;
mod quick;
mod wheel;

use std::io::{self, Write};
use std::net::TcpStream as StdTcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use tokio::time::Instant;

use dormouse_session::ParkedSession;
use dormouse_storage::{Note, Subscriber, Subscription};
use slab::Slab;
use tokio::sync::Notify;
use tracing::{debug, info, warn};

use crate::connection::{self, Counted, IdleClock};
use crate::listener::Shared;
use crate::session_id::SessionId;
use crate::stats::Stats;
use poller::Poller;
use wheel::Wheel;

/// What the table needs of a parked socket besides holding it: epoll
/// watches it while it is parked and forgets it when it leaves.
pub(crate) trait ParkedSocket: Send + 'static {
    /// Asks `poller` to report `key` once the socket has input.
    fn watch(&self, poller: &Poller, key: u64) -> io::Result<()>;
    /// Makes `poller` forget the socket (it is leaving the table).
    fn forget(&self, poller: &Poller);
}

impl ParkedSocket for StdTcpStream {
    fn watch(&self, poller: &Poller, key: u64) -> io::Result<()> {
        poller.add(self, key)
    }

    fn forget(&self, poller: &Poller) {
        // The socket is closed or handed back to tokio next; either way
        // epoll must not report it again, and a failure leaves nothing to do.
        let _ = poller.remove(self);
    }
}

/// What a parked connection carries besides its session.
pub(crate) struct Parked<S = StdTcpStream> {
    pub(crate) stream: S,
    pub(crate) session: ParkedSession,
    pub(crate) counted: Counted,
    pub(crate) id: SessionId,
    pub(crate) connected_at: Instant,
    /// The IDLE clock, if the session is in IDLE.
    pub(crate) idle: Option<IdleClock>,
    /// When the client last sent anything (autologout counts from here).
    pub(crate) last_input: Instant,
    pub(crate) bytes_in: u64,
    pub(crate) bytes_out: u64,
}

/// A parked session as the table holds it.
struct Entry<S> {
    parked: Parked<S>,
    /// Present if the session parked in IDLE: the mailbox's changes wake
    /// it while it idles, and are noted (`changed`) once the reactor has
    /// ended its IDLE.
    subscription: Option<Subscription>,
    /// The mailbox changed while the session was parked outside IDLE: its
    /// next command must wake it.
    changed: bool,
    /// The wheel bucket of the session's live timer; entries in other
    /// buckets are stale.
    timer_at: wheel::Secs,
}

struct Slot<S> {
    generation: u32,
    /// `None` while the slot is reserved for a session being parked.
    entry: Option<Box<Entry<S>>>,
    /// The bus reported a change while the slot was only reserved (the
    /// session must not park on a view that is now behind), or while its
    /// entry was out for an in-place sync (it must sync again).
    dirty: bool,
    /// The entry is out for an in-place sync (`in_place.rs`).
    busy: bool,
    /// Input arrived while the entry was out: handle it once it is back.
    input_pending: bool,
}

/// Why a parked session is being woken.
pub(crate) enum Reason {
    /// The socket had input: these bytes, already read from it.
    Input(Vec<u8>),
    /// The selected mailbox changed.
    Changed,
    /// A keepalive could not be written whole: the rest goes out first.
    Output(Vec<u8>),
}

/// Every parked session of the process, and what wakes them.
pub(crate) struct Hibernation<S = StdTcpStream> {
    poller: Poller,
    table: Mutex<Table<S>>,
    wheel: Mutex<Wheel>,
    /// Slots whose mailbox changed, pushed by the bus, drained by the
    /// reactor.
    woken: Mutex<Vec<u64>>,
    bell: Notify,
    stats: Arc<Stats>,
    /// Sessions parked since the allocator was last asked to return free
    /// memory (see `trim`).
    parked_since_trim: AtomicUsize,
    /// Parks counted by `trim_due` but not trimmed after yet.
    trim_pending: AtomicUsize,
}

struct Table<S> {
    slots: Slab<Slot<S>>,
    next_generation: u32,
}

impl<S> Table<S> {
    /// The slot `key` names, if it still holds that generation.
    fn slot(&mut self, key: u64) -> Option<&mut Slot<S>> {
        let (slot, generation) = unkey(key);
        self.slots
            .get_mut(slot)
            .filter(|s| s.generation == generation)
    }
}

/// The bus subscriber of one parked IDLE session.
struct ParkedWake<S> {
    hibernation: Weak<Hibernation<S>>,
    key: u64,
}

impl<S: ParkedSocket> Subscriber for ParkedWake<S> {
    fn notify(&self, _note: &Note) {
        if let Some(h) = self.hibernation.upgrade() {
            h.woken
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(self.key);
            h.bell.notify_one();
        }
    }
}

fn key(slot: usize, generation: u32) -> u64 {
    (u64::from(generation) << 32) | (slot as u64 & 0xffff_ffff)
}

fn unkey(key: u64) -> (usize, u32) {
    ((key & 0xffff_ffff) as usize, (key >> 32) as u32)
}

/// What a change to its mailbox asks for a parked session.
enum Change {
    /// Noted for the session's next command.
    Noted,
    /// The session is idling (or already gone): it must wake to report it.
    Wake,
}

impl<S: ParkedSocket> Hibernation<S> {
    /// Needs a tokio runtime with I/O enabled.
    pub(crate) fn new(stats: Arc<Stats>) -> io::Result<Arc<Hibernation<S>>> {
        Ok(Arc::new(Hibernation {
            poller: Poller::new()?,
            table: Mutex::new(Table {
                slots: Slab::new(),
                next_generation: 0,
            }),
            wheel: Mutex::new(Wheel::new(Instant::now())),
            woken: Mutex::new(Vec::new()),
            bell: Notify::new(),
            stats,
            parked_since_trim: AtomicUsize::new(0),
            trim_pending: AtomicUsize::new(0),
        }))
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table<S>> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves a slot; its key is what the bus subscriber and the poller
    /// report.
    pub(crate) fn reserve(&self) -> u64 {
        let mut table = self.table();
        let generation = table.next_generation;
        table.next_generation = generation.wrapping_add(1);
        let slot = table.slots.insert(Slot {
            generation,
            entry: None,
            dirty: false,
            busy: false,
            input_pending: false,
        });
        key(slot, generation)
    }

    /// Gives a reserved slot back (parking was abandoned).
    pub(crate) fn release(&self, key: u64) {
        let (slot, generation) = unkey(key);
        let mut table = self.table();
        if table
            .slots
            .get(slot)
            .is_some_and(|s| s.generation == generation && s.entry.is_none())
        {
            table.slots.remove(slot);
        }
    }

    /// A bus subscriber that wakes the session parked under `key`.
    pub(crate) fn subscriber(self: &Arc<Self>, key: u64) -> Arc<dyn Subscriber> {
        Arc::new(ParkedWake {
            hibernation: Arc::downgrade(self),
            key,
        })
    }

    /// Parks `parked` in its reserved slot. When the mailbox changed since
    /// the slot was reserved, the session is parked all the same and its
    /// change handled at once. When epoll refuses the socket (its watch
    /// limit), the slot is freed and the session handed back: it must be
    /// resumed, since nothing could ever report its input.
    pub(crate) fn park(
        &self,
        key: u64,
        parked: Parked<S>,
        subscription: Option<Subscription>,
        config: &dormouse_config::TimeoutSettings,
    ) -> Result<(), Box<Parked<S>>> {
        let (slot, generation) = unkey(key);
        let deadline = next_deadline(&parked, config);
        let wake_now = {
            let mut table = self.table();
            let Some(s) = table.slot(key) else {
                // Cannot happen: only `park` fills or frees a reserved slot.
                warn!(session = %parked.id, "parking into a lost slot");
                return Err(Box::new(parked));
            };
            // Registered under the table lock: a report that comes at once
            // waits for the lock and then finds the entry.
            if let Err(e) = parked.stream.watch(&self.poller, key) {
                warn!(error = %e, "cannot watch a parked socket; keeping it awake");
                table.slots.remove(slot);
                return Err(Box::new(parked));
            }
            let wake_now = s.dirty;
            let mut wheel = self.wheel.lock().unwrap_or_else(PoisonError::into_inner);
            let timer_at = wheel.secs(deadline);
            wheel.insert(timer_at, slot as u32, generation);
            s.entry = Some(Box::new(Entry {
                parked,
                subscription,
                changed: false,
                timer_at,
            }));
            wake_now
        };
        self.stats.hibernated.fetch_add(1, Ordering::Relaxed);
        self.parked_since_trim.fetch_add(1, Ordering::Relaxed);
        if wake_now {
            self.woken
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(key);
            self.bell.notify_one();
        }
        Ok(())
    }

    /// Takes the session parked under `key` out of the table, if it is
    /// still there (a late report for a session already woken is ignored).
    fn take(&self, key: u64) -> Option<Parked<S>> {
        let (slot, generation) = unkey(key);
        let entry = {
            let mut table = self.table();
            match table.slots.get_mut(slot) {
                Some(s) if s.generation == generation && s.entry.is_some() => {}
                Some(s) if s.generation == generation => {
                    // Reserved, not parked yet: `park` will see this.
                    s.dirty = true;
                    return None;
                }
                _ => return None,
            }
            table.slots.remove(slot).entry?
        };
        self.stats.hibernated.fetch_sub(1, Ordering::Relaxed);
        let Entry { parked, .. } = *entry;
        // The subscription is dropped with the entry; the socket goes back
        // to tokio, so epoll must forget it.
        parked.stream.forget(&self.poller);
        Some(parked)
    }

    /// The keys the bus reported since the last call.
    fn take_woken(&self) -> Vec<u64> {
        std::mem::take(&mut *self.woken.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The mailbox of the session parked under `key` changed: one the
    /// reactor took out of IDLE notes it for its next command; an idling
    /// one must wake to report it.
    fn note_change(&self, key: u64) -> Change {
        let mut table = self.table();
        match table.slot(key).and_then(|s| s.entry.as_mut()) {
            Some(entry) if !entry.parked.session.is_idling() => {
                entry.changed = true;
                Change::Noted
            }
            _ => Change::Wake,
        }
    }

    /// Puts the entry's next deadline on the wheel if it is earlier than
    /// its live timer.
    fn reschedule(
        &self,
        entry: &mut Entry<S>,
        slot: usize,
        generation: u32,
        timeouts: &dormouse_config::TimeoutSettings,
    ) {
        let deadline = next_deadline(&entry.parked, timeouts);
        let mut wheel = self.wheel.lock().unwrap_or_else(PoisonError::into_inner);
        let at = wheel.secs(deadline);
        // A later deadline waits for the live timer, which re-checks when
        // it fires; inserting every change would let a client grow the
        // wheel with each DONE/IDLE round trip.
        if at < entry.timer_at {
            wheel.insert(at, slot as u32, generation);
            entry.timer_at = at;
        }
    }
}

/// What only a real socket can do: be read, be written, and go back to a
/// connection task.
impl Hibernation<StdTcpStream> {
    /// Ends the session parked under `key`: `bye` (if any) is written as
    /// a last word, the socket closed, the disconnect logged.
    fn close(&self, key: u64, bye: &[u8], reason: &str) {
        if let Some(mut parked) = self.take(key) {
            if !bye.is_empty() {
                let _ = parked.stream.write(bye);
            }
            connection::log_disconnect(
                parked.id,
                parked.connected_at,
                parked.bytes_in,
                parked.bytes_out + bye.len() as u64,
                reason,
            );
        }
    }

    /// Wakes the session parked under `key` on a new task.
    fn wake(&self, key: u64, reason: Reason, shared: &Arc<Shared>) {
        if let Some(parked) = self.take(key) {
            debug!(session = %parked.id, "waking");
            let resume = connection::resume(parked, reason, shared.clone());
            dormouse_alloc::short_lived(|| shared.tracker.spawn(resume));
        }
    }

    /// A parked socket has input: answered from the record when it can be
    /// (see `quick.rs`), else the session wakes with what was read.
    fn on_input(&self, key: u64, shared: &Arc<Shared>) {
        let (slot, generation) = unkey(key);
        let now = Instant::now();
        let timeouts = &shared.config.timeouts;
        let outcome = {
            let mut table = self.table();
            let Some(s) = table.slot(key) else {
                return;
            };
            if s.busy {
                s.input_pending = true;
                return;
            }
            let Some(entry) = s.entry.as_mut() else {
                return;
            };
            let outcome = quick::input(entry, now, timeouts.idle_keepalive);
            if let quick::Input::Answered | quick::Input::Nothing = outcome {
                // One-shot: watch the socket again for the next input.
                if let Err(e) = self.poller.rearm(&entry.parked.stream, key) {
                    warn!(error = %e, "cannot re-watch a parked socket; waking it");
                    drop(table);
                    self.wake(key, Reason::Input(Vec::new()), shared);
                    return;
                }
                self.reschedule(entry, slot, generation, timeouts);
            }
            outcome
        };
        match outcome {
            quick::Input::Answered | quick::Input::Nothing => {}
            quick::Input::Closed(reason) => self.close(key, b"", reason),
            quick::Input::Wake(read) => self.wake(key, Reason::Input(read), shared),
            quick::Input::WakeToWrite(rest) => self.wake(key, Reason::Output(rest), shared),
        }
    }

    /// Serves the timers that are due: keepalives written straight to the
    /// socket, IDLE timeouts and autologouts.
    fn tick(&self, shared: &Arc<Shared>) {
        let now = Instant::now();
        let due = self
            .wheel
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .due(now);
        let timeouts = &shared.config.timeouts;
        for (fired, slot, generation) in due {
            let key = key(slot as usize, generation);
            let action = {
                let mut table = self.table();
                let Some(s) = table.slot(key) else {
                    continue;
                };
                if s.busy {
                    // Out for an in-place sync; `give_back` sets a new
                    // timer when it returns.
                    continue;
                }
                let Some(entry) = s.entry.as_mut().filter(|e| e.timer_at == fired) else {
                    continue;
                };
                let action = timer_action(&mut entry.parked, now, timeouts);
                if let TimerAction::Wait(at) = action {
                    let mut wheel = self.wheel.lock().unwrap_or_else(PoisonError::into_inner);
                    let at = wheel.secs(at);
                    wheel.insert(at, slot, generation);
                    entry.timer_at = at;
                }
                action
            };
            match action {
                TimerAction::Wait(_) => {}
                TimerAction::WakeWith(rest) => self.wake(key, Reason::Output(rest), shared),
                TimerAction::Close(bye, reason) => self.close(key, bye, reason),
                TimerAction::Gone => self.close(key, b"", "io error"),
            }
        }
    }

    /// Whether the memory freed by sessions parked since the last trim is
    /// worth handing back: 256 of them, or any once they have stopped
    /// coming for a few ticks (an idle allocator never gets round to it by
    /// itself). `quiet_ticks` counts ticks without a new park.
    fn trim_due(&self, quiet_ticks: &mut u32) -> bool {
        const EVERY: usize = 256;
        const QUIET: u32 = 3;
        let parked = self.parked_since_trim.swap(0, Ordering::Relaxed);
        let pending = self.trim_pending.load(Ordering::Relaxed) + parked;
        if parked == 0 {
            *quiet_ticks = quiet_ticks.saturating_add(1);
        } else {
            *quiet_ticks = 0;
        }
        if pending >= EVERY || (pending > 0 && *quiet_ticks >= QUIET) {
            self.trim_pending.store(0, Ordering::Relaxed);
            true
        } else {
            self.trim_pending.store(pending, Ordering::Relaxed);
            false
        }
    }

    /// Says BYE to every parked session and closes them (server shutdown).
    fn shut_down(&self) {
        let entries: Vec<Box<Entry<StdTcpStream>>> = {
            let mut table = self.table();
            let slots = std::mem::take(&mut table.slots);
            slots.into_iter().filter_map(|(_, s)| s.entry).collect()
        };
        for entry in entries {
            let Entry { mut parked, .. } = *entry;
            self.stats.hibernated.fetch_sub(1, Ordering::Relaxed);
            let bye = b"* BYE Server shutting down\r\n";
            let _ = parked.stream.write(bye);
            parked.stream.forget(&self.poller);
            connection::log_disconnect(
                parked.id,
                parked.connected_at,
                parked.bytes_in,
                parked.bytes_out + bye.len() as u64,
                "shutdown",
            );
        }
    }
}

/// What a due timer means for one parked session.
enum TimerAction {
    /// Nothing due yet (or a keepalive went out): look again then.
    Wait(Instant),
    /// A keepalive went out only in part: wake with the rest.
    WakeWith(Vec<u8>),
    /// A timeout: send this BYE and close.
    Close(&'static [u8], &'static str),
    /// The client is gone (the write failed).
    Gone,
}

const KEEPALIVE: &[u8] = b"* OK Still here\r\n";

/// `responses` as the parked session's client must read them (UTF8=ACCEPT
/// if it enabled it).
pub(super) fn encode(session: &ParkedSession, responses: &[dormouse_proto::Response]) -> Vec<u8> {
    use dormouse_proto::encode::{EncodeOptions, Utf8Mode, encode_response};
    let utf8 = if session.utf8_accept() {
        Utf8Mode::Accept
    } else {
        Utf8Mode::Ascii
    };
    let mut out = Vec::new();
    for response in responses {
        encode_response(response, EncodeOptions { utf8 }, &mut out);
    }
    out
}

/// How much of a parked session's output its socket took.
pub(super) enum Written {
    All,
    /// The socket is full: this much is left for the woken session.
    Part(Vec<u8>),
    /// The client is gone.
    Failed,
}

/// Writes `bytes` to a parked session's socket without waiting, counting
/// what went out.
pub(super) fn write_out(parked: &mut Parked, bytes: &[u8]) -> Written {
    match (&parked.stream).write(bytes) {
        Ok(n) => {
            parked.bytes_out += n as u64;
            match bytes.get(n..) {
                Some(rest) if !rest.is_empty() => Written::Part(rest.to_vec()),
                _ => Written::All,
            }
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Written::Part(bytes.to_vec()),
        Err(_) => Written::Failed,
    }
}

fn timer_action(
    parked: &mut Parked,
    now: Instant,
    timeouts: &dormouse_config::TimeoutSettings,
) -> TimerAction {
    match parked.idle {
        Some(mut clock) => {
            if now >= clock.since + timeouts.idle_timeout {
                return TimerAction::Close(connection::IDLE_BYE, "timeout");
            }
            if now >= clock.keepalive_at {
                clock.keepalive_at = now + timeouts.idle_keepalive;
                parked.idle = Some(clock);
                match write_out(parked, KEEPALIVE) {
                    Written::All => {}
                    Written::Part(rest) => return TimerAction::WakeWith(rest),
                    Written::Failed => return TimerAction::Gone,
                }
            }
            TimerAction::Wait(clock.keepalive_at.min(clock.since + timeouts.idle_timeout))
        }
        None => {
            let at = parked.last_input + timeouts.autologout;
            if now >= at {
                TimerAction::Close(connection::AUTOLOGOUT_BYE, "timeout")
            } else {
                TimerAction::Wait(at)
            }
        }
    }
}

fn next_deadline<S>(parked: &Parked<S>, timeouts: &dormouse_config::TimeoutSettings) -> Instant {
    match &parked.idle {
        Some(clock) => clock.keepalive_at.min(clock.since + timeouts.idle_timeout),
        None => parked.last_input + timeouts.autologout,
    }
}

/// Runs the reactor until shutdown: input on parked sockets, bus
/// notifications, timer ticks. Logs the active/hibernated counts once a
/// minute.
pub(crate) async fn reactor(hibernation: Arc<Hibernation>, shared: Arc<Shared>) {
    let mut ready = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut quiet_ticks = 0u32;
    let mut minute = tokio::time::interval(Duration::from_secs(60));
    minute.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // Not biased: under a flood of input the bus's notes and the timers
        // still get their turns.
        tokio::select! {
            _ = shared.shutdown.cancelled() => {
                hibernation.shut_down();
                return;
            }
            result = hibernation.poller.ready(&mut ready) => {
                if let Err(e) = result {
                    warn!(error = %e, "epoll failed; parked sessions wake only on changes and timers");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                // Notes first: a change committed before this input arrived
                // must reach the client before any reply to it, as a
                // never-parked session's sync would put it there.
                let noted = hibernation.take_woken();
                if !noted.is_empty() {
                    hibernation.sync_idlers(noted, &shared);
                }
                // A quick answer keeps a new IDLE tag and wheel entry.
                dormouse_alloc::long_lived(|| {
                    for key in ready.drain(..) {
                        hibernation.on_input(key, &shared);
                    }
                });
            }
            _ = hibernation.bell.notified() => {
                let keys = hibernation.take_woken();
                hibernation.sync_idlers(keys, &shared);
            }
            _ = tick.tick() => {
                // Wheel buckets outlive the tick.
                dormouse_alloc::long_lived(|| hibernation.tick(&shared));
                if hibernation.trim_due(&mut quiet_ticks) {
                    // Sweeping and trimming walk big structures: not on the
                    // thread that answers parked sessions.
                    let store = shared.store.clone();
                    tokio::task::spawn_blocking(move || trim(&store));
                }
            }
            _ = minute.tick() => {
                let stats = &shared.stats;
                info!(active = stats.active(), hibernated = stats.hibernated(), "sessions");
            }
        }
    }
}

/// Hands memory that parked sessions freed back to the kernel: the
/// store's dead mailbox slots, then the allocator's free pages. glibc and
/// jemalloc both keep freed memory, so without this a mass of sessions
/// going to sleep would free their buffers and views without the process
/// getting any smaller. Blocking.
fn trim(store: &dormouse_storage::Store) {
    store.sweep();
    // The binary's allocator purges its arenas; under glibc's malloc
    // (tests, embedders) malloc_trim does the same.
    if dormouse_alloc::release() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and only releases free memory;
    // it is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
