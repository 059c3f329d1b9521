//! Reads a server process's memory and CPU time from /proc: VmRSS from
//! `status`, Pss from `smaps_rollup`, utime+stime from `stat`, and the
//! number of open descriptors. Linux only; reads, never signals or traces.

use std::path::PathBuf;

use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ProcError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: no {field} in it", path.display())]
    Missing { path: PathBuf, field: &'static str },
}

/// One reading of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProcSample {
    pub rss_kib: u64,
    /// Absent where smaps_rollup is unreadable (kernels before 4.14).
    pub pss_kib: Option<u64>,
    /// User plus system CPU time.
    pub cpu_us: u64,
    /// Open file descriptors; absent if /proc/PID/fd cannot be listed.
    pub fds: Option<u64>,
}

pub fn sample(pid: u32) -> Result<ProcSample, ProcError> {
    let base = PathBuf::from(format!("/proc/{pid}"));
    let status_path = base.join("status");
    let status = read(&status_path)?;
    let rss_kib = kib_field(&status, "VmRSS:").ok_or(ProcError::Missing {
        path: status_path,
        field: "VmRSS",
    })?;
    let pss_kib = read(&base.join("smaps_rollup"))
        .ok()
        .and_then(|t| kib_field(&t, "Pss:"));
    let stat_path = base.join("stat");
    let stat = read(&stat_path)?;
    let ticks = stat_cpu_ticks(&stat).ok_or(ProcError::Missing {
        path: stat_path,
        field: "utime/stime",
    })?;
    let fds = std::fs::read_dir(base.join("fd"))
        .ok()
        .map(|dir| dir.count() as u64);
    Ok(ProcSample {
        rss_kib,
        pss_kib,
        cpu_us: ticks_to_us(ticks),
        fds,
    })
}

fn read(path: &std::path::Path) -> Result<String, ProcError> {
    std::fs::read_to_string(path).map_err(|source| ProcError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The number in a `Name:   1234 kB` line.
pub fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let mut words = line.get(name.len()..)?.split_whitespace();
    let value = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => Some(value),
        Some(_) => None,
    }
}

/// utime + stime (fields 14 and 15 of /proc/PID/stat) in clock ticks. The
/// command name in field 2 may hold spaces and parentheses, so fields are
/// counted from its last `)`.
pub fn stat_cpu_ticks(text: &str) -> Option<u64> {
    let after = text.get(text.rfind(')')? + 1..)?;
    let mut fields = after.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    utime.checked_add(stime)
}

fn ticks_to_us(ticks: u64) -> u64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let hz = u64::try_from(hz).ok().filter(|&h| h > 0).unwrap_or(100);
    ticks.saturating_mul(1_000_000) / hz
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_from_status_and_rollup() {
        let status = "Name:\tdormouse\nVmPeak:\t  99 kB\nVmRSS:\t   20480 kB\nThreads:\t3\n";
        assert_eq!(kib_field(status, "VmRSS:"), Some(20480));
        assert_eq!(kib_field(status, "VmSwap:"), None);
        let rollup = "55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:  100 kB\nPss:  77 kB\nPss_Anon:  5 kB\n";
        assert_eq!(kib_field(rollup, "Pss:"), Some(77));
        assert_eq!(kib_field("Pss: 7 MB\n", "Pss:"), None);
    }

    #[test]
    fn cpu_ticks_after_a_hostile_command_name() {
        let stat =
            "4242 (dor) mouse) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 1 2 3";
        assert_eq!(stat_cpu_ticks(stat), Some(325));
        assert_eq!(stat_cpu_ticks("1 (x) S 1 2"), None);
        assert_eq!(stat_cpu_ticks("no parens"), None);
    }

    #[test]
    fn samples_this_process() {
        let s = sample(std::process::id()).unwrap();
        assert!(s.rss_kib > 0);
        assert!(s.fds.is_some_and(|n| n >= 3));
    }
}
