//! The process-wide store: settings, the registry of open mailboxes, and
//! handing out `UserStore`s (creating a new user's Maildir with INBOX and
//! the five special-use mailboxes on first use). One `Store` per process:
//! two stores on the same Maildir would each keep their own copy of a
//! mailbox's state and corrupt each other's UIDs.

use std::fs;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::StorageError;
use crate::bus::ChangeBus;
use crate::fsutil::{Fsync, fsync_dir};
use crate::registry::Registry;
use crate::special_use::DEFAULT_MAILBOXES;
use crate::subscriptions::{SUBSCRIPTIONS_NAME, write_subscriptions};
use crate::tree::create_maildir;
use crate::user::UserStore;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreSettings {
    /// Hierarchy separator shown to clients: '.' (Dovecot's default for
    /// Maildir++) or '/'.
    pub separator: char,
    /// `Never` only for tests and benchmarks.
    pub fsync: Fsync,
}

impl Default for StoreSettings {
    fn default() -> StoreSettings {
        StoreSettings {
            separator: '.',
            fsync: Fsync::Always,
        }
    }
}

pub(crate) struct Shared {
    pub settings: StoreSettings,
    pub registry: Registry,
    /// Serialises changes to mailbox trees (create, delete, rename) and to
    /// the per-user subscription and special-use files. They are rare, and
    /// a read-modify-write of those files must not interleave.
    pub tree_lock: Mutex<()>,
}

#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
}

impl Store {
    pub fn new(settings: StoreSettings) -> Store {
        Store {
            shared: Arc::new(Shared {
                settings,
                registry: Registry::new(ChangeBus::new()),
                tree_lock: Mutex::new(()),
            }),
        }
    }

    pub fn settings(&self) -> StoreSettings {
        self.shared.settings
    }

    /// The user whose Maildir root is `root`, creating it (with INBOX,
    /// Sent, Drafts, Trash, Junk and Archive, all subscribed) if it does not
    /// exist yet.
    pub fn user(&self, root: PathBuf) -> Result<UserStore, StorageError> {
        let settings = self.shared.settings;
        if settings.separator != '.' && settings.separator != '/' {
            return Err(StorageError::Invariant(
                "hierarchy separator must be '.' or '/'".into(),
            ));
        }
        if !root.join("cur").is_dir() {
            let _tree = self
                .shared
                .tree_lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !root.join("cur").is_dir() {
                create_user(&root, settings)?;
            }
        }
        let root = fs::canonicalize(&root)?;
        Ok(UserStore::new(self.shared.clone(), root))
    }

    /// The process's change bus (for the file-system watcher and metrics).
    pub fn bus(&self) -> &Arc<ChangeBus> {
        self.shared.registry.bus()
    }

    /// Looks at the mailbox in `dir` again because something outside
    /// dormouse may have changed its files (the file-system watcher calls
    /// this); what it finds is published on the bus. A directory that is
    /// no longer a mailbox is ignored. Blocking.
    pub fn refresh(&self, dir: &std::path::Path) -> Result<(), StorageError> {
        let mailbox = match self.shared.registry.open(dir, self.shared.settings.fsync) {
            Ok(mailbox) => mailbox,
            Err(StorageError::NoSuchMailbox) => return Ok(()),
            Err(e) => return Err(e),
        };
        match mailbox.look_at_disk(crate::scan::ScanMode::ReadOnly) {
            Err(StorageError::NoSuchMailbox) => Ok(()),
            other => other,
        }
    }

    /// Drops what the store keeps for mailboxes nobody has open (see
    /// `Registry::sweep`); the server calls it after many sessions parked.
    pub fn sweep(&self) {
        self.shared.registry.sweep();
    }

    /// How many mailboxes are open (held by at least one view or call).
    pub fn open_mailboxes(&self) -> usize {
        self.shared.registry.open_count()
    }
}

/// Lays out a new user's Maildir. INBOX's `cur/` is made last: it is what
/// marks the root as set up, so an interrupted setup is finished next time.
fn create_user(root: &std::path::Path, settings: StoreSettings) -> Result<(), StorageError> {
    fs::create_dir_all(root)?;
    let mut subscribed = vec![crate::name::INBOX.to_owned()];
    for (name, _) in DEFAULT_MAILBOXES {
        let parsed = crate::name::MailboxName::parse(name, settings.separator)?;
        create_maildir(&root.join(parsed.dir_name()), crate::tree::Kind::Folder)?;
        subscribed.push(name.to_owned());
    }
    if !root.join(SUBSCRIPTIONS_NAME).exists() {
        write_subscriptions(root, &subscribed, settings.separator, settings.fsync)?;
    }
    create_maildir(root, crate::tree::Kind::Inbox)?;
    if settings.fsync == Fsync::Always {
        fsync_dir(root)?;
        if let Some(parent) = root.parent() {
            fsync_dir(parent)?;
        }
    }
    tracing::info!("created a new mail root");
    Ok(())
}
