//! What a run measured, as plain-text lines for people and as JSON
//! (serde) for scripts. Only data and its rendering: nothing here measures.

use std::fmt;

use serde::Serialize;

use crate::error::ErrorTally;
use crate::procfs::ProcSample;
use crate::stats::{Millis, Summary};

/// The result of `run_idle`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Report {
    pub sessions_requested: usize,
    pub sessions_ready: usize,
    pub users: usize,
    pub sources: u8,
    pub seed: u64,
    pub setup: SetupReport,
    pub server: Option<ServerReport>,
    pub delivery: Option<DeliveryReport>,
    pub burst: Option<BurstReport>,
    pub wake: Option<WakeReport>,
    pub errors: ErrorTally,
    /// Why the run stopped early (the max duration), if it did.
    pub aborted: Option<String>,
    /// Things worth knowing that are not errors (a burst cut to the users
    /// available).
    pub notes: Vec<String>,
}

impl Report {
    /// True when nothing went wrong: no error counted, not aborted.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty() && self.aborted.is_none()
    }
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct SetupReport {
    /// First connect → last session in IDLE.
    pub elapsed_us: u64,
    pub sessions_per_s: f64,
    pub failed: usize,
    pub connect: Summary,
    pub greeting: Summary,
    pub login: Summary,
    pub select: Summary,
    pub idle: Summary,
}

/// Server memory and CPU: readings and deltas per session.
#[derive(Debug, Clone, Serialize)]
pub struct ServerReport {
    pub pid: u32,
    pub before: ProcSample,
    pub after_setup: ProcSample,
    pub after_hold: ProcSample,
    pub at_end: Option<ProcSample>,
    /// (after setup − before) / sessions ready.
    pub rss_bytes_per_session_setup: f64,
    pub pss_bytes_per_session_setup: Option<f64>,
    /// (after hold − before) / sessions ready: the idle cost once the
    /// server had time to settle (hibernate).
    pub rss_bytes_per_session_hold: f64,
    pub pss_bytes_per_session_hold: Option<f64>,
    /// Server CPU over setup / sessions ready.
    pub cpu_us_per_session_setup: f64,
    pub fds_per_session: Option<f64>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct DeliveryReport {
    pub samples: usize,
    /// Final `.` sent → `* n EXISTS` read, per session notified.
    pub exists_latency: Summary,
    /// Final `.` sent → the last session of the user notified (differs from
    /// `exists_latency` only with several sessions per user).
    pub all_sessions_latency: Summary,
    /// Final `.` sent → the 250 reply.
    pub lmtp_reply: Summary,
    /// MAIL FROM sent → last reply, one transaction.
    pub lmtp_transaction: Summary,
    /// Sequential deliveries per second (1 / mean transaction time).
    pub lmtp_per_s: f64,
    pub missed: usize,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct BurstReport {
    pub recipients: usize,
    pub sessions: usize,
    pub transactions: usize,
    pub connections: usize,
    /// First byte sent → last EXISTS read.
    pub all_notified_us: u64,
    /// First byte sent → last LMTP reply.
    pub lmtp_elapsed_us: u64,
    pub lmtp_per_s: f64,
    /// First byte sent → each EXISTS.
    pub exists_after_start: Summary,
    pub missed: usize,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct WakeReport {
    pub waves: usize,
    pub wakes: usize,
    pub noop: bool,
    /// DONE sent → tagged OK.
    pub done_to_ok: Summary,
    /// DONE sent → `+` of the next IDLE.
    pub done_to_idle: Summary,
    pub missed: usize,
}

/// The result of `run_lmtp_rate`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct LmtpRateReport {
    pub messages: usize,
    pub delivered: usize,
    pub connections: usize,
    pub elapsed_us: u64,
    pub per_s: f64,
    /// MAIL FROM sent → last reply, per transaction.
    pub transaction: Summary,
    pub errors: ErrorTally,
    pub aborted: Option<String>,
}

impl LmtpRateReport {
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty() && self.aborted.is_none()
    }
}

/// `count` events over `elapsed_us` microseconds, per second.
pub(crate) fn rate(count: usize, elapsed_us: u64) -> f64 {
    if elapsed_us == 0 {
        0.0
    } else {
        count as f64 * 1e6 / elapsed_us as f64
    }
}

fn kib(bytes: f64) -> String {
    format!("{:.2} KiB", bytes / 1024.0)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "sessions: {} ready of {} requested, {} users, {} source addresses, seed {}",
            self.sessions_ready, self.sessions_requested, self.users, self.sources, self.seed
        )?;
        let s = &self.setup;
        writeln!(
            f,
            "setup: {} in {}, {:.0} sessions/s, {} failed",
            self.sessions_ready,
            Millis(s.elapsed_us),
            s.sessions_per_s,
            s.failed
        )?;
        for (name, sum) in [
            ("connect", &s.connect),
            ("greeting", &s.greeting),
            ("login", &s.login),
            ("select", &s.select),
            ("idle", &s.idle),
        ] {
            writeln!(f, "setup {name:<8} {sum}")?;
        }
        if let Some(srv) = &self.server {
            writeln!(
                f,
                "server pid {}: RSS {} KiB → {} KiB after setup → {} KiB after hold",
                srv.pid, srv.before.rss_kib, srv.after_setup.rss_kib, srv.after_hold.rss_kib
            )?;
            writeln!(
                f,
                "server per session: RSS {} after setup, {} after hold",
                kib(srv.rss_bytes_per_session_setup),
                kib(srv.rss_bytes_per_session_hold)
            )?;
            if let (Some(a), Some(b)) = (
                srv.pss_bytes_per_session_setup,
                srv.pss_bytes_per_session_hold,
            ) {
                writeln!(
                    f,
                    "server per session: PSS {} after setup, {} after hold",
                    kib(a),
                    kib(b)
                )?;
            }
            writeln!(
                f,
                "server CPU per session setup: {:.1} µs",
                srv.cpu_us_per_session_setup
            )?;
            if let Some(fds) = srv.fds_per_session {
                writeln!(f, "server descriptors per session: {fds:.2}")?;
            }
        }
        if let Some(d) = &self.delivery {
            writeln!(f, "delivery: {} samples, {} missed", d.samples, d.missed)?;
            writeln!(f, "delivery → EXISTS   {}", d.exists_latency)?;
            if d.all_sessions_latency != d.exists_latency {
                writeln!(f, "delivery → all      {}", d.all_sessions_latency)?;
            }
            writeln!(f, "delivery → LMTP 250 {}", d.lmtp_reply)?;
            writeln!(
                f,
                "delivery LMTP transaction {}, {:.0} deliveries/s sequential",
                d.lmtp_transaction, d.lmtp_per_s
            )?;
        }
        if let Some(b) = &self.burst {
            writeln!(
                f,
                "burst: {} recipients ({} sessions) in {} transactions over {} connections, {} missed",
                b.recipients, b.sessions, b.transactions, b.connections, b.missed
            )?;
            writeln!(
                f,
                "burst: all EXISTS after {}, LMTP done after {} ({:.0} deliveries/s)",
                Millis(b.all_notified_us),
                Millis(b.lmtp_elapsed_us),
                b.lmtp_per_s
            )?;
            writeln!(f, "burst start → EXISTS {}", b.exists_after_start)?;
        }
        if let Some(w) = &self.wake {
            writeln!(
                f,
                "wake: {} waves, {} wakes{}, {} missed",
                w.waves,
                w.wakes,
                if w.noop { " with NOOP" } else { "" },
                w.missed
            )?;
            writeln!(f, "wake DONE → OK   {}", w.done_to_ok)?;
            writeln!(f, "wake DONE → IDLE {}", w.done_to_idle)?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        write_errors(f, &self.errors, self.aborted.as_deref())
    }
}

impl fmt::Display for LmtpRateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "lmtp: {} of {} messages delivered over {} connections in {}, {:.0} deliveries/s",
            self.delivered,
            self.messages,
            self.connections,
            Millis(self.elapsed_us),
            self.per_s
        )?;
        writeln!(f, "lmtp transaction {}", self.transaction)?;
        write_errors(f, &self.errors, self.aborted.as_deref())
    }
}

fn write_errors(
    f: &mut fmt::Formatter<'_>,
    errors: &ErrorTally,
    aborted: Option<&str>,
) -> fmt::Result {
    if let Some(why) = aborted {
        writeln!(f, "ABORTED: {why}")?;
    }
    writeln!(f, "errors: {}", errors.total)?;
    for (kind, n) in &errors.by_kind {
        writeln!(f, "errors {kind}: {n}")?;
    }
    for example in &errors.examples {
        writeln!(f, "error example: {example}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(rate(1000, 500_000), 2000.0);
        assert_eq!(rate(5, 0), 0.0);
    }

    #[test]
    fn text_has_one_line_per_fact_and_lists_errors() {
        let mut r = Report {
            sessions_requested: 10,
            sessions_ready: 9,
            ..Report::default()
        };
        r.setup.failed = 1;
        r.errors.record("setup-login", "session 3: a2 NO");
        let text = r.to_string();
        assert!(text.starts_with("sessions: 9 ready of 10 requested"));
        assert!(text.contains("errors: 1\n"));
        assert!(text.contains("errors setup-login: 1\n"));
        assert!(!r.is_clean());
        assert!(Report::default().is_clean());
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["errors"]["total"], 1);
        assert_eq!(json["sessions_ready"], 9);
    }
}
