//! Files that other programs write into a watched Maildir (an MTA's local
//! delivery, Dovecot, a MUA on the same disk) become change-bus notes
//! through inotify. One inotify instance serves the whole process (Linux
//! caps instances per user at 128 by default, and watches at a number that
//! scales with memory); a mailbox directory holds two watches (`new/` and
//! `cur/`) only while the bus has a subscriber for it.
//!
//! An event does not carry the change: it marks the mailbox dirty, and the
//! store's `refresh` (on the blocking pool) compares the directory with the
//! index and publishes what it finds. Dormouse's own writes trigger events
//! too; for them `refresh` sees unchanged directory stamps and publishes
//! nothing. Events that arrive together are refreshed together, once per
//! mailbox. If the kernel's event queue overflows, every watched mailbox
//! is refreshed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use dormouse_storage::{Store, WatchHook};
use futures_util::StreamExt;
use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask, Watches};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

/// Events read per wakeup; one event is 16 bytes plus the file name.
const EVENT_BUFFER: usize = 16 * 1024;

/// What makes a Maildir subdirectory worth a look: a file arriving
/// (written in place or renamed in from `tmp/`), leaving (expunged by
/// another program), or renamed within `cur/` (flags changed).
fn mask() -> WatchMask {
    WatchMask::CREATE
        | WatchMask::MOVED_TO
        | WatchMask::MOVED_FROM
        | WatchMask::DELETE
        | WatchMask::ONLYDIR
        | WatchMask::EXCL_UNLINK
}

/// The watches held, by mailbox directory and by descriptor.
#[derive(Default)]
struct Table {
    /// One copy of each path, shared by both maps.
    by_dir: HashMap<Arc<Path>, [Option<WatchDescriptor>; 2]>,
    by_wd: HashMap<WatchDescriptor, Arc<Path>>,
    /// Set after the first failed `inotify_add_watch`, so that a full
    /// watch table is logged once, not once per mailbox.
    warned: bool,
}

/// The bus's watch hook: adds and removes inotify watches.
pub(crate) struct FsWatcher {
    watches: Mutex<(Watches, Table)>,
    /// Directories just watched: looked at once more, since a file that
    /// arrived between the subscriber's last look and the new watch raised
    /// no event.
    fresh: Mutex<Vec<PathBuf>>,
    bell: tokio::sync::Notify,
}

impl WatchHook for FsWatcher {
    fn watch(&self, dir: &Path) -> bool {
        let mut guard = self.watches.lock().unwrap_or_else(PoisonError::into_inner);
        let (watches, table) = &mut *guard;
        let shared: Arc<Path> = Arc::from(dir);
        let mut wds = [None, None];
        for (slot, sub) in wds.iter_mut().zip(["new", "cur"]) {
            match watches.add(dir.join(sub), mask()) {
                Ok(wd) => {
                    table.by_wd.insert(wd.clone(), shared.clone());
                    *slot = Some(wd);
                }
                Err(e) if !table.warned => {
                    table.warned = true;
                    // Sessions still see outside changes at their next
                    // command; only IDLE loses the instant notice.
                    warn!(error = %e, "inotify watch failed (raise fs.inotify.max_user_watches); outside changes reach IDLE clients late");
                }
                Err(e) => debug!(error = %e, "inotify watch failed"),
            }
        }
        table.by_dir.insert(shared, wds);
        self.fresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(dir.to_path_buf());
        self.bell.notify_one();
        // Trusted only once the first refresh has looked at it: a file that
        // arrived before the watch raised no event.
        false
    }

    fn unwatch(&self, dir: &Path) {
        let mut guard = self.watches.lock().unwrap_or_else(PoisonError::into_inner);
        let (watches, table) = &mut *guard;
        let Some(wds) = table.by_dir.remove(dir) else {
            return;
        };
        for wd in wds.into_iter().flatten() {
            // The kernel gives a directory one descriptor whatever its
            // path: after a rename the same watch may serve another
            // mailbox, which then owns it.
            if table.by_wd.get(&wd).is_some_and(|d| &**d != dir) {
                continue;
            }
            table.by_wd.remove(&wd);
            // Fails when the kernel already dropped it (directory gone).
            let _ = watches.remove(wd);
        }
    }
}

impl FsWatcher {
    /// The mailbox directory a watch belongs to.
    fn dir_of(&self, wd: &WatchDescriptor) -> Option<PathBuf> {
        let guard = self.watches.lock().unwrap_or_else(PoisonError::into_inner);
        guard.1.by_wd.get(wd).map(|d| d.to_path_buf())
    }

    /// Whether both of `dir`'s watches are in place.
    fn complete(&self, dir: &Path) -> bool {
        let guard = self.watches.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .1
            .by_dir
            .get(dir)
            .is_some_and(|wds| wds.iter().all(Option::is_some))
    }

    /// The kernel removed a watch (its directory was deleted or renamed
    /// away): forget it, so the descriptor number can be reused safely.
    /// Returns the mailbox it belonged to, which is no longer watched.
    fn forget(&self, wd: &WatchDescriptor) -> Option<PathBuf> {
        let mut guard = self.watches.lock().unwrap_or_else(PoisonError::into_inner);
        let table = &mut guard.1;
        let dir = table.by_wd.remove(wd)?;
        if let Some(wds) = table.by_dir.get_mut(&*dir) {
            for slot in wds.iter_mut() {
                if slot.as_ref() == Some(wd) {
                    *slot = None;
                }
            }
        }
        Some(dir.to_path_buf())
    }
}

/// Starts the watcher: installs it as the bus's watch hook and spawns the
/// task that turns events into refreshes. Without inotify (a kernel or
/// sandbox that refuses it) the server runs on, and says so once.
pub(crate) fn start(
    store: Store,
    shutdown: CancellationToken,
    tracker: &tokio_util::task::TaskTracker,
) {
    let inotify = match Inotify::init() {
        Ok(inotify) => inotify,
        Err(e) => {
            warn!(error = %e, "inotify unavailable; outside changes reach IDLE clients only at their next command");
            return;
        }
    };
    let watches = inotify.watches();
    let stream = match inotify.into_event_stream(vec![0u8; EVENT_BUFFER]) {
        Ok(stream) => stream,
        Err(e) => {
            warn!(error = %e, "inotify unavailable; outside changes reach IDLE clients only at their next command");
            return;
        }
    };
    let watcher = Arc::new(FsWatcher {
        watches: Mutex::new((watches, Table::default())),
        fresh: Mutex::new(Vec::new()),
        bell: tokio::sync::Notify::new(),
    });
    store.bus().set_watch_hook(watcher.clone());
    tracker.spawn(async move {
        watch_loop(&watcher, &store, stream, &shutdown).await;
        // Whatever stopped the loop, nothing reports outside changes any
        // more: readers must look at the disk again.
        store.bus().clear_watch_hook();
    });
}

/// Turns inotify events into refreshes until shutdown or a read error.
async fn watch_loop(
    watcher: &FsWatcher,
    store: &Store,
    stream: inotify::EventStream<Vec<u8>>,
    shutdown: &CancellationToken,
) {
    let mut stream = std::pin::pin!(stream);
    loop {
        let mut dirty = HashSet::new();
        let mut overflow = false;
        let first = tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = watcher.bell.notified() => None,
            event = stream.next() => Some(event),
        };
        let fresh =
            std::mem::take(&mut *watcher.fresh.lock().unwrap_or_else(PoisonError::into_inner));
        dirty.extend(fresh.iter().cloned());
        let mut next = first;
        // Take every event already queued, so a burst is one refresh per
        // mailbox.
        while let Some(event) = next {
            match event {
                None => return,
                Some(Err(e)) => {
                    warn!(error = %e, "inotify read failed; watcher stopped");
                    return;
                }
                Some(Ok(event)) => {
                    if event.mask.contains(EventMask::Q_OVERFLOW) {
                        overflow = true;
                    } else if event.mask.contains(EventMask::IGNORED) {
                        if let Some(dir) = watcher.forget(&event.wd) {
                            store.bus().set_watched(&dir, false);
                        }
                    } else if let Some(dir) = watcher.dir_of(&event.wd) {
                        dirty.insert(dir);
                    }
                }
            }
            next = futures_util::FutureExt::now_or_never(stream.next());
        }
        if overflow {
            warn!("inotify queue overflowed; looking at every watched mailbox");
            dirty.extend(store.bus().watched_dirs());
        }
        if dirty.is_empty() {
            continue;
        }
        let refresher = store.clone();
        let refreshed = tokio::task::spawn_blocking(move || {
            dirty
                .into_iter()
                .filter_map(|dir| match refresher.refresh(&dir) {
                    Ok(()) => None,
                    Err(e) => {
                        debug!(error = %e, "refresh after an outside change failed");
                        Some(dir)
                    }
                })
                .collect::<Vec<_>>()
        })
        .await;
        let failed = match refreshed {
            Ok(failed) => failed,
            Err(e) => {
                warn!(error = %e, "refresh task failed");
                Vec::new()
            }
        };
        // A mailbox whose refresh failed may hold changes nobody saw: its
        // readers look at the disk themselves until a refresh succeeds.
        for dir in &failed {
            store.bus().set_watched(dir, false);
        }
        // A new watch is trusted once its first look is done.
        for dir in fresh.iter().filter(|d| !failed.contains(d)) {
            store.bus().set_watched(dir, watcher.complete(dir));
        }
    }
}
