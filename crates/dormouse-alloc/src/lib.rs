//! Telling the allocator which allocations will live long. A parked
//! session keeps a dozen small allocations (its user, store root, mailbox
//! name, UID ranges, table entry, bus and inotify entries) for hours, while
//! everything else a session allocates lives for a command. Mixed in one
//! heap, the few survivors pin every page the active phase touched, and a
//! parked session costs several KiB of RSS instead of its ~1 KiB of live
//! data. Code that makes long-lived allocations runs them inside
//! [`long_lived`]; a global allocator that can (the binary's, on jemalloc)
//! puts them in an arena of their own, where they pack densely, and
//! [`release`] hands the emptied pages of the other arenas back.
//!
//! This crate only carries the flag and the release hook, so libraries can
//! mark their allocations without depending on an allocator; without the
//! binary's allocator (tests, embedders) marking changes nothing.

use std::cell::Cell;
use std::sync::OnceLock;

thread_local! {
    static LONG_LIVED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with this thread's allocations marked long-lived.
pub fn long_lived<R>(f: impl FnOnce() -> R) -> R {
    marked(true, f)
}

/// Runs `f` with the mark lifted, inside a long-lived region (a task
/// spawned from there is short-lived data).
pub fn short_lived<R>(f: impl FnOnce() -> R) -> R {
    marked(false, f)
}

fn marked<R>(long: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0;
            let _ = LONG_LIVED.try_with(|c| c.set(previous));
        }
    }
    let previous = LONG_LIVED.try_with(|c| c.replace(long)).unwrap_or(false);
    let _restore = Restore(previous);
    f()
}

/// Whether this thread's allocations are marked long-lived now (false
/// during thread teardown).
pub fn is_long_lived() -> bool {
    LONG_LIVED.try_with(Cell::get).unwrap_or(false)
}

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Installs what [`release`] calls (the binary's allocator does, once).
pub fn set_release(release: fn()) {
    let _ = RELEASE.set(release);
}

/// Asks the allocator to hand free memory back to the kernel; false if
/// no allocator installed a way to (the caller may try its own).
pub fn release() -> bool {
    match RELEASE.get() {
        Some(release) => {
            release();
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_holds_inside_and_is_restored_after_even_when_nested() {
        assert!(!is_long_lived());
        long_lived(|| {
            assert!(is_long_lived());
            long_lived(|| assert!(is_long_lived()));
            short_lived(|| assert!(!is_long_lived()));
            assert!(is_long_lived());
        });
        assert!(!is_long_lived());
        let caught = std::panic::catch_unwind(|| long_lived(|| panic!("inside")));
        assert!(caught.is_err());
        assert!(!is_long_lived());
    }
}
