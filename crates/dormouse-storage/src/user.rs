//! `UserStore`: a cheap, cloneable handle on one user's Maildir tree, the
//! entry point for everything the session layer does outside a selected
//! mailbox (LIST, subscriptions, CREATE/DELETE/RENAME, STATUS, APPEND,
//! SELECT). Every path it touches is derived from a validated
//! `MailboxName` under the user's root.

use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard, PoisonError};

use crate::StorageError;
use crate::append::NewMessage;
use crate::fsutil::Fsync;
use crate::ids::{Uid, UidValidity};
use crate::list::MailboxInfo;
use crate::mailbox::Mailbox;
use crate::name::MailboxName;
use crate::registry::Registry;
use crate::special_use::SpecialUse;
use crate::status::MailboxStatus;
use crate::store::Shared;
use crate::subscriptions::{read_subscriptions, write_subscriptions};
use crate::view::{Access, View, uid};

/// The result of APPEND, for APPENDUID (RFC 4315).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendResult {
    pub uidvalidity: UidValidity,
    pub uids: Vec<Uid>,
}

#[derive(Clone)]
pub struct UserStore {
    shared: Arc<Shared>,
    root: Arc<PathBuf>,
}

impl UserStore {
    pub(crate) fn new(shared: Arc<Shared>, root: PathBuf) -> UserStore {
        UserStore {
            shared,
            root: Arc::new(root),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn separator(&self) -> char {
        self.shared.settings.separator
    }

    pub(crate) fn fsync(&self) -> Fsync {
        self.shared.settings.fsync
    }

    pub(crate) fn registry(&self) -> &Registry {
        &self.shared.registry
    }

    pub(crate) fn tree_lock(&self) -> MutexGuard<'_, ()> {
        self.shared
            .tree_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Validates a client-supplied name with this store's separator.
    pub fn name(&self, name: &str) -> Result<MailboxName, StorageError> {
        MailboxName::parse(name, self.separator())
    }

    pub(crate) fn dir_of(&self, name: &MailboxName) -> PathBuf {
        self.root.join(name.dir_name())
    }

    /// The shared state of an existing mailbox.
    pub(crate) fn mailbox(&self, name: &MailboxName) -> Result<Arc<Mailbox>, StorageError> {
        self.registry().open(&self.dir_of(name), self.fsync())
    }

    /// Every mailbox, INBOX first.
    pub fn list(&self) -> Result<Vec<MailboxInfo>, StorageError> {
        crate::list::list(&self.root, self.separator())
    }

    pub fn subscriptions(&self) -> Result<Vec<String>, StorageError> {
        read_subscriptions(&self.root, self.separator())
    }

    /// Subscribing to a name that does not exist is allowed (RFC 9051
    /// §6.3.7 leaves it to the server; Dovecot allows it).
    pub fn subscribe(&self, name: &MailboxName) -> Result<(), StorageError> {
        let _tree = self.tree_lock();
        let mut names = self.subscriptions()?;
        if names.iter().any(|n| n == name.as_str()) {
            return Ok(());
        }
        names.push(name.as_str().to_owned());
        write_subscriptions(&self.root, &names, self.separator(), self.fsync())
    }

    pub fn unsubscribe(&self, name: &MailboxName) -> Result<(), StorageError> {
        let _tree = self.tree_lock();
        let mut names = self.subscriptions()?;
        let before = names.len();
        names.retain(|n| n != name.as_str());
        if names.len() == before {
            return Ok(());
        }
        write_subscriptions(&self.root, &names, self.separator(), self.fsync())
    }

    pub fn create(
        &self,
        name: &MailboxName,
        special_use: Option<SpecialUse>,
    ) -> Result<(), StorageError> {
        crate::tree::create(self, name, special_use)
    }

    pub fn delete(&self, name: &MailboxName) -> Result<(), StorageError> {
        crate::tree::delete(self, name)
    }

    pub fn rename(&self, from: &MailboxName, to: &MailboxName) -> Result<(), StorageError> {
        crate::tree::rename(self, from, to)
    }

    pub fn status(&self, name: &MailboxName) -> Result<MailboxStatus, StorageError> {
        crate::status::status(&*self.mailbox(name)?)
    }

    /// SELECT (ReadWrite) or EXAMINE (ReadOnly).
    pub fn open(&self, name: &MailboxName, mode: Access) -> Result<View, StorageError> {
        View::open(self.clone(), self.mailbox(name)?, mode)
    }

    /// APPEND (or MULTIAPPEND: all messages or none). The UIDs are durable
    /// when this returns.
    pub fn append(
        &self,
        name: &MailboxName,
        msgs: Vec<NewMessage>,
    ) -> Result<AppendResult, StorageError> {
        let (uidvalidity, uids) = self.mailbox(name)?.append(msgs)?;
        Ok(AppendResult {
            uidvalidity: std::num::NonZeroU32::new(uidvalidity)
                .map(UidValidity)
                .ok_or_else(|| StorageError::Corrupt("UIDVALIDITY 0".into()))?,
            uids: uids.into_iter().filter_map(uid).collect(),
        })
    }

    /// Heap bytes of a mailbox's shared state (loading it if needed), for
    /// memory measurements.
    pub fn shared_heap_bytes(&self, name: &MailboxName) -> Result<usize, StorageError> {
        Ok(self.mailbox(name)?.heap_bytes())
    }
}
