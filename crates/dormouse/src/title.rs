//! The process title: `dormouse: 1,203 active, 412,330 hibernated` in `ps`,
//! `top` and `/proc/PID/cmdline`, refreshed from [`Stats`] every few
//! seconds. It never fails the server: where the title cannot be set, it
//! says so once at debug level and the command line stays as it was.
//!
//! `/proc/PID/comm` (what `ps -o comm`, `top`'s default view, `pgrep`,
//! `pkill` and `killall` match on) is set to plain `dormouse` with
//! `prctl(PR_SET_NAME)`: it holds only 15 bytes, too few for the counts, and
//! a fixed name keeps `pgrep dormouse` working however the binary was
//! invoked. The long title goes where the kernel reads the command line
//! from, see [`cmdline`].

mod cmdline;

use std::sync::Arc;
use std::time::Duration;

use dormouse_server::Stats;

/// How often the counts are read. `top` redraws every 3 s by default, so a
/// 2 s title is never more than one redraw behind; a refresh costs two
/// atomic loads and a short format, and the memory is rewritten only when
/// the text changes.
const REFRESH: Duration = Duration::from_secs(2);

/// The name in `/proc/PID/comm`, within its 15 bytes.
const COMM: &std::ffi::CStr = c"dormouse";
// TASK_COMM_LEN is 16 with the NUL; the kernel would cut a longer name.
const _: () = assert!(COMM.count_bytes() < 16);

/// The argument area, claimed for the title.
pub struct Title {
    area: cmdline::Area,
}

impl Title {
    /// Names the process `dormouse` in `/proc/PID/comm`, and takes over the
    /// command-line memory for the title. Call it on the main thread before
    /// any other thread starts: the command line is taken over only while
    /// the process has a single thread (see [`cmdline::claim`]); otherwise,
    /// or on a platform without the argument area, logs why at debug level
    /// and returns `None`.
    pub fn claim() -> Option<Title> {
        set_comm();
        match cmdline::claim() {
            Ok(area) => Some(Title { area }),
            Err(e) => {
                tracing::debug!(reason = %e, "process title not set; the command line stays as it was");
                None
            }
        }
    }

    /// Shows the counts from `stats` now and then every [`REFRESH`], until
    /// the runtime drops the task.
    pub async fn keep_updated(mut self, stats: Arc<Stats>) {
        let mut tick = tokio::time::interval(REFRESH);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut shown = String::new();
        loop {
            tick.tick().await;
            let text = text(stats.active(), stats.hibernated());
            if text != shown {
                self.area.write(&text);
                shown = text;
            }
        }
    }
}

/// `dormouse: 1,203 active, 412,330 hibernated`.
fn text(active: usize, hibernated: usize) -> String {
    format!(
        "dormouse: {} active, {} hibernated",
        grouped(active),
        grouped(hibernated)
    )
}

/// `n` with a comma between groups of three digits, as in `412,330`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `prctl(PR_SET_NAME)` names the calling thread; on the main thread that
/// is the process's `comm`.
#[cfg(target_os = "linux")]
fn set_comm() {
    // SAFETY: PR_SET_NAME reads a NUL-terminated string of at most 16
    // bytes from its second argument; COMM is a static C string of 9.
    let rc = unsafe { libc::prctl(libc::PR_SET_NAME, COMM.as_ptr()) };
    if rc != 0 {
        tracing::debug!(error = %std::io::Error::last_os_error(), "prctl(PR_SET_NAME) failed; /proc/PID/comm stays as it was");
    }
}

#[cfg(not(target_os = "linux"))]
fn set_comm() {
    let _ = COMM;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_commas() {
        let cases = [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1,000"),
            (1_203, "1,203"),
            (412_330, "412,330"),
            (1_000_000, "1,000,000"),
            (12_345_678, "12,345,678"),
        ];
        for (n, want) in cases {
            assert_eq!(grouped(n), want, "{n}");
        }
    }

    #[test]
    fn title_reads_as_in_the_issue() {
        assert_eq!(
            text(1_203, 412_330),
            "dormouse: 1,203 active, 412,330 hibernated"
        );
        assert_eq!(text(0, 0), "dormouse: 0 active, 0 hibernated");
    }
}
