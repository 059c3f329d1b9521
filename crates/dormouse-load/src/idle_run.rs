//! `run_idle`: the whole `idle` measurement in order — server reading,
//! setup, reading, hold, reading, single deliveries, burst, wake waves,
//! close — under the run's hard time limit. A run that hits the limit still
//! returns what it measured, marked aborted.

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::LoadError;
use crate::delivery::{burst, run_id, single_deliveries};
use crate::fleet::Fleet;
use crate::limits::{ensure_fds, source_addresses};
use crate::options::IdleOptions;
use crate::procfs::{self, ProcSample};
use crate::report::{Report, ServerReport};
use crate::wake::waves;

/// Runs the measurement `opts` describes against a server that is already
/// listening. Protocol errors are counted in the report; only a run that
/// cannot start at all is an `Err`.
pub async fn run_idle(opts: IdleOptions) -> Result<Report, LoadError> {
    opts.validate()?;
    let sources = source_addresses(opts.sources)?;
    ensure_fds(opts.sessions, opts.lmtp_connections + 1)?;
    let needed = opts.users_needed();
    if opts.users.len() < needed {
        return Err(LoadError::NotEnoughUsers {
            needed,
            available: opts.users.len(),
        });
    }
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut fleet = Fleet::new(&opts, &mut rng);
    let mut report = Report {
        sessions_requested: opts.sessions,
        users: fleet.users.len(),
        sources: opts.sources,
        seed: opts.seed,
        ..Report::default()
    };
    let phases = phases(&mut fleet, &opts, &mut rng, &sources, &mut report);
    if tokio::time::timeout(opts.max_duration, phases)
        .await
        .is_err()
    {
        report.aborted = Some(format!(
            "--max-duration {:?} reached; the numbers above cover what finished",
            opts.max_duration
        ));
    }
    fleet.close().await;
    report.errors = std::mem::take(&mut fleet.errors);
    Ok(report)
}

async fn phases(
    fleet: &mut Fleet,
    opts: &IdleOptions,
    rng: &mut StdRng,
    sources: &[std::net::Ipv4Addr],
    report: &mut Report,
) {
    let before = read_server(fleet, opts.server_pid);
    report.setup = fleet.setup(opts, sources).await;
    report.sessions_ready = fleet.live_sessions().len();
    let after_setup = read_server(fleet, opts.server_pid);
    tokio::time::sleep(opts.hold).await;
    let after_hold = read_server(fleet, opts.server_pid);
    if let (Some(pid), Some(b), Some(s), Some(h)) =
        (opts.server_pid, before, after_setup, after_hold)
    {
        report.server = Some(server_report(pid, b, s, h, report.sessions_ready));
    }
    let run = run_id();
    if opts.deliveries > 0 {
        report.delivery = Some(single_deliveries(fleet, opts, rng, &run).await);
    }
    if opts.burst > 0 {
        report.burst = Some(burst(fleet, opts, rng, &run, &mut report.notes).await);
    }
    if opts.wake_waves > 0 {
        report.wake = Some(waves(fleet, opts, rng).await);
    }
    let at_end = read_server(fleet, opts.server_pid);
    if let Some(server) = report.server.as_mut() {
        server.at_end = at_end;
    }
}

fn read_server(fleet: &mut Fleet, pid: Option<u32>) -> Option<ProcSample> {
    let pid = pid?;
    match procfs::sample(pid) {
        Ok(s) => Some(s),
        Err(e) => {
            fleet.errors.record("procfs", e.to_string());
            None
        }
    }
}

/// Per-session deltas. The divisor is the sessions that reached IDLE; the
/// memory figures include whatever else the server allocated meanwhile.
fn server_report(
    pid: u32,
    before: ProcSample,
    after_setup: ProcSample,
    after_hold: ProcSample,
    sessions: usize,
) -> ServerReport {
    let n = sessions.max(1) as f64;
    let delta_kib = |a: u64, b: u64| (a as f64 - b as f64) * 1024.0 / n;
    let pss = |a: Option<u64>, b: Option<u64>| Some(delta_kib(a?, b?));
    ServerReport {
        pid,
        before,
        after_setup,
        after_hold,
        at_end: None,
        rss_bytes_per_session_setup: delta_kib(after_setup.rss_kib, before.rss_kib),
        pss_bytes_per_session_setup: pss(after_setup.pss_kib, before.pss_kib),
        rss_bytes_per_session_hold: delta_kib(after_hold.rss_kib, before.rss_kib),
        pss_bytes_per_session_hold: pss(after_hold.pss_kib, before.pss_kib),
        cpu_us_per_session_setup: (after_setup.cpu_us as f64 - before.cpu_us as f64) / n,
        fds_per_session: match (after_setup.fds, before.fds) {
            (Some(a), Some(b)) => Some((a as f64 - b as f64) / n),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rss_kib: u64, pss_kib: u64, cpu_us: u64, fds: u64) -> ProcSample {
        ProcSample {
            rss_kib,
            pss_kib: Some(pss_kib),
            cpu_us,
            fds: Some(fds),
        }
    }

    #[test]
    fn deltas_per_session() {
        let r = server_report(
            7,
            sample(10_000, 9_000, 1_000_000, 10),
            sample(30_000, 29_000, 1_100_000, 1010),
            sample(11_000, 10_000, 1_200_000, 1010),
            1000,
        );
        assert_eq!(r.rss_bytes_per_session_setup, 20_480.0);
        assert_eq!(r.pss_bytes_per_session_setup, Some(20_480.0));
        assert_eq!(r.rss_bytes_per_session_hold, 1024.0);
        assert_eq!(r.cpu_us_per_session_setup, 100.0);
        assert_eq!(r.fds_per_session, Some(1.0));
    }
}
