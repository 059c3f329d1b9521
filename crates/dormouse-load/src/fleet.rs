//! The run's sessions as a whole: which user each logs in as, the EXISTS
//! count each should see next, the control channel to each live one, and
//! setting them all up with bounded concurrency. Events a phase did not ask
//! for are checked here too, so no reply goes unexamined.

use std::collections::HashSet;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::index;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::error::ErrorTally;
use crate::lmtp_client::rcpt_address;
use crate::options::IdleOptions;
use crate::report::{SetupReport, rate};
use crate::session::{self, Control, Event, SessionSpec};
use crate::stats::Samples;

/// A user the run logs in as, with the sessions that use it.
pub(crate) struct FleetUser {
    pub name: String,
    pub password: String,
    pub rcpt: String,
    pub sessions: Vec<u32>,
}

pub(crate) struct Fleet {
    pub users: Vec<FleetUser>,
    /// Per session; `None` before setup and once the session is gone.
    pub controls: Vec<Option<mpsc::Sender<Control>>>,
    /// Per session: the message count it should know of, which its next
    /// `* n EXISTS` must carry once a delivery has raised it.
    pub expected: Vec<u32>,
    pub events: mpsc::UnboundedReceiver<Event>,
    events_tx: mpsc::UnboundedSender<Event>,
    tasks: JoinSet<()>,
    pub errors: ErrorTally,
}

impl Fleet {
    /// Picks `opts.users_needed()` distinct users at random; session `i`
    /// logs in as user `i mod users`. The caller has checked there are
    /// enough users.
    pub fn new(opts: &IdleOptions, rng: &mut StdRng) -> Fleet {
        let needed = opts.users_needed().min(opts.users.len());
        let mut users: Vec<FleetUser> = index::sample(rng, opts.users.len(), needed)
            .into_iter()
            .filter_map(|i| opts.users.get(i))
            .map(|u| FleetUser {
                name: u.name.clone(),
                password: u.password.clone(),
                rcpt: rcpt_address(&u.name, &opts.rcpt_domain),
                sessions: Vec::new(),
            })
            .collect();
        let count = users.len().max(1);
        for id in 0..opts.sessions {
            if let Some(user) = users.get_mut(id % count) {
                user.sessions.push(id as u32);
            }
        }
        let (events_tx, events) = mpsc::unbounded_channel();
        Fleet {
            users,
            controls: (0..opts.sessions).map(|_| None).collect(),
            expected: vec![0; opts.sessions],
            events,
            events_tx,
            tasks: JoinSet::new(),
            errors: ErrorTally::default(),
        }
    }

    pub fn alive(&self, session: u32) -> bool {
        self.controls
            .get(session as usize)
            .is_some_and(Option::is_some)
    }

    pub fn live_sessions(&self) -> Vec<u32> {
        (0..self.controls.len() as u32)
            .filter(|&s| self.alive(s))
            .collect()
    }

    pub fn live_sessions_of(&self, user: usize) -> Vec<u32> {
        self.users.get(user).map_or_else(Vec::new, |u| {
            u.sessions
                .iter()
                .copied()
                .filter(|&s| self.alive(s))
                .collect()
        })
    }

    /// Users with at least one live session.
    pub fn live_users(&self) -> Vec<usize> {
        (0..self.users.len())
            .filter(|&u| !self.live_sessions_of(u).is_empty())
            .collect()
    }

    /// Ends a session: dropping its control sender makes it close.
    pub fn retire(&mut self, session: u32) {
        if let Some(slot) = self.controls.get_mut(session as usize) {
            *slot = None;
        }
    }

    pub fn expect_one_more(&mut self, session: u32) {
        if let Some(e) = self.expected.get_mut(session as usize) {
            *e += 1;
        }
    }

    pub fn expect_one_less(&mut self, session: u32) {
        if let Some(e) = self.expected.get_mut(session as usize) {
            *e = e.saturating_sub(1);
        }
    }

    /// Opens every session, `opts.concurrency` setups at a time, and waits
    /// until each is in IDLE or has failed.
    pub async fn setup(&mut self, opts: &IdleOptions, sources: &[Ipv4Addr]) -> SetupReport {
        let semaphore = Arc::new(Semaphore::new(opts.concurrency));
        let start = Instant::now();
        let mut spawned = 0usize;
        for id in 0..opts.sessions {
            let Ok(permit) = semaphore.clone().acquire_owned().await else {
                break;
            };
            let Some(user) = self.users.get(id % self.users.len().max(1)) else {
                break;
            };
            let spec = SessionSpec {
                id: id as u32,
                target: opts.imap,
                source: sources
                    .get(id % sources.len().max(1))
                    .copied()
                    .unwrap_or(Ipv4Addr::LOCALHOST),
                user: user.name.clone(),
                password: user.password.clone(),
                reply_timeout: opts.reply_timeout,
            };
            let (tx, rx) = mpsc::channel(1);
            if let Some(slot) = self.controls.get_mut(id) {
                *slot = Some(tx);
            }
            self.tasks
                .spawn(session::run(spec, self.events_tx.clone(), rx, permit));
            spawned += 1;
        }

        let mut stages: [Samples; 5] = Default::default();
        let mut report = SetupReport::default();
        let mut ready = 0usize;
        let mut last = start;
        let mut outstanding = spawned;
        while outstanding > 0 {
            let Some(event) = self.events.recv().await else {
                break;
            };
            match event {
                Event::Ready {
                    session,
                    stages: t,
                    exists,
                    at,
                } => {
                    outstanding -= 1;
                    ready += 1;
                    last = last.max(at);
                    if let Some(e) = self.expected.get_mut(session as usize) {
                        *e = exists;
                    }
                    for (samples, d) in stages
                        .iter_mut()
                        .zip([t.connect, t.greeting, t.login, t.select, t.idle])
                    {
                        samples.push(d);
                    }
                }
                Event::SetupFailed {
                    session,
                    stage,
                    error,
                } => {
                    outstanding -= 1;
                    report.failed += 1;
                    self.retire(session);
                    self.errors
                        .record(stage.error_kind(), format!("session {session}: {error}"));
                }
                other => self.stray(other),
            }
        }
        let elapsed = last.saturating_duration_since(start);
        report.elapsed_us = micros(elapsed);
        report.sessions_per_s = rate(ready, report.elapsed_us);
        let [connect, greeting, login, select, idle] = stages.map(|s| s.summary());
        report.connect = connect;
        report.greeting = greeting;
        report.login = login;
        report.select = select;
        report.idle = idle;
        report
    }

    /// Handles an event during a wait for EXISTS: returns the session and
    /// the time if it is one `pending` waits for (checking its count), and
    /// otherwise checks it as a stray event.
    pub fn take_exists(
        &mut self,
        event: Event,
        pending: &mut HashSet<u32>,
    ) -> Option<(u32, Instant)> {
        match event {
            Event::Exists { session, count, at } if pending.contains(&session) => {
                pending.remove(&session);
                let expected = self.expected.get(session as usize).copied().unwrap_or(0);
                if count != expected {
                    self.errors.record(
                        "wrong-exists-count",
                        format!("session {session}: * {count} EXISTS, expected {expected}"),
                    );
                    if let Some(e) = self.expected.get_mut(session as usize) {
                        *e = count;
                    }
                }
                Some((session, at))
            }
            Event::Failed { session, .. } if pending.contains(&session) => {
                pending.remove(&session);
                self.stray(event);
                None
            }
            other => {
                self.stray(other);
                None
            }
        }
    }

    /// Checks an event no phase asked for. An EXISTS nobody expected is an
    /// error (a late one included); so is a wake nobody asked for.
    pub fn stray(&mut self, event: Event) {
        match event {
            Event::Exists { session, count, .. } => {
                self.errors.record(
                    "unexpected-exists",
                    format!("session {session}: * {count} EXISTS while none was awaited (late or duplicate)"),
                );
                if let Some(e) = self.expected.get_mut(session as usize) {
                    *e = count;
                }
            }
            Event::Failed {
                session,
                kind,
                error,
            } => {
                self.retire(session);
                self.errors
                    .record(kind, format!("session {session}: {error}"));
            }
            Event::Woke { session, .. } => {
                self.errors
                    .record("unexpected-wake", format!("session {session}"));
            }
            Event::Ready { session, .. } | Event::SetupFailed { session, .. } => {
                self.errors
                    .record("late-setup", format!("session {session}"));
            }
        }
    }

    /// Closes every session and waits (briefly) for their tasks to end.
    pub async fn close(&mut self) {
        for slot in &mut self.controls {
            *slot = None;
        }
        let drain = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(Duration::from_secs(5), drain)
            .await
            .is_err()
        {
            self.tasks.abort_all();
        }
    }
}

pub(crate) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
