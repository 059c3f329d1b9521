//! The names LIST and LSUB choose from: the store's mailboxes, the parents
//! that exist only because they have children, and subscribed names (which
//! need not exist), each with what selection options and attributes need,
//! filtered by a set of patterns, in LIST order. It applies no selection
//! policy and writes no responses: LIST and LSUB decide which candidates
//! to show and how.

use std::collections::{BTreeMap, HashSet};

use dormouse_storage::{INBOX, SpecialUse, StorageError};

use crate::mbox_names::WireForm;
use crate::mbox_pattern::Pattern;
use crate::state::Authenticated;

/// The selection criteria a name may meet (RFC 5258 §3 base options).
/// Without either, a name meets them by being a mailbox.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Criteria {
    pub(crate) subscribed: bool,
    pub(crate) special_use: bool,
}

/// Whether the subscriptions file is read at all: LIST without any
/// SUBSCRIBED option never needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sources {
    Mailboxes,
    MailboxesAndSubscriptions,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The store's (UTF-8) name.
    pub(crate) name: String,
    /// The name as this client sees it.
    pub(crate) wire: String,
    /// A mailbox, as opposed to a parent of some or a subscription only.
    pub(crate) selectable: bool,
    /// Known to the store: a mailbox or a parent of mailboxes.
    pub(crate) in_store: bool,
    pub(crate) subscribed: bool,
    pub(crate) has_children: bool,
    pub(crate) special_use: Option<SpecialUse>,
    /// The name itself meets the criteria.
    pub(crate) meets: bool,
    /// Some name below it meets the criteria (RECURSIVEMATCH's CHILDINFO).
    pub(crate) child_meets: bool,
    /// It matched a pattern ending in `%`, which also lists hierarchy
    /// levels that are not mailboxes (RFC 9051 §6.3.9).
    pub(crate) by_level: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct Node {
    selectable: bool,
    in_store: bool,
    subscribed: bool,
    special_use: Option<SpecialUse>,
}

impl Node {
    fn meets(&self, criteria: Criteria) -> bool {
        (!criteria.subscribed || self.subscribed)
            && (!criteria.special_use || self.special_use.is_some())
            && (criteria.subscribed || self.selectable)
    }
}

/// INBOX and its children sort first, then the rest; within each, names
/// sort level by level, so children follow their parent directly.
type Key = (bool, Vec<String>);

fn key(name: &str, separator: char) -> Key {
    let levels: Vec<String> = name.split(separator).map(str::to_owned).collect();
    (levels.first().map(String::as_str) != Some(INBOX), levels)
}

pub(crate) fn candidates(
    auth: &Authenticated,
    sources: Sources,
    criteria: Criteria,
    patterns: &[Pattern],
) -> Result<Vec<Candidate>, StorageError> {
    let separator = auth.mail.separator();
    let mut nodes: BTreeMap<Key, (String, Node)> = BTreeMap::new();
    for info in auth.mail.list()? {
        let node = Node {
            selectable: info.selectable,
            in_store: true,
            subscribed: false,
            special_use: info.special_use,
        };
        nodes.insert(key(&info.name, separator), (info.name, node));
    }
    let parents: HashSet<String> = nodes
        .values()
        .filter_map(|(name, _)| parent(name, separator))
        .map(str::to_owned)
        .collect();
    if sources == Sources::MailboxesAndSubscriptions {
        for name in auth.mail.subscriptions()? {
            // Lines other software wrote that are no valid name here
            // cannot be listed (nor could they be selected).
            if auth.mail.name(&name).is_err() {
                continue;
            }
            for ancestor in ancestors(&name, separator) {
                nodes
                    .entry(key(ancestor, separator))
                    .or_insert_with(|| (ancestor.to_owned(), Node::default()));
            }
            nodes
                .entry(key(&name, separator))
                .or_insert_with(|| (name.clone(), Node::default()))
                .1
                .subscribed = true;
        }
    }
    let mut child_meets: HashSet<&str> = HashSet::new();
    for (name, node) in nodes.values() {
        if node.meets(criteria) {
            child_meets.extend(ancestors(name, separator));
        }
    }
    let form = WireForm::of(auth);
    let mut out = Vec::new();
    for (name, node) in nodes.values() {
        let wire = form.encode(name);
        let matching: Vec<&Pattern> = patterns.iter().filter(|p| p.matches(&wire)).collect();
        if matching.is_empty() {
            continue;
        }
        out.push(Candidate {
            name: name.clone(),
            wire,
            selectable: node.selectable,
            in_store: node.in_store,
            subscribed: node.subscribed,
            has_children: parents.contains(name),
            special_use: node.special_use,
            meets: node.meets(criteria),
            child_meets: child_meets.contains(name.as_str()),
            by_level: matching.iter().any(|p| p.lists_levels()),
        });
    }
    Ok(out)
}

fn parent(name: &str, separator: char) -> Option<&str> {
    name.rsplit_once(separator).map(|(parent, _)| parent)
}

/// Every proper ancestor of `name`, nearest first.
fn ancestors(name: &str, separator: char) -> impl Iterator<Item = &str> {
    std::iter::successors(parent(name, separator), move |n| parent(n, separator))
}
