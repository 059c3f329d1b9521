//! Wake waves: a random share of the idle sessions sends DONE at once,
//! waits for the tagged OK, optionally runs NOOP, and starts IDLE again.
//! Every reply is checked by the session; this times DONE → OK and
//! DONE → `+`, and retires a session that does not come back in time.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::seq::index;

use crate::fleet::Fleet;
use crate::options::IdleOptions;
use crate::report::WakeReport;
use crate::session::{Control, Event};
use crate::stats::Samples;

pub(crate) async fn waves(fleet: &mut Fleet, opts: &IdleOptions, rng: &mut StdRng) -> WakeReport {
    let mut report = WakeReport {
        waves: opts.wake_waves,
        noop: opts.wake_noop,
        ..WakeReport::default()
    };
    let request = if opts.wake_noop {
        Control::WakeWithNoop
    } else {
        Control::Wake
    };
    let mut wake = Samples::new();
    let mut cycle = Samples::new();
    for _ in 0..opts.wake_waves {
        let live = fleet.live_sessions();
        if live.is_empty() {
            break;
        }
        let count = (live.len() * usize::from(opts.wake_percent) / 100).max(1);
        let mut pending = HashSet::new();
        for i in index::sample(rng, live.len(), count) {
            let Some(&session) = live.get(i) else {
                continue;
            };
            let sent = fleet
                .controls
                .get(session as usize)
                .and_then(Option::as_ref)
                .map(|tx| tx.try_send(request));
            match sent {
                Some(Ok(())) => {
                    pending.insert(session);
                }
                Some(Err(e)) => fleet
                    .errors
                    .record("wake-error", format!("session {session}: {e}")),
                None => {}
            }
        }
        report.wakes += pending.len();
        let deadline = tokio::time::Instant::now() + opts.reply_timeout;
        while !pending.is_empty() {
            match tokio::time::timeout_at(deadline, fleet.events.recv()).await {
                Ok(Some(Event::Woke {
                    session,
                    wake: w,
                    cycle: c,
                })) if pending.contains(&session) => {
                    pending.remove(&session);
                    wake.push(w);
                    cycle.push(c);
                }
                Ok(Some(event)) => {
                    if let Event::Failed { session, .. } = &event {
                        pending.remove(session);
                    }
                    fleet.stray(event);
                }
                Ok(None) => break,
                Err(_) => {
                    for session in pending.drain() {
                        report.missed += 1;
                        fleet.errors.record(
                            "wake-timeout",
                            format!(
                                "session {session}: not back in IDLE within {:?}",
                                opts.reply_timeout
                            ),
                        );
                        // Its state is unknown: a later wave must not pick it.
                        fleet.retire(session);
                    }
                }
            }
        }
    }
    report.done_to_ok = wake.summary();
    report.done_to_idle = cycle.summary();
    report
}
