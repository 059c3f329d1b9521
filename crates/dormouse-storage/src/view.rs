//! One session's view of a selected mailbox: the UIDs it has been told
//! about (as ranges), the modseq it has caught up to, and the expunges it
//! may not report yet. Sequence numbers are positions in that set, so they
//! change only at `sync`, as IMAP requires. The messages themselves live in
//! the shared `Mailbox`; a view costs O(gaps in its UID set), not
//! O(messages).

use std::num::NonZeroU32;
use std::sync::Arc;

use crate::StorageError;
use crate::bus::{Subscriber, Subscription};
use crate::flag_store::FlagOp;
use crate::ids::{ModSeq, Uid, UidValidity};
use crate::index::record::Record;
use crate::mailbox::Mailbox;
use crate::meta::MessageMeta;
use crate::name::MailboxName;
use crate::scan::ScanMode;
use crate::uidset::UidSet;
use crate::user::UserStore;

/// How a session opened the mailbox (SELECT or EXAMINE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
}

/// Whether `sync` may renumber messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqPolicy {
    /// During FETCH, STORE and SEARCH by sequence number: expunges are not
    /// reported and the expunged UIDs keep their sequence numbers until a
    /// later `Update` (RFC 9051 §7.5.1).
    Keep,
    /// Report expunges and renumber.
    Update,
}

/// What the session must tell the client after a `sync`, in this order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The keyword table grew (FLAGS / PERMANENTFLAGS need resending).
    Keywords(Vec<String>),
    /// `* <seq> EXPUNGE`, already renumbered one by one; `uid` is there for
    /// VANISHED (QRESYNC).
    Expunged { seq: u32, uid: Uid },
    /// `* <n> EXISTS`
    Exists(u32),
    /// `* <n> RECENT`
    Recent(u32),
    /// `* <seq> FETCH (FLAGS …)`: flags changed by someone else.
    Flags {
        seq: u32,
        uid: Uid,
        meta: MessageMeta,
    },
}

/// The result of `View::store`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreResult {
    /// Every targeted message that still exists and was not rejected, with
    /// its flags now, in UID order.
    pub messages: Vec<(Uid, MessageMeta)>,
    /// Rejected by UNCHANGEDSINCE: the MODIFIED response code.
    pub modified: Vec<Uid>,
}

/// The result of COPY/MOVE, for COPYUID (RFC 4315).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyResult {
    pub uidvalidity: UidValidity,
    pub source_uids: Vec<Uid>,
    pub dest_uids: Vec<Uid>,
}

/// A view reduced to what it must remember while its session is parked
/// (hibernated): no mailbox, no user store, no subscription. Built only
/// from a view that is caught up and owes nothing (see [`View::park`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParkedView {
    access: Access,
    uidvalidity: UidValidity,
    uids: UidSet,
    uid_next: u32,
    seen_modseq: u64,
    recent: UidSet,
    keywords_seen: usize,
}

impl ParkedView {
    /// How many messages the client knows of (its EXISTS).
    pub fn exists(&self) -> u32 {
        self.uids.len()
    }

    pub fn uidvalidity(&self) -> UidValidity {
        self.uidvalidity
    }

    /// Heap bytes held, for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.uids.heap_bytes() + self.recent.heap_bytes()
    }
}

/// Why a view cannot be parked as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unparkable {
    /// Expunges or own changes are waiting to be reported by a `sync`.
    Owes,
    /// The mailbox changed since the view's last `sync`.
    Behind,
}

pub struct View {
    user: UserStore,
    mailbox: Arc<Mailbox>,
    access: Access,
    uidvalidity: UidValidity,
    uids: UidSet,
    /// Every shared UID below this is in `uids` or was expunged.
    uid_next: u32,
    seen_modseq: u64,
    /// Expunged UIDs still in `uids` (SeqPolicy::Keep), ascending.
    pending: Vec<u32>,
    /// UIDs this view holds \Recent for.
    recent: UidSet,
    /// Modseq ranges of this view's own STOREs since the last sync.
    own: Vec<(u64, u64)>,
    /// UIDs whose own STORE since the last sync also carried someone
    /// else's change this view was not yet told of: `sync` reports them
    /// although their modseq is the view's own.
    owed: Vec<u32>,
    keywords_seen: usize,
    /// The change-bus subscription that wakes this view's session; dropped
    /// with the view.
    watch: Option<Subscription>,
}

pub(crate) fn uid(n: u32) -> Option<Uid> {
    NonZeroU32::new(n).map(Uid)
}

fn uids_of(v: &[u32]) -> Vec<Uid> {
    v.iter().filter_map(|&n| uid(n)).collect()
}

impl View {
    pub(crate) fn open(
        user: UserStore,
        mailbox: Arc<Mailbox>,
        access: Access,
    ) -> Result<View, StorageError> {
        mailbox.sync_disk(scan_mode(access))?;
        let mut view = {
            let st = mailbox.read()?;
            let uidvalidity = NonZeroU32::new(st.uidvalidity)
                .map(UidValidity)
                .ok_or_else(|| StorageError::Corrupt("UIDVALIDITY 0".into()))?;
            let mut uids = UidSet::new();
            for rec in st.messages.iter() {
                uids.push(rec.uid);
            }
            View {
                user,
                mailbox: mailbox.clone(),
                access,
                uidvalidity,
                uids,
                uid_next: st.next_uid,
                seen_modseq: st.highest_modseq,
                pending: Vec::new(),
                recent: UidSet::new(),
                own: Vec::new(),
                owed: Vec::new(),
                keywords_seen: defined(&st.keywords),
                watch: None,
            }
        };
        view.claim_recent()?;
        Ok(view)
    }

    pub fn access(&self) -> Access {
        self.access
    }

    pub fn uidvalidity(&self) -> UidValidity {
        self.uidvalidity
    }

    pub fn uid_next(&self) -> Uid {
        uid(self.uid_next).unwrap_or(Uid(NonZeroU32::MIN))
    }

    pub fn exists(&self) -> u32 {
        self.uids.len()
    }

    pub fn recent(&self) -> u32 {
        self.recent.intersection_len(&self.uids)
    }

    /// Whether this session holds `\Recent` for `uid` (RFC 3501: only the
    /// first read-write session to see a new message does).
    pub fn is_recent(&self, uid: Uid) -> bool {
        self.recent.contains(uid.0.get())
    }

    pub fn highest_modseq(&self) -> ModSeq {
        ModSeq(self.seen_modseq)
    }

    pub fn uid(&self, seq: u32) -> Option<Uid> {
        self.uids.uid_at(seq).and_then(uid)
    }

    pub fn seq(&self, uid: Uid) -> Option<u32> {
        self.uids.seq_of(uid.0.get())
    }

    /// The view's UIDs in sequence order.
    pub fn uids(&self) -> impl Iterator<Item = Uid> + '_ {
        self.uids.iter().filter_map(uid)
    }

    /// The keyword names defined in this mailbox (for FLAGS).
    pub fn keywords(&self) -> Result<Vec<String>, StorageError> {
        let st = self.mailbox.read()?;
        Ok(st
            .keywords
            .names()
            .iter()
            .filter(|n| !n.is_empty())
            .cloned()
            .collect())
    }

    /// Flags, keywords, modseq, date and size of a message in this view;
    /// `None` if it was expunged since (or is not in the view).
    pub fn meta(&self, uid: Uid) -> Option<MessageMeta> {
        let n = uid.0.get();
        if !self.uids.contains(n) {
            return None;
        }
        let st = self.mailbox.read().ok()?;
        st.messages.by_uid(n).map(|rec| MessageMeta::of(&st, rec))
    }

    /// The sequence number of the first message without `\Seen` (for
    /// IMAP4rev1's `[UNSEEN n]`); one pass over the shared table, no
    /// allocation. Messages expunged but still numbered are skipped.
    pub fn first_unseen(&self) -> Option<u32> {
        let st = self.mailbox.read().ok()?;
        let end = st.messages.first_at_or_above(self.uid_next);
        let rec = st
            .messages
            .records_from(0)
            .get(..end)?
            .iter()
            .filter(|r| !r.flags.contains(crate::flags::SystemFlags::SEEN))
            .find(|r| self.uids.contains(r.uid))?;
        self.uids.seq_of(rec.uid)
    }

    /// The whole message, with CRLF line endings.
    pub fn read(&self, uid: Uid) -> Result<Vec<u8>, StorageError> {
        if !self.uids.contains(uid.0.get()) {
            return Err(StorageError::Expunged);
        }
        self.mailbox.read_message(uid.0.get())
    }

    /// The payload the message cache holds for `uid` (see `cache`), if the
    /// message is in this view and still exists. Opens no message file.
    pub fn cached(&self, uid: Uid) -> Option<Vec<u8>> {
        if !self.uids.contains(uid.0.get()) {
            return None;
        }
        self.mailbox.cached(uid.0.get())
    }

    /// Stores an opaque `payload` for `uid` in the mailbox's persistent
    /// cache (`dormouse.cache`), replacing what it held, for every session
    /// and later process to get from `cached`. Best effort: failures are
    /// logged, not returned; payloads over 16 MiB are not kept. The entry
    /// goes with the message when it is expunged.
    pub fn cache(&self, uid: Uid, payload: &[u8]) {
        if self.uids.contains(uid.0.get()) {
            self.mailbox.cache(uid.0.get(), payload);
        }
    }

    /// The directory the mailbox lives in: its key on the change bus.
    pub fn dir(&self) -> &std::path::Path {
        self.mailbox.dir()
    }

    /// Whether the view has told the client everything, so that
    /// [`View::into_parked`] loses nothing: nothing pending from
    /// `SeqPolicy::Keep`, no own changes to skip, and the mailbox unchanged
    /// since the last `sync`. Whoever parks must subscribe to the mailbox
    /// *before* asking, so that no change can fall between this check and
    /// the subscription.
    pub fn parkable(&self) -> Result<(), Unparkable> {
        if !self.pending.is_empty() || !self.own.is_empty() || !self.owed.is_empty() {
            return Err(Unparkable::Owes);
        }
        let caught_up = match self.mailbox.read() {
            Ok(st) => {
                st.highest_modseq == self.seen_modseq
                    && st.next_uid == self.uid_next
                    && defined(&st.keywords) == self.keywords_seen
            }
            Err(_) => false,
        };
        if caught_up {
            Ok(())
        } else {
            Err(Unparkable::Behind)
        }
    }

    /// The view reduced to a [`ParkedView`] and the user store it came
    /// from. Call [`View::parkable`] first: a view that owes updates loses
    /// them here.
    pub fn into_parked(self) -> (ParkedView, UserStore) {
        let View {
            user,
            access,
            uidvalidity,
            uids,
            uid_next,
            seen_modseq,
            recent,
            keywords_seen,
            ..
        } = self;
        (
            ParkedView {
                access,
                uidvalidity,
                uids,
                uid_next,
                seen_modseq,
                recent,
                keywords_seen,
            },
            user,
        )
    }

    /// Rebuilds a parked view on the mailbox `name` of `user`, exactly as
    /// it was: nothing is synced, so the next `sync` reports what changed
    /// while it was parked. Fails if the mailbox is gone or was recreated
    /// (another UIDVALIDITY).
    pub fn restore(
        user: UserStore,
        name: &MailboxName,
        parked: ParkedView,
    ) -> Result<View, StorageError> {
        let mailbox = user.mailbox(name)?;
        let uidvalidity = mailbox.read()?.uidvalidity;
        if uidvalidity != parked.uidvalidity.0.get() {
            return Err(StorageError::NoSuchMailbox);
        }
        Ok(View {
            user,
            mailbox,
            access: parked.access,
            uidvalidity: parked.uidvalidity,
            uids: parked.uids,
            uid_next: parked.uid_next,
            seen_modseq: parked.seen_modseq,
            pending: Vec::new(),
            recent: parked.recent,
            own: Vec::new(),
            owed: Vec::new(),
            keywords_seen: parked.keywords_seen,
            watch: None,
        })
    }

    /// Takes the view's bus subscription out (to hand it to whoever keeps
    /// the session while it is parked, redirected).
    pub fn take_watch(&mut self) -> Option<Subscription> {
        self.watch.take()
    }

    /// Gives the view a subscription back (parking was abandoned).
    pub fn put_watch(&mut self, subscription: Subscription) {
        self.watch = Some(subscription);
    }

    /// Has `subscriber` told of every change to this mailbox from now on,
    /// for as long as the view lives (replacing an earlier subscriber).
    pub fn watch(&mut self, subscriber: Arc<dyn Subscriber>) {
        // Drop the old one first: one session, one slot.
        self.watch = None;
        self.watch = Some(self.mailbox.bus().subscribe(self.mailbox.dir(), subscriber));
    }

    /// Catches up with outside writers and other sessions; returns what the
    /// client must be told, in order.
    pub fn sync(&mut self, seqs: SeqPolicy) -> Result<Vec<Change>, StorageError> {
        self.mailbox.sync_disk(scan_mode(self.access))?;
        let mut out = Vec::new();
        let mut flagged: Vec<(u32, MessageMeta)> = Vec::new();
        let mut added = 0u32;
        {
            let st = self.mailbox.read()?;
            // Keywords are only ever added, so a count tells whether the
            // table changed (a new one may fill a hole, keeping the length).
            if defined(&st.keywords) != self.keywords_seen {
                self.keywords_seen = defined(&st.keywords);
                out.push(Change::Keywords(
                    st.keywords
                        .names()
                        .iter()
                        .filter(|n| !n.is_empty())
                        .cloned()
                        .collect(),
                ));
            }
            let mut expunged: Vec<u32> = Vec::new();
            let mut changed: Vec<u32> = Vec::new();
            match st.changes.since(self.seen_modseq) {
                Some(recent_changes) => {
                    for c in recent_changes.filter(|c| c.uid < self.uid_next) {
                        match c.kind {
                            crate::changes::ChangeKind::Expunge => expunged.push(c.uid),
                            crate::changes::ChangeKind::Flags => changed.push(c.uid),
                        }
                    }
                }
                None => {
                    // Too far behind the ring: compare with the whole table.
                    expunged.extend(self.uids.iter().filter(|&u| st.messages.find(u).is_none()));
                    let end = st.messages.first_at_or_above(self.uid_next);
                    changed.extend(
                        st.messages
                            .iter()
                            .take(end)
                            .filter(|r| r.modseq > self.seen_modseq)
                            .map(|r| r.uid),
                    );
                }
            }
            expunged.retain(|&u| self.uids.contains(u));
            self.pending.extend(expunged);
            self.pending.sort_unstable();
            self.pending.dedup();

            changed.sort_unstable();
            changed.dedup();
            self.owed.sort_unstable();
            for u in changed {
                if !self.uids.contains(u) || self.pending.binary_search(&u).is_ok() {
                    continue;
                }
                let Some(rec) = st.messages.by_uid(u) else {
                    continue;
                };
                if self.is_own(rec.modseq) && self.owed.binary_search(&u).is_err() {
                    continue;
                }
                flagged.push((u, MessageMeta::of(&st, rec)));
            }

            let start = st.messages.first_at_or_above(self.uid_next);
            for rec in st.messages.records_from(start) {
                self.uids.push(rec.uid);
                added += 1;
            }
            self.uid_next = self.uid_next.max(st.next_uid);
            self.seen_modseq = st.highest_modseq;
            self.own.clear();
            self.owed.clear();
        }

        if seqs == SeqPolicy::Update && !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            let mut removed = 0u32;
            for &u in &pending {
                if let (Some(seq), Some(id)) = (self.uids.seq_of(u), uid(u)) {
                    out.push(Change::Expunged {
                        seq: seq - removed,
                        uid: id,
                    });
                    removed += 1;
                }
            }
            self.uids.remove_sorted(&pending);
        }
        if added > 0 {
            out.push(Change::Exists(self.uids.len()));
            self.claim_recent()?;
            out.push(Change::Recent(self.recent()));
        }
        for (u, meta) in flagged {
            if let (Some(seq), Some(id)) = (self.uids.seq_of(u), uid(u)) {
                out.push(Change::Flags { seq, uid: id, meta });
            }
        }
        Ok(out)
    }

    /// Takes \Recent for the messages this read-write view is the first to
    /// see (Dovecot's rule), and remembers that in the index.
    fn claim_recent(&mut self) -> Result<(), StorageError> {
        if self.access != Access::ReadWrite {
            return Ok(());
        }
        let mut st = self.mailbox.write()?;
        if st.first_recent_uid >= self.uid_next {
            return Ok(());
        }
        let from = st
            .first_recent_uid
            .max(self.recent.max().map_or(1, |m| m + 1));
        if from < self.uid_next {
            self.recent.push_range(from, self.uid_next - 1);
        }
        let record = Record::State {
            next_uid: st.next_uid,
            highest_modseq: st.highest_modseq,
            first_recent_uid: self.uid_next,
        };
        self.mailbox.log_lazily(&mut st, &[record]);
        // Even if the record could not be written, no other view may claim
        // these messages in this process.
        st.first_recent_uid = st.first_recent_uid.max(self.uid_next);
        Ok(())
    }

    /// Whether `modseq` was handed out by this view's STOREs since the
    /// last sync.
    fn is_own(&self, modseq: u64) -> bool {
        self.own.iter().any(|&(a, b)| (a..=b).contains(&modseq))
    }

    fn require_write(&self) -> Result<(), StorageError> {
        match self.access {
            Access::ReadWrite => Ok(()),
            Access::ReadOnly => Err(StorageError::Cannot("the mailbox is open read-only")),
        }
    }

    /// The UIDs of `uids` that this view can act on, ascending and unique.
    fn targets(&self, uids: &[Uid]) -> Vec<u32> {
        let mut v: Vec<u32> = uids
            .iter()
            .map(|u| u.0.get())
            .filter(|&u| self.uids.contains(u) && self.pending.binary_search(&u).is_err())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// STORE. Messages expunged meanwhile are skipped; this view's own
    /// changes are not reported back to it by the next `sync`, except on
    /// messages that another session changed since this view's last sync
    /// (their flags carry news for this client too, even after a
    /// `.SILENT` STORE).
    pub fn store(
        &mut self,
        uids: &[Uid],
        op: FlagOp,
        unchanged_since: Option<ModSeq>,
    ) -> Result<StoreResult, StorageError> {
        self.require_write()?;
        let targets = self.targets(uids);
        let outcome = self
            .mailbox
            .store_flags(&targets, &op, unchanged_since.map(|m| m.0))?;
        // A message this STORE changed after someone else did, since the
        // last sync, must still be reported: its flags now carry that
        // change too (a .SILENT STORE would otherwise hide it for good).
        for &(u, prior) in &outcome.prior {
            if prior > self.seen_modseq && !self.is_own(prior) {
                self.owed.push(u);
            }
        }
        if let Some(range) = outcome.modseqs {
            self.own.push(range);
        }
        Ok(StoreResult {
            messages: outcome
                .messages
                .into_iter()
                .filter_map(|(u, meta)| uid(u).map(|u| (u, meta)))
                .collect(),
            modified: uids_of(&outcome.modified),
        })
    }

    /// EXPUNGE (or UID EXPUNGE with `only`): removes this view's messages
    /// flagged \Deleted. The removed messages stay in the view until the
    /// next `sync(SeqPolicy::Update)`, which reports them like any other
    /// expunge.
    pub fn expunge(&mut self, only: Option<&[Uid]>) -> Result<Vec<Uid>, StorageError> {
        self.require_write()?;
        let only: Option<Vec<u32>> = only.map(|o| self.targets(o));
        let visible = |u: u32| {
            self.uids.contains(u)
                && self.pending.binary_search(&u).is_err()
                && only.as_ref().is_none_or(|o| o.binary_search(&u).is_ok())
        };
        let removed = self.mailbox.expunge_where(|r| {
            r.flags.contains(crate::flags::SystemFlags::DELETED) && visible(r.uid)
        })?;
        Ok(uids_of(&removed))
    }

    /// COPY to `to` (which must exist: the session answers NO [TRYCREATE]
    /// on `NoSuchMailbox`).
    pub fn copy(&self, uids: &[Uid], to: &MailboxName) -> Result<CopyResult, StorageError> {
        let dest = self.user.mailbox(to)?;
        let (uidvalidity, pairs) = self.mailbox.copy_to(&self.targets(uids), &dest)?;
        let uidvalidity = NonZeroU32::new(uidvalidity)
            .map(UidValidity)
            .ok_or_else(|| StorageError::Corrupt("UIDVALIDITY 0".into()))?;
        let (src, dst): (Vec<u32>, Vec<u32>) = pairs.into_iter().unzip();
        Ok(CopyResult {
            uidvalidity,
            source_uids: uids_of(&src),
            dest_uids: uids_of(&dst),
        })
    }

    /// MOVE (RFC 6851): copy, then expunge the copied sources. A crash in
    /// between leaves the message in both mailboxes, never in neither. The
    /// source expunges are reported by the next `sync(SeqPolicy::Update)`.
    pub fn move_to(&mut self, uids: &[Uid], to: &MailboxName) -> Result<CopyResult, StorageError> {
        self.require_write()?;
        let result = self.copy(uids, to)?;
        let mut moved: Vec<u32> = result.source_uids.iter().map(|u| u.0.get()).collect();
        moved.sort_unstable();
        self.mailbox
            .expunge_where(|r| moved.binary_search(&r.uid).is_ok())?;
        Ok(result)
    }

    /// UIDs of this view's messages whose modseq is above `modseq`
    /// (FETCH … CHANGEDSINCE, SEARCH MODSEQ).
    pub fn changed_since(&self, modseq: ModSeq) -> Result<Vec<Uid>, StorageError> {
        let st = self.mailbox.read()?;
        Ok(self
            .uids
            .iter()
            .filter(|&u| self.pending.binary_search(&u).is_err())
            .filter(|&u| st.messages.by_uid(u).is_some_and(|r| r.modseq > modseq.0))
            .filter_map(uid)
            .collect())
    }

    /// UIDs expunged after `modseq` (QRESYNC's VANISHED (EARLIER)). When
    /// `modseq` is older than the expunges the index still lists, every UID
    /// below UIDNEXT that no longer exists is returned, which RFC 7162
    /// §3.2.10 allows.
    pub fn vanished_since(&self, modseq: ModSeq) -> Result<Vec<Uid>, StorageError> {
        Ok(self
            .vanished_ranges_since(modseq)?
            .iter()
            .filter_map(uid)
            .collect())
    }

    /// `vanished_since` as UID ranges, which stay small even when the
    /// answer is "every gap".
    pub fn vanished_ranges_since(&self, modseq: ModSeq) -> Result<UidSet, StorageError> {
        let st = self.mailbox.read()?;
        if modseq.0 >= st.expunged_floor {
            return Ok(st
                .expunged
                .iter()
                .filter(|&&(_, m)| m > modseq.0)
                .map(|&(u, _)| u)
                .collect());
        }
        let mut gaps = UidSet::new();
        let mut next = 1u32;
        for rec in st.messages.iter() {
            if rec.uid > next {
                gaps.push_range(next, rec.uid - 1);
            }
            next = rec.uid.saturating_add(1);
        }
        if st.next_uid > next {
            gaps.push_range(next, st.next_uid - 1);
        }
        Ok(gaps)
    }

    /// Heap bytes this view holds (the per-session cost).
    pub fn heap_bytes(&self) -> usize {
        self.uids.heap_bytes()
            + self.recent.heap_bytes()
            + self.pending.capacity() * 4
            + self.own.capacity() * 16
            + self.owed.capacity() * 4
    }

    /// Directory listings made so far, by any session on this mailbox, to
    /// find message files that were not where the index expected (for
    /// tests and metrics).
    pub fn file_lookups(&self) -> u64 {
        self.mailbox.lookups()
    }

    /// Heap bytes of the shared mailbox state behind this view.
    pub fn shared_heap_bytes(&self) -> usize {
        self.mailbox.heap_bytes()
    }
}

fn defined(table: &crate::keyword_table::KeywordTable) -> usize {
    table.names().iter().filter(|n| !n.is_empty()).count()
}

fn scan_mode(access: Access) -> ScanMode {
    match access {
        Access::ReadWrite => ScanMode::ReadWrite,
        Access::ReadOnly => ScanMode::ReadOnly,
    }
}
