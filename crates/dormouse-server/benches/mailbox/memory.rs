//! This process's memory: as the kernel counts it (VmRSS and VmHWM from
//! `/proc/self/status`, Pss from `/proc/self/smaps_rollup`) and as a
//! counting global allocator sees it (live heap bytes and their peak),
//! plus the CPU time used, which tells I/O waits from work;
//! resetting the peaks, and dropping the page cache for cold runs. Linux
//! only; a figure the kernel does not offer reads as `None` rather than
//! failing the run.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fs;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    pub rss_kib: Option<u64>,
    pub hwm_kib: Option<u64>,
    pub pss_kib: Option<u64>,
    /// Anonymous pages only: the child process that holds the extra
    /// sessions' clients maps the same executable, which halves the file
    /// pages' share in `pss_kib` while it runs.
    pub pss_anon_kib: Option<u64>,
    pub heap: usize,
    pub heap_peak: usize,
    /// User + system CPU time of the whole process so far.
    pub cpu: Duration,
}

fn field_kib(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|rest| rest.split_ascii_whitespace().next())
        .and_then(|n| n.parse().ok())
}

pub fn snapshot() -> Snapshot {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rollup = fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    Snapshot {
        rss_kib: field_kib(&status, "VmRSS:"),
        hwm_kib: field_kib(&status, "VmHWM:"),
        pss_kib: field_kib(&rollup, "Pss:"),
        pss_anon_kib: field_kib(&rollup, "Pss_Anon:"),
        heap: heap_live(),
        heap_peak: heap_peak(),
        cpu: cpu_time(),
    }
}

fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage; RUSAGE_SELF is always valid.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next snapshot's
/// `hwm_kib` is the peak of what ran in between.
pub fn reset_peak() -> io::Result<()> {
    reset_heap_peak();
    fs::write("/proc/self/clear_refs", "5")
}

/// Writes dirty pages back and drops the page cache, dentries and inodes
/// (needs root). Inside a VM the host may still cache the disk image, so
/// "cold" means cold for this kernel only.
pub fn drop_caches() -> io::Result<()> {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    fs::write("/proc/sys/vm/drop_caches", "3")
}

/// Signed difference in KiB, `None` if either side is unknown.
pub fn delta(after: Option<u64>, before: Option<u64>) -> Option<i64> {
    Some(after? as i64 - before? as i64)
}

/// Live heap bytes and their peak, counted by `Counting`.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting live bytes and their peak: the heap the
/// server (and this process's clients) actually hold, without the
/// allocator's retained free memory that makes RSS deltas noisy.
pub struct Counting;

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(n: usize) {
    LIVE.fetch_sub(n, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

/// Live heap bytes now.
pub fn heap_live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The peak of live heap bytes since the last `reset_heap_peak`.
pub fn heap_peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

pub fn reset_heap_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}
