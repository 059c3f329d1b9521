//! Rewrites the memory the kernel shows as `/proc/PID/cmdline` (and so `ps
//! -o args`, `top -c`, `htop`), the way BSD `setproctitle(3)` does, on Linux
//! with glibc. Elsewhere [`claim`] reports [`Unavailable::Unsupported`]. It
//! does not set `/proc/PID/comm`; the parent module does.
//!
//! # How
//!
//! Linux has no call that sets the command line: `/proc/PID/cmdline` is read
//! straight from the process's memory, from `arg_start` to `arg_end`, where
//! `execve` copied the argument strings; the environment strings follow at
//! once (`env_start == arg_end`). When the byte at `arg_end - 1` is no
//! longer the last argument's NUL, the kernel assumes a rewritten title and
//! reads from `arg_start` up to the first NUL, past `arg_end` into the
//! environment area if need be (`get_mm_cmdline` in `fs/proc/base.c`). So,
//! as nginx, PostgreSQL, Chromium and Dovecot do:
//!
//! 1. `argv` is captured at startup from glibc, which passes `argc, argv,
//!    envp` to every `.init_array` function (std captures its own copy the
//!    same way), and checked against `arg_start`/`arg_end`/`env_end` from
//!    `/proc/self/stat`: only memory the kernel itself calls the argument
//!    and environment area is ever written.
//! 2. Every argument string, and every environment string inside the area,
//!    is copied to the heap, and the pointers in `argv`, libc's `environ` and
//!    glibc's `program_invocation_name` are pointed at the copies. After
//!    that nothing in the process reads the area: `std::env::args` reads
//!    the `argv` array, `std::env::var` calls `getenv`, which walks
//!    `environ`; both find the copies. The copies are never freed (a few
//!    kilobytes, once).
//! 3. The area is cleared, and each title is written at its start with a
//!    NUL after it; whenever that NUL falls before `arg_end - 1`, a space
//!    there tells the kernel to stop at the title's NUL, so the command line
//!    is exactly the title, with no trailing NULs.
//!
//! A title longer than the area is cut; under systemd or a shell the
//! environment makes the area hundreds of bytes, the title needs about 50.
//! `/proc/PID/environ` shows the cleared area afterwards, not the
//! environment (which `environ` still holds).
//!
//! The copying is safe only while no other thread can read `argv` or
//! `environ` (std takes its environment lock, which this code cannot
//! reach), so [`claim`] refuses unless the process has exactly one thread,
//! and it succeeds at most once (after it `argv` no longer points at the
//! area).
//!
//! # Why not a crate, or `PR_SET_MM`
//!
//! The `proctitle` crate (0.1.1, its latest) sets only `PR_SET_NAME` on
//! Linux, whose 15 bytes cannot hold the counts, and calls the argument-area
//! rewrite "not yet supported" because it is unsafe; no crate found does the
//! rewrite with the checks above, and it is small enough to own.
//! `prctl(PR_SET_MM, PR_SET_MM_ARG_START/ARG_END)` could point the kernel at
//! a heap buffer instead, but needs `CAP_SYS_RESOURCE`, which a server that
//! dropped privileges, or runs in a container, lacks.

use std::ffi::{CStr, c_char};

/// Why the command line cannot be rewritten; logged once at debug level.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("only Linux with glibc exposes the argument area")]
    #[cfg_attr(all(target_os = "linux", target_env = "gnu"), allow(dead_code))]
    Unsupported,
    #[error("cannot read /proc/self: {0}")]
    Proc(#[from] std::io::Error),
    #[error("cannot parse the argument area's bounds from /proc/self/stat")]
    Stat,
    #[error("cannot parse the thread count from /proc/self/status")]
    Status,
    #[error("{0} threads are running; argv and environ may be moved only by the only thread")]
    Threads(usize),
    #[error("argv was not captured at startup")]
    NoArgv,
    #[error("argv does not match the kernel's argument area (already claimed?)")]
    Moved,
    #[error("the argument area is too small for a title")]
    TooSmall,
}

/// The argument area, owned by the title from [`claim`] on.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
pub struct Area {
    start: *mut u8,
    /// Bytes from `arg_start` to the end of the last environment string
    /// that follows the arguments without a gap; at least 2.
    len: usize,
    /// `arg_end - arg_start`: the byte before it decides how the kernel
    /// reads the area.
    args_len: usize,
    /// Length of the title shown now, to clear what a shorter one leaves.
    shown: usize,
}

// SAFETY: after `claim` nothing else in the process reads or writes the
// area (its former readers were pointed at copies), and `Area` is neither
// `Clone` nor `Sync`, so whichever thread holds it is its only user.
unsafe impl Send for Area {}

impl Area {
    /// Shows `title` as the command line: cut to the area, and at the first
    /// NUL if it had one.
    #[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
    pub fn write(&mut self, title: &str) {
        let title = title.as_bytes();
        let title = title
            .iter()
            .position(|&b| b == 0)
            .map_or(title, |nul| title.get(..nul).unwrap_or(title));
        let n = title.len().min(self.len - 1);
        // SAFETY: `claim` checked that [start, start + len) is the
        // kernel's argument and environment area, which stays mapped for
        // the life of the process, and moved every reader off it; `&mut
        // self` makes this the only access.
        let area = unsafe { std::slice::from_raw_parts_mut(self.start, self.len) };
        let (text, rest) = area.split_at_mut(n);
        text.iter_mut()
            .zip(title)
            .for_each(|(dst, src)| *dst = *src);
        // The NUL, and zeros over whatever a longer title left behind.
        let clear = (self.shown + 1).max(n + 1) - n;
        rest.iter_mut().take(clear).for_each(|b| *b = 0);
        if n + 1 < self.args_len
            && let Some(last) = area.get_mut(self.args_len - 1)
        {
            *last = b' ';
        }
        self.shown = n;
    }
}

/// Takes over the argument area for the title; see the module docs.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn claim() -> Result<Area, Unavailable> {
    let threads = thread_count()?;
    if threads != 1 {
        return Err(Unavailable::Threads(threads));
    }
    // SAFETY: this is the process's only thread, so nothing reads argv or
    // environ while they move.
    unsafe { claim_alone() }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn claim() -> Result<Area, Unavailable> {
    Err(Unavailable::Unsupported)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
use gnu::{claim_alone, thread_count};

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod gnu {
    use std::ffi::{c_char, c_int};
    use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

    use super::{Area, Unavailable, copy_to_heap, strlen};

    static ARGC: AtomicUsize = AtomicUsize::new(0);
    static ARGV: AtomicPtr<*mut c_char> = AtomicPtr::new(std::ptr::null_mut());

    /// glibc calls each `.init_array` entry with `argc, argv, envp` before
    /// `main` (a documented extension std relies on for its own `args`).
    #[used]
    #[unsafe(link_section = ".init_array")]
    static CAPTURE: extern "C" fn(c_int, *mut *mut c_char, *mut *mut c_char) = capture;

    extern "C" fn capture(argc: c_int, argv: *mut *mut c_char, _envp: *mut *mut c_char) {
        ARGC.store(usize::try_from(argc).unwrap_or(0), Ordering::Relaxed);
        ARGV.store(argv, Ordering::Relaxed);
    }

    // glibc's names for argv[0] and its last path component, used in
    // messages from `err(3)`, `error(3)` and `getopt`.
    unsafe extern "C" {
        static mut program_invocation_name: *mut c_char;
        static mut program_invocation_short_name: *mut c_char;
    }

    /// The `Threads:` line of `/proc/self/status`.
    pub fn thread_count() -> Result<usize, Unavailable> {
        let status = std::fs::read_to_string("/proc/self/status")?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
            .ok_or(Unavailable::Status)
    }

    /// `arg_start`, `arg_end`, `env_start`, `env_end`: fields 48 to 51 of
    /// `/proc/self/stat` (proc(5), Linux 3.5 and later).
    fn kernel_bounds() -> Result<[usize; 4], Unavailable> {
        let stat = std::fs::read_to_string("/proc/self/stat")?;
        // Field 2, the command name, may hold spaces and parentheses; the
        // fields after its closing parenthesis start at field 3.
        let (_, after_name) = stat.rsplit_once(')').ok_or(Unavailable::Stat)?;
        let mut fields = after_name.split_whitespace().skip(48 - 3);
        let mut next = || {
            fields
                .next()
                .and_then(|f| f.parse::<usize>().ok())
                .ok_or(Unavailable::Stat)
        };
        Ok([next()?, next()?, next()?, next()?])
    }

    /// [`super::claim`] without the thread check.
    ///
    /// # Safety
    ///
    /// No other thread may read or write `argv`, `environ` or the
    /// environment (`std::env`, `getenv`, `setenv`) during the call.
    pub unsafe fn claim_alone() -> Result<Area, Unavailable> {
        let argc = ARGC.load(Ordering::Relaxed);
        let argv = ARGV.load(Ordering::Relaxed);
        if argv.is_null() || argc == 0 {
            return Err(Unavailable::NoArgv);
        }
        let [arg_start, arg_end, env_start, env_end] = kernel_bounds()?;

        // The argument strings must lie back to back from arg_start to
        // arg_end, as execve put them; anything else means argv was
        // changed, and the area is left alone.
        let mut end = arg_start;
        for i in 0..argc {
            // SAFETY: argv holds argc pointers to NUL-terminated strings
            // (execve's contract, passed on by glibc), in memory that lives
            // as long as the process.
            let arg = unsafe { *argv.add(i) };
            if arg.is_null() || arg as usize != end {
                return Err(Unavailable::Moved);
            }
            // SAFETY: as above, `arg` is a NUL-terminated string.
            end += unsafe { strlen(arg) } + 1;
        }
        if end != arg_end {
            return Err(Unavailable::Moved);
        }

        // The environment strings that follow without a gap extend the
        // area, as far as the kernel's own bound.
        // SAFETY: libc's `environ`, read by the only thread.
        let environ = unsafe { libc::environ };
        let env_count = if environ.is_null() {
            0
        } else {
            // SAFETY: environ is a NULL-terminated array of pointers.
            (0..)
                .take_while(|&i| !unsafe { *environ.add(i) }.is_null())
                .count()
        };
        if env_start == arg_end {
            for i in 0..env_count {
                // SAFETY: `i` indexes a non-NULL entry of environ, a
                // pointer to a NUL-terminated string.
                let var = unsafe { *environ.add(i) };
                if var as usize != end {
                    break;
                }
                // SAFETY: as above.
                let next = end + unsafe { strlen(var) } + 1;
                if next > env_end {
                    break;
                }
                end = next;
            }
        }
        let len = end - arg_start;
        if len < 2 {
            return Err(Unavailable::TooSmall);
        }
        let inside = |p: *mut c_char| (arg_start..end).contains(&(p as usize));

        // SAFETY: argv and environ are arrays of pointers to NUL-terminated
        // strings in writable memory (the initial stack, or glibc's heap
        // copy after a setenv), as are glibc's two name pointers, and no
        // other thread reads any of them now. Each pointer is replaced by a
        // copy of the same string, never freed, or by the same offset into
        // the copy of argv[0].
        unsafe {
            let old_argv0 = *argv;
            for i in 0..argc {
                let slot = argv.add(i);
                *slot = copy_to_heap(*slot);
            }
            for i in 0..env_count {
                let slot = environ.add(i);
                if inside(*slot) {
                    *slot = copy_to_heap(*slot);
                }
            }
            // Both names point into argv[0]; they follow it to its copy.
            let argv0_len = strlen(*argv);
            for name in [
                &raw mut program_invocation_name,
                &raw mut program_invocation_short_name,
            ] {
                let offset = (*name as usize).wrapping_sub(old_argv0 as usize);
                if inside(*name) && offset <= argv0_len {
                    *name = (*argv).add(offset);
                }
            }
        }

        let start = arg_start as *mut u8;
        // SAFETY: [start, start + len) is the kernel's argument area plus
        // environment strings inside env_start..env_end, mapped for the
        // life of the process; every pointer into it was replaced above.
        unsafe { std::ptr::write_bytes(start, 0, len) };
        Ok(Area {
            start,
            len,
            args_len: arg_end - arg_start,
            shown: 0,
        })
    }
}

/// Length of a C string.
///
/// # Safety
///
/// `s` points to a NUL-terminated string.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
unsafe fn strlen(s: *const c_char) -> usize {
    // SAFETY: the caller's contract.
    unsafe { CStr::from_ptr(s) }.count_bytes()
}

/// A heap copy of a C string that lives for the rest of the process.
///
/// # Safety
///
/// `s` points to a NUL-terminated string.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
unsafe fn copy_to_heap(s: *mut c_char) -> *mut c_char {
    // SAFETY: the caller's contract.
    unsafe { CStr::from_ptr(s) }.to_owned().into_raw()
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use std::process::Command;

    use super::*;

    /// Set in the re-executed test binary, where the test claims the area.
    const CHILD: &str = "DORMOUSE_TITLE_TEST_CHILD";
    const PROBE: &str = "DORMOUSE_TITLE_TEST_PROBE";

    /// Claiming moves argv and environ, so it runs in a fresh copy of this
    /// test binary, alone on one test thread, rather than among the other
    /// tests.
    #[test]
    fn title_replaces_cmdline_and_env_and_args_still_read() {
        if std::env::var_os(CHILD).is_some() {
            return in_child();
        }
        let exe = std::env::current_exe().expect("current_exe");
        let out = Command::new(exe)
            .args([
                "title::cmdline::tests::title_replaces_cmdline_and_env_and_args_still_read",
                "--exact",
                "--test-threads=1",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env(PROBE, "still here")
            .output()
            .expect("run the test binary again");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "child: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("child checks passed"), "{stdout}");
    }

    fn in_child() {
        let args: Vec<_> = std::env::args_os().collect();
        let vars: Vec<_> = std::env::vars_os().collect();
        let before = std::fs::read("/proc/self/cmdline").expect("cmdline");
        let threads = gnu::thread_count().expect("threads");
        // SAFETY: libtest runs this test alone (--test-threads=1); any
        // other thread it has only waits for the result.
        let mut area = unsafe { gnu::claim_alone() }
            .unwrap_or_else(|e| panic!("claim with {threads} threads: {e}"));

        // Longer than the arguments, so it runs into the environment area.
        let long = "t".repeat(before.len() + 20);
        for title in [
            long.as_str(),
            "short title",
            "dormouse: 0 active, 0 hibernated",
        ] {
            area.write(title);
            let cmdline = std::fs::read("/proc/self/cmdline").expect("cmdline");
            assert_eq!(cmdline, [title.as_bytes(), b"\0"].concat(), "{title}");
        }

        assert_eq!(std::env::args_os().collect::<Vec<_>>(), args);
        assert_eq!(std::env::vars_os().collect::<Vec<_>>(), vars);
        assert_eq!(std::env::var(PROBE).as_deref(), Ok("still here"));
        // SAFETY: as above.
        let again = unsafe { gnu::claim_alone() };
        assert!(matches!(again, Err(Unavailable::Moved)), "claimed twice");
        println!("child checks passed");
    }
}
