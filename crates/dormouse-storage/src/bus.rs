//! The change bus: the one way sessions learn that a mailbox changed.
//! Storage publishes a [`Note`] for every committed change to a mailbox
//! (append, delivery, flag change, expunge, a file found from another
//! program, delete, rename) while it still holds the mailbox's write lock,
//! so notes for one mailbox go out in commit order. Subscribers are grouped
//! by mailbox directory: publishing to a mailbox with k subscribers costs a
//! hash lookup and k calls, whatever the number of sessions in the process.
//!
//! A note says *that* a mailbox changed and what kind of change it was, not
//! the change itself: the subscriber syncs its view (or, for a parked
//! session, its compact record) against the shared state, which is what
//! keeps the result exact and ordered even if notes coalesce.
//!
//! A [`WatchHook`] hears when a mailbox gains its first subscriber and loses
//! its last, so a file-system watch (inotify) is held only while someone is
//! watching.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use slab::Slab;

/// What kind of change a note reports; several bits may be set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoteKind(u8);

impl NoteKind {
    /// New messages (an APPEND, a delivery, a COPY/MOVE target, a file
    /// another program wrote).
    pub const APPENDED: NoteKind = NoteKind(1);
    /// Flags or keywords of existing messages changed.
    pub const FLAGS: NoteKind = NoteKind(2);
    /// Messages were expunged.
    pub const EXPUNGED: NoteKind = NoteKind(4);
    /// The mailbox was deleted or renamed away.
    pub const GONE: NoteKind = NoteKind(8);

    pub const fn union(self, other: NoteKind) -> NoteKind {
        NoteKind(self.0 | other.0)
    }

    pub const fn contains(self, other: NoteKind) -> bool {
        self.0 & other.0 == other.0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One published change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    /// The mailbox's HIGHESTMODSEQ after the change.
    pub modseq: u64,
    /// The mailbox's UIDNEXT after the change.
    pub uid_next: u32,
}

/// Someone to tell about changes. `notify` runs on the publisher's thread
/// while the mailbox is locked: it must be quick and must not call into the
/// store or the bus (wake a task, set a flag, push to a queue).
pub trait Subscriber: Send + Sync + 'static {
    fn notify(&self, note: &Note);
}

/// Told when a mailbox directory gains its first subscriber (`watch`) and
/// loses its last (`unwatch`). Called with the bus's shard lock held, so it
/// must not subscribe or publish itself.
pub trait WatchHook: Send + Sync + 'static {
    /// Starts watching `dir`; true if every outside change to it is
    /// reported from now on (through `Store::refresh`), so that readers may
    /// trust the in-memory state without looking at the directory. A hook
    /// that must first look at the directory once returns false and calls
    /// [`ChangeBus::set_watched`] when it has.
    fn watch(&self, dir: &Path) -> bool;
    fn unwatch(&self, dir: &Path);
}

/// Shards of the topic map, so subscribing sessions on different mailboxes
/// rarely contend on one lock.
const SHARDS: usize = 64;

type Topics = HashMap<Arc<Path>, Arc<Topic>>;

/// The process's change bus; one per `Store`.
pub struct ChangeBus {
    shards: Box<[Mutex<Topics>]>,
    hasher: std::collections::hash_map::RandomState,
    hook: RwLock<Option<Arc<dyn WatchHook>>>,
    published: AtomicU64,
}

impl fmt::Debug for ChangeBus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeBus")
            .field("mailboxes", &self.watched_mailboxes())
            .field("published", &self.published.load(Ordering::Relaxed))
            .finish()
    }
}

/// The subscribers of one mailbox directory.
struct Topic {
    /// Shared with the topic map's key: one copy of the path per mailbox.
    dir: Arc<Path>,
    subscribers: Mutex<Slab<Arc<dyn Subscriber>>>,
    /// The watch hook reports this directory's outside changes.
    watched: std::sync::atomic::AtomicBool,
}

/// A live subscription; dropping it unsubscribes.
pub struct Subscription {
    bus: Arc<ChangeBus>,
    topic: Arc<Topic>,
    key: usize,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Default for ChangeBus {
    fn default() -> Self {
        ChangeBus {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: std::collections::hash_map::RandomState::new(),
            hook: RwLock::new(None),
            published: AtomicU64::new(0),
        }
    }
}

impl ChangeBus {
    pub fn new() -> Arc<ChangeBus> {
        Arc::new(ChangeBus::default())
    }

    /// Installs the hook told about first and last subscribers. Mailboxes
    /// already watched are announced to it at once.
    pub fn set_watch_hook(&self, hook: Arc<dyn WatchHook>) {
        *self.hook.write().unwrap_or_else(PoisonError::into_inner) = Some(hook.clone());
        for shard in self.shards.iter() {
            let topics = shard.lock().unwrap_or_else(PoisonError::into_inner);
            for (dir, topic) in topics.iter() {
                let watched = hook.watch(dir);
                topic.watched.store(watched, Ordering::Release);
            }
        }
    }

    fn shard(&self, dir: &Path) -> &Mutex<Topics> {
        let i = (self.hasher.hash_one(dir) % SHARDS as u64) as usize;
        // `i < SHARDS == shards.len()` by construction.
        &self.shards[i]
    }

    fn hook(&self) -> Option<Arc<dyn WatchHook>> {
        self.hook
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Subscribes `subscriber` to the mailbox in `dir` (the directory the
    /// store keeps it in) until the returned handle is dropped.
    pub fn subscribe(
        self: &Arc<Self>,
        dir: &Path,
        subscriber: Arc<dyn Subscriber>,
    ) -> Subscription {
        let mut topics = self
            .shard(dir)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let topic = match topics.get(dir) {
            Some(topic) => topic.clone(),
            None => {
                let watched = self.hook().is_some_and(|hook| hook.watch(dir));
                let dir: Arc<Path> = Arc::from(dir);
                let topic = Arc::new(Topic {
                    dir: dir.clone(),
                    // Most mailboxes have one watcher; room for more grows.
                    subscribers: Mutex::new(Slab::with_capacity(1)),
                    watched: std::sync::atomic::AtomicBool::new(watched),
                });
                topics.insert(dir, topic.clone());
                topic
            }
        };
        let key = topic
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(subscriber);
        Subscription {
            bus: self.clone(),
            topic,
            key,
        }
    }

    /// Tells every subscriber of `dir` about `note`, in subscription order
    /// of their slots. Returns how many were told.
    pub fn publish(&self, dir: &Path, note: &Note) -> usize {
        self.published.fetch_add(1, Ordering::Relaxed);
        let topic = {
            let topics = self
                .shard(dir)
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match topics.get(dir) {
                Some(topic) => topic.clone(),
                None => return 0,
            }
        };
        let subscribers = topic
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (_, subscriber) in subscribers.iter() {
            subscriber.notify(note);
        }
        subscribers.len()
    }

    /// Says whether outside changes to `dir` are now reported (the watch
    /// hook, once its first look at a new directory is done, or when it
    /// lost the directory's watches).
    pub fn set_watched(&self, dir: &Path, watched: bool) {
        let topics = self
            .shard(dir)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(topic) = topics.get(dir) {
            topic.watched.store(watched, Ordering::Release);
        }
    }

    /// Removes the watch hook (it stopped working): no directory counts as
    /// watched any more, so readers look at the disk again.
    pub fn clear_watch_hook(&self) {
        *self.hook.write().unwrap_or_else(PoisonError::into_inner) = None;
        for shard in self.shards.iter() {
            let topics = shard.lock().unwrap_or_else(PoisonError::into_inner);
            for topic in topics.values() {
                topic.watched.store(false, Ordering::Release);
            }
        }
    }

    /// Whether outside changes to `dir` are reported by the watch hook, so
    /// its in-memory state can be trusted without a look at the disk.
    pub fn is_watched(&self, dir: &Path) -> bool {
        let topics = self
            .shard(dir)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        topics
            .get(dir)
            .is_some_and(|t| t.watched.load(Ordering::Acquire))
    }

    /// How many mailboxes have at least one subscriber.
    pub fn watched_mailboxes(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    /// How many notes were published since start (for metrics).
    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Relaxed)
    }

    /// The mailbox directories with subscribers (after an inotify queue
    /// overflow, every one of them must be looked at again).
    pub fn watched_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        for shard in self.shards.iter() {
            let topics = shard.lock().unwrap_or_else(PoisonError::into_inner);
            dirs.extend(topics.keys().map(|d| d.to_path_buf()));
        }
        dirs
    }
}

impl Subscription {
    /// The mailbox directory this subscription watches.
    pub fn dir(&self) -> &Path {
        &self.topic.dir
    }

    /// Tells `subscriber` of this mailbox's changes from now on instead of
    /// the one it was made for, with no moment in which neither hears.
    pub fn redirect(&self, subscriber: Arc<dyn Subscriber>) {
        let mut subscribers = self
            .topic
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = subscribers.get_mut(self.key) {
            *slot = subscriber;
        }
    }

    /// Whether every change to the mailbox reaches this subscription,
    /// outside changes included (see [`ChangeBus::is_watched`]).
    pub fn is_watched(&self) -> bool {
        self.topic.watched.load(Ordering::Acquire)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // Shard before topic, as in `subscribe`: the emptiness check and the
        // removal must not race a new subscriber.
        let mut topics = self
            .bus
            .shard(&self.topic.dir)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut subscribers = self
            .topic
            .subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        subscribers.try_remove(self.key);
        if subscribers.is_empty() {
            drop(subscribers);
            if topics
                .get(&self.topic.dir)
                .is_some_and(|t| Arc::ptr_eq(t, &self.topic))
            {
                topics.remove(&self.topic.dir);
                if let Some(hook) = self.bus.hook() {
                    hook.unwatch(&self.topic.dir);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[derive(Default)]
    struct Counter(AtomicUsize, Mutex<Vec<Note>>);

    impl Subscriber for Counter {
        fn notify(&self, note: &Note) {
            self.0.fetch_add(1, Ordering::Relaxed);
            self.1.lock().unwrap().push(*note);
        }
    }

    #[derive(Default)]
    struct Hook(Mutex<Vec<String>>);

    impl WatchHook for Hook {
        fn watch(&self, dir: &Path) -> bool {
            self.0.lock().unwrap().push(format!("+{}", dir.display()));
            true
        }
        fn unwatch(&self, dir: &Path) {
            self.0.lock().unwrap().push(format!("-{}", dir.display()));
        }
    }

    fn note(modseq: u64) -> Note {
        Note {
            kind: NoteKind::APPENDED,
            modseq,
            uid_next: 1,
        }
    }

    #[test]
    fn publish_reaches_only_that_mailboxs_subscribers_in_order() {
        let bus = ChangeBus::new();
        let a = Arc::new(Counter::default());
        let b = Arc::new(Counter::default());
        let _sa = bus.subscribe(Path::new("/m/a"), a.clone());
        let _sb = bus.subscribe(Path::new("/m/b"), b.clone());
        assert_eq!(bus.publish(Path::new("/m/a"), &note(1)), 1);
        assert_eq!(bus.publish(Path::new("/m/a"), &note(2)), 1);
        assert_eq!(bus.publish(Path::new("/m/c"), &note(3)), 0);
        let seen: Vec<u64> = a.1.lock().unwrap().iter().map(|n| n.modseq).collect();
        assert_eq!(seen, vec![1, 2]);
        assert_eq!(b.0.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn dropping_the_last_subscription_unwatches() {
        let bus = ChangeBus::new();
        let hook = Arc::new(Hook::default());
        bus.set_watch_hook(hook.clone());
        let c = Arc::new(Counter::default());
        let s1 = bus.subscribe(Path::new("/m/a"), c.clone());
        let s2 = bus.subscribe(Path::new("/m/a"), c.clone());
        assert_eq!(bus.watched_mailboxes(), 1);
        drop(s1);
        assert_eq!(bus.publish(Path::new("/m/a"), &note(1)), 1);
        drop(s2);
        assert_eq!(bus.watched_mailboxes(), 0);
        assert_eq!(bus.publish(Path::new("/m/a"), &note(2)), 0);
        let s3 = bus.subscribe(Path::new("/m/a"), c);
        drop(s3);
        assert_eq!(
            *hook.0.lock().unwrap(),
            vec!["+/m/a", "-/m/a", "+/m/a", "-/m/a"]
        );
    }

    #[test]
    fn a_late_hook_hears_of_mailboxes_already_watched() {
        let bus = ChangeBus::new();
        let _s = bus.subscribe(Path::new("/m/x"), Arc::new(Counter::default()));
        let hook = Arc::new(Hook::default());
        bus.set_watch_hook(hook.clone());
        assert_eq!(*hook.0.lock().unwrap(), vec!["+/m/x"]);
    }

    #[test]
    fn kinds_combine() {
        let k = NoteKind::APPENDED.union(NoteKind::EXPUNGED);
        assert!(k.contains(NoteKind::APPENDED));
        assert!(k.contains(NoteKind::EXPUNGED));
        assert!(!k.contains(NoteKind::FLAGS));
        assert!(NoteKind::default().is_empty());
    }
}
