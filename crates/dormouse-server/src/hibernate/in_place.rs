//! Changes reported to parked IDLE sessions without waking them: each
//! session's view is rebuilt for the moment on a blocking thread, synced,
//! its updates (`* N EXISTS`, FETCH, EXPUNGE or VANISHED, exactly what a
//! never-parked session would send) written straight to its socket, and
//! the session parked again, caught up. Sessions woken by one change travel
//! in one batch (a delivery to a mailbox with 10,000 idlers is one job per
//! few hundred sessions, not 10,000 tasks). While a session is out of the
//! table for this, its slot is marked busy: input and further changes that
//! arrive meanwhile are remembered and handled once it is back.

use std::net::TcpStream as StdTcpStream;
use std::sync::{Arc, PoisonError};

use tracing::debug;

use super::{Entry, Hibernation, Reason, next_deadline, unkey};
use crate::listener::Shared;

/// Sessions synced by one blocking job; several jobs run side by side.
const BATCH: usize = 256;

/// How one session's sync went.
enum Done {
    /// Everything was written; it stays parked.
    Written,
    /// Only part was written: wake to write the rest.
    Rest(Vec<u8>),
    /// The client is gone.
    Closed,
    /// The sync failed (the mailbox went away): wake, and let the
    /// ordinary code say so.
    Failed,
}

type Busy = (u64, Box<Entry<StdTcpStream>>);

impl Hibernation<StdTcpStream> {
    /// Takes the idling session under `key` out of its slot for an
    /// in-place sync; `None` if it is not there, not idling, or has no
    /// mailbox (then the caller wakes it the ordinary way).
    fn lend(&self, key: u64) -> Option<Box<Entry<StdTcpStream>>> {
        let mut table = self.table();
        let s = table.slot(key)?;
        let suitable = s
            .entry
            .as_ref()
            .is_some_and(|e| e.parked.session.is_idling() && e.parked.session.is_selected());
        if !suitable {
            return None;
        }
        s.busy = true;
        s.entry.take()
    }

    /// Reports the changes to every idling session in `keys`; sessions it
    /// cannot serve in place are woken.
    pub(super) fn sync_idlers(self: &Arc<Self>, mut keys: Vec<u64>, shared: &Arc<Shared>) {
        // Several changes to one mailbox before the reactor looked: one sync.
        keys.sort_unstable();
        keys.dedup();
        let mut lent: Vec<Busy> = Vec::new();
        for key in keys {
            match self.note_change(key) {
                super::Change::Noted => {}
                super::Change::Wake => match self.lend(key) {
                    Some(entry) => lent.push((key, entry)),
                    None => self.wake(key, Reason::Changed, shared),
                },
            }
        }
        while !lent.is_empty() {
            let batch: Vec<Busy> = lent.drain(..lent.len().min(BATCH)).collect();
            let hibernation = self.clone();
            let tracker = shared.tracker.clone();
            let shared = shared.clone();
            tracker.spawn(async move {
                let done = tokio::task::spawn_blocking(move || sync_batch(batch)).await;
                match done {
                    Ok(done) => hibernation.give_back(done, &shared),
                    // The batch's sessions are lost with the job; their
                    // slots stay busy and are never reported again.
                    Err(e) => tracing::warn!(error = %e, "in-place sync failed"),
                }
            });
        }
    }

    /// Puts synced sessions back and deals with what happened meanwhile.
    fn give_back(
        self: &Arc<Self>,
        done: Vec<(u64, Box<Entry<StdTcpStream>>, Done)>,
        shared: &Arc<Shared>,
    ) {
        let mut again = Vec::new();
        for (key, entry, outcome) in done {
            let (slot, generation) = unkey(key);
            let (changed, input) = {
                let mut table = self.table();
                let Some(s) = table.slot(key).filter(|s| s.busy) else {
                    continue;
                };
                s.busy = false;
                let changed = std::mem::take(&mut s.dirty);
                // A change that came meanwhile goes out before any reply
                // to input that came meanwhile: sync again first, and keep
                // the input for after.
                let input = if changed {
                    false
                } else {
                    std::mem::take(&mut s.input_pending)
                };
                let mut entry = entry;
                // The timer that fell due while it was out was skipped.
                let deadline = next_deadline(&entry.parked, &shared.config.timeouts);
                {
                    let mut wheel = self.wheel.lock().unwrap_or_else(PoisonError::into_inner);
                    let at = wheel.secs(deadline);
                    wheel.insert(at, slot as u32, generation);
                    entry.timer_at = at;
                }
                s.entry = Some(entry);
                (changed, input)
            };
            match outcome {
                Done::Written => {
                    if changed {
                        again.push(key);
                    }
                    if input {
                        self.on_input(key, shared);
                    }
                }
                Done::Rest(rest) => self.wake(key, Reason::Output(rest), shared),
                Done::Failed => self.wake(key, Reason::Changed, shared),
                Done::Closed => self.close(key, b"", "io error"),
            }
        }
        if !again.is_empty() {
            self.woken
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(again);
            self.bell.notify_one();
        }
    }
}

/// Blocking: syncs, encodes and writes each session's updates.
fn sync_batch(batch: Vec<Busy>) -> Vec<(u64, Box<Entry<StdTcpStream>>, Done)> {
    batch
        .into_iter()
        .map(|(key, mut entry)| {
            // A panic costs this session its in-place sync, not the batch:
            // it is woken, and the ordinary code answers.
            let done =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sync_one(&mut entry)))
                    .unwrap_or(Done::Failed);
            (key, entry, done)
        })
        .collect()
}

fn sync_one(entry: &mut Entry<StdTcpStream>) -> Done {
    let session = &mut entry.parked.session;
    let responses = match session.idle_updates() {
        Ok(responses) => responses,
        Err(e) => {
            debug!(session = %entry.parked.id, error = %e, "in-place sync failed");
            return Done::Failed;
        }
    };
    // The view was rebuilt among this thread's short-lived data.
    dormouse_alloc::long_lived(|| session.compact());
    if responses.is_empty() {
        return Done::Written;
    }
    let out = super::encode(session, &responses);
    match super::write_out(&mut entry.parked, &out) {
        super::Written::All => Done::Written,
        super::Written::Part(rest) => Done::Rest(rest),
        super::Written::Failed => Done::Closed,
    }
}
