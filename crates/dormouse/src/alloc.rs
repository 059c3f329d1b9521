//! The process's allocator: jemalloc, with one extra arena for what
//! `dormouse_alloc::long_lived` marks. Parked sessions' records and the
//! per-mailbox bus and inotify entries go there and pack densely; the
//! short-lived allocations of active sessions stay in jemalloc's usual
//! arenas, whose pages empty out when sessions park and are handed back
//! by `release` (purge). With glibc's malloc, the survivors scattered among
//! the active phase's pages kept a parked session at ~6.9 KiB of RSS
//! (BENCHMARKS.md); mimalloc (per-thread heaps across the blocking pool)
//! was worse, plain jemalloc better but not enough.
//!
//! Must be set up by `init` before the process starts any thread.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};

use tikv_jemalloc_sys as ffi;
use tikv_jemallocator::Jemalloc;

/// jemalloc's arena for long-lived allocations; 0 until `init` made it
/// (arena 0 always exists and is one of the ordinary ones).
static LONG_ARENA: AtomicU32 = AtomicU32::new(0);

/// The alignment malloc gives without asking (x86_64 and aarch64).
const MIN_ALIGN: usize = 16;

pub struct Tiered;

fn align_flags(layout: &Layout) -> i32 {
    if layout.align() <= MIN_ALIGN && layout.align() <= layout.size() {
        0
    } else {
        ffi::MALLOCX_ALIGN(layout.align())
    }
}

/// The flags that put an allocation in the long-lived arena, if this
/// thread marked it so.
fn long_flags() -> Option<i32> {
    let arena = LONG_ARENA.load(Ordering::Relaxed);
    if arena == 0 || !dormouse_alloc::is_long_lived() {
        return None;
    }
    // The thread cache would hand long-lived objects regions of the
    // ordinary arenas (and the reverse); bypass it.
    Some(ffi::MALLOCX_ARENA(arena as usize) | ffi::MALLOCX_TCACHE_NONE)
}

// SAFETY: every method forwards to jemalloc with the layout's size and
// alignment, as `tikv_jemallocator::Jemalloc` does; `sdallocx` frees from
// whichever arena the pointer came from.
unsafe impl GlobalAlloc for Tiered {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match long_flags() {
            // SAFETY: size is non-zero (GlobalAlloc's contract).
            Some(flags) => unsafe {
                ffi::mallocx(layout.size(), flags | align_flags(&layout)) as *mut u8
            },
            // SAFETY: forwarded with the caller's guarantees.
            None => unsafe { Jemalloc.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match long_flags() {
            // SAFETY: as in `alloc`.
            Some(flags) => unsafe {
                ffi::mallocx(
                    layout.size(),
                    flags | align_flags(&layout) | ffi::MALLOCX_ZERO,
                ) as *mut u8
            },
            // SAFETY: forwarded with the caller's guarantees.
            None => unsafe { Jemalloc.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { Jemalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match long_flags() {
            // SAFETY: `ptr` came from this allocator; new_size is non-zero.
            Some(flags) => unsafe {
                let new = Layout::from_size_align_unchecked(new_size, layout.align());
                ffi::rallocx(ptr as *mut c_void, new_size, flags | align_flags(&new)) as *mut u8
            },
            // SAFETY: forwarded with the caller's guarantees.
            None => unsafe { Jemalloc.realloc(ptr, layout, new_size) },
        }
    }
}

/// Creates the long-lived arena and installs the release hook. On failure
/// everything is allocated the ordinary way.
pub fn init() {
    // Purged pages go back at once (MADV_DONTNEED) instead of lingering as
    // "muzzy" (MADV_FREE) pages, which the kernel reclaims only under
    // pressure and counts in RSS until then: at 19,000 parked sessions
    // 3.8 KiB each instead of 2.9. Set for the arenas made from now on
    // and for arena 0, the only one that exists yet.
    for name in [c"arenas.muzzy_decay_ms", c"arena.0.muzzy_decay_ms"] {
        let mut zero: isize = 0;
        // SAFETY: both names take a signed size (ssize_t) written from
        // `zero`, whose size we pass; nothing is read back.
        unsafe {
            ffi::mallctl(
                name.as_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                (&mut zero as *mut isize).cast(),
                std::mem::size_of::<isize>(),
            );
        }
    }
    let mut arena: u32 = 0;
    let mut len = std::mem::size_of::<u32>();
    // SAFETY: "arenas.create" writes one unsigned int into `arena`, whose
    // size we pass; the name is a NUL-terminated string.
    let rc = unsafe {
        ffi::mallctl(
            c"arenas.create".as_ptr(),
            (&mut arena as *mut u32).cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    if rc == 0 && arena != 0 {
        LONG_ARENA.store(arena, Ordering::Relaxed);
    }
    dormouse_alloc::set_release(purge);
}

/// Hands every arena's unused dirty pages back to the kernel now, instead
/// of after jemalloc's decay time.
fn purge() {
    // MALLCTL_ARENAS_ALL is 4096 in jemalloc 5.
    // SAFETY: a write-less, read-less mallctl on a NUL-terminated name.
    unsafe {
        ffi::mallctl(
            c"arena.4096.purge".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        );
    }
}
