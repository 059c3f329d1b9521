//! THREAD (RFC 5256 §3 ORDEREDSUBJECT and REFERENCES): what each matched
//! message contributes (sent date, base subject, Message-ID, references),
//! and the two algorithms over it. Message-ID chains come from mail anyone
//! can send, so every walk over the tree is iterative: no recursion depth
//! depends on the input.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;

use dormouse_mime::Message;
use dormouse_proto::{ThreadNode, UidMode};
use dormouse_storage::{StorageError, View};

use crate::search_eval::Hit;
use crate::search_sort;

/// What threading needs to know of one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The number the response shows (sequence number or UID).
    pub(crate) id: NonZeroU32,
    /// Mailbox order, the last tie-breaker.
    pub(crate) seq: u32,
    /// Sent date in UTC seconds (INTERNALDATE when there is no Date:).
    pub(crate) sent: i64,
    /// Base subject, upper-cased (i;ascii-casemap).
    pub(crate) subject: String,
    /// The subject had a `Re:`/`Fwd:` leader, `(fwd)` trailer or `[fwd:]`.
    pub(crate) reply: bool,
    pub(crate) message_id: Option<String>,
    /// References, or else the first In-Reply-To id (RFC 5256 §3 step 1).
    pub(crate) references: Vec<String>,
}

/// Facts of every hit still there; `true` when some had been expunged.
pub(crate) fn load(
    view: &View,
    hits: &[Hit],
    mode: UidMode,
) -> Result<(Vec<Facts>, bool), StorageError> {
    let mut out = Vec::with_capacity(hits.len());
    let mut lost = false;
    for hit in hits {
        let raw = match view.read(hit.uid) {
            Ok(raw) => raw,
            Err(StorageError::Expunged) => {
                lost = true;
                continue;
            }
            Err(e) => return Err(e),
        };
        let msg = Message::parse(&raw);
        let id = match mode {
            UidMode::Seq => NonZeroU32::new(hit.seq),
            UidMode::Uid => Some(hit.uid.0),
        };
        let Some(id) = id else { continue };
        let subject = msg.header_text("Subject").pop().unwrap_or_default();
        let message_id = msg
            .header_text("Message-ID")
            .pop()
            .and_then(|v| msg_ids(&v).into_iter().next());
        let mut references: Vec<String> = msg
            .header_text("References")
            .iter()
            .flat_map(|v| msg_ids(v))
            .collect();
        if references.is_empty() {
            references = msg
                .header_text("In-Reply-To")
                .iter()
                .flat_map(|v| msg_ids(v))
                .take(1)
                .collect();
        }
        out.push(Facts {
            id,
            seq: hit.seq,
            sent: search_sort::sent_date(&msg, &hit.meta),
            subject: msg.sort_subject().to_ascii_uppercase(),
            reply: is_reply_or_forward(&subject),
            message_id,
            references,
        });
    }
    Ok((out, lost))
}

/// The `<...>` ids of a header value, brackets removed.
fn msg_ids(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = rest.get(start + 1..).unwrap_or_default();
        let Some(end) = after.find('>') else { break };
        let id = after.get(..end).unwrap_or_default().trim();
        if !id.is_empty() {
            out.push(id.to_string());
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out
}

/// RFC 5256 §2.1 calls a subject a reply or forward when base-subject
/// extraction removes a `subj-refwd` leader, a `(fwd)` trailer or a
/// `[fwd: ...]` wrapper.
fn is_reply_or_forward(subject: &str) -> bool {
    let s = subject.trim().to_ascii_lowercase();
    if s.ends_with("(fwd)") || s.starts_with("[fwd:") {
        return true;
    }
    let mut rest = s.as_str();
    // Blobs (`[list]`) may come before the leader.
    while let Some(after) = rest.strip_prefix('[') {
        match after.find(']') {
            Some(end) => rest = after.get(end + 1..).unwrap_or_default().trim_start(),
            None => break,
        }
    }
    ["re", "fwd", "fw"].iter().any(|leader| {
        rest.strip_prefix(leader).is_some_and(|r| {
            let r = r.trim_start();
            let r = match r.strip_prefix('[') {
                Some(blob) => blob
                    .find(']')
                    .and_then(|e| blob.get(e + 1..))
                    .unwrap_or(r)
                    .trim_start(),
                None => r,
            };
            r.starts_with(':')
        })
    })
}

/// Sorting key: sent date, then mailbox order.
fn date_key(f: &Facts) -> (i64, u32) {
    (f.sent, f.seq)
}

/// ORDEREDSUBJECT: messages grouped by base subject, each group ordered by
/// sent date with the first message as the parent of all the others, and
/// the groups ordered by the date of their first message.
pub(crate) fn ordered_subject(mut facts: Vec<Facts>) -> Vec<ThreadNode> {
    facts.sort_by(|a, b| {
        a.subject
            .cmp(&b.subject)
            .then_with(|| date_key(a).cmp(&date_key(b)))
    });
    let mut threads: Vec<((i64, u32), ThreadNode)> = Vec::new();
    let mut iter = facts.into_iter().peekable();
    while let Some(root) = iter.next() {
        let mut children = Vec::new();
        while let Some(next) = iter.next_if(|n| n.subject == root.subject) {
            children.push(ThreadNode::Message(next.id, Vec::new()));
        }
        threads.push((date_key(&root), ThreadNode::Message(root.id, children)));
    }
    threads.sort_by_key(|(key, _)| *key);
    threads.into_iter().map(|(_, node)| node).collect()
}

/// A container of the REFERENCES algorithm: a message or a dummy.
#[derive(Debug, Default)]
struct Node {
    msg: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// The containers, addressed by index. Indices only ever come from `add`,
/// and lookups of anything else are ignored rather than trusted.
#[derive(Default)]
struct Forest {
    nodes: Vec<Node>,
}

impl Forest {
    fn add(&mut self, msg: Option<usize>) -> usize {
        self.nodes.push(Node {
            msg,
            ..Node::default()
        });
        self.nodes.len() - 1
    }

    fn parent(&self, n: usize) -> Option<usize> {
        self.nodes.get(n).and_then(|node| node.parent)
    }

    fn msg(&self, n: usize) -> Option<usize> {
        self.nodes.get(n).and_then(|node| node.msg)
    }

    fn children(&self, n: usize) -> &[usize] {
        self.nodes.get(n).map_or(&[], |node| &node.children)
    }

    fn set_children(&mut self, n: usize, children: Vec<usize>) {
        for &c in &children {
            if let Some(child) = self.nodes.get_mut(c) {
                child.parent = Some(n);
            }
        }
        if let Some(node) = self.nodes.get_mut(n) {
            node.children = children;
        }
    }

    /// Whether `ancestor` is `n` or above it.
    fn is_ancestor(&self, ancestor: usize, n: usize) -> bool {
        let mut at = Some(n);
        while let Some(cur) = at {
            if cur == ancestor {
                return true;
            }
            at = self.parent(cur);
        }
        false
    }

    fn link(&mut self, parent: usize, child: usize) {
        self.unlink(child);
        if let Some(c) = self.nodes.get_mut(child) {
            c.parent = Some(parent);
        }
        if let Some(p) = self.nodes.get_mut(parent) {
            p.children.push(child);
        }
    }

    fn unlink(&mut self, child: usize) {
        let Some(parent) = self.nodes.get_mut(child).and_then(|c| c.parent.take()) else {
            return;
        };
        if let Some(p) = self.nodes.get_mut(parent) {
            p.children.retain(|&c| c != child);
        }
    }

    /// Every node under `roots`, each before its children, in sibling
    /// order.
    fn pre_order(&self, roots: &[usize]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut visited = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            match visited.get_mut(n) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            out.push(n);
            stack.extend(self.children(n).iter().rev());
        }
        out
    }

    /// Every node under `roots`, children before their parent, each once
    /// (links never form a loop, but a walk must not trust that).
    fn post_order(&self, roots: &[usize]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut visited = vec![false; self.nodes.len()];
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
        while let Some((n, expanded)) = stack.pop() {
            if expanded {
                out.push(n);
                continue;
            }
            match visited.get_mut(n) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            stack.push((n, true));
            stack.extend(self.children(n).iter().rev().map(|&c| (c, false)));
        }
        out
    }
}

/// REFERENCES threading (RFC 5256 §3, after Jamie Zawinski's algorithm).
/// How many of a message's References (the last ones) THREAD=REFERENCES
/// uses.
const MAX_REFERENCES: usize = 1000;

pub(crate) fn references(facts: &[Facts]) -> Vec<ThreadNode> {
    let mut forest = Forest::default();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    // Step 1: containers and links from Message-ID and References.
    for (index, f) in facts.iter().enumerate() {
        let own = match f.message_id.as_deref() {
            // A duplicate Message-ID gets a container of its own.
            Some(id) => match by_id.get(id).copied() {
                Some(n) if forest.msg(n).is_none() => {
                    if let Some(node) = forest.nodes.get_mut(n) {
                        node.msg = Some(index);
                    }
                    n
                }
                Some(_) => forest.add(Some(index)),
                None => {
                    let n = forest.add(Some(index));
                    by_id.insert(id, n);
                    n
                }
            },
            None => forest.add(Some(index)),
        };
        // Only the last MAX_REFERENCES count: every link walks up the chain
        // to refuse loops, so a crafted header with 100,000 references
        // would cost quadratic time (review finding). Threads only need the
        // nearest ancestors; real mail carries a few dozen at most.
        let skip = f.references.len().saturating_sub(MAX_REFERENCES);
        let refs: Vec<usize> = f
            .references
            .iter()
            .skip(skip)
            .filter(|r| Some(r.as_str()) != f.message_id.as_deref())
            .map(|r| *by_id.entry(r.as_str()).or_insert_with(|| forest.add(None)))
            .collect();
        // 1A: link the references in order, never changing an existing
        // link and never making a loop.
        for pair in refs.windows(2) {
            if let [parent, child] = *pair
                && parent != child
                && forest.parent(child).is_none()
                && !forest.is_ancestor(child, parent)
            {
                forest.link(parent, child);
            }
        }
        // 1B: the last reference becomes the parent, replacing any parent
        // a previous message's references gave it, unless that loops.
        match refs.last().copied() {
            Some(parent) if !forest.is_ancestor(own, parent) => forest.link(parent, own),
            Some(_) => {}
            None => forest.unlink(own),
        }
    }
    // Step 2: the root set.
    let roots: Vec<usize> = (0..forest.nodes.len())
        .filter(|&n| forest.parent(n).is_none())
        .collect();
    // Step 4: prune dummies.
    let roots = prune(&mut forest, roots);
    // Step 5: sort the roots by date.
    let roots = sort_siblings(&mut forest, roots, facts);
    // Step 6: gather roots with the same base subject.
    let roots = merge_subjects(&mut forest, roots, facts);
    // Step 7: sort every set of siblings.
    let roots = sort_siblings(&mut forest, roots, facts);
    flatten_deep(&mut forest, &roots);
    build(&forest, &roots, facts)
}

/// RFC 5256 step 4: a dummy without children goes; a dummy with children
/// is replaced by them, except at the top where that would turn several
/// siblings into separate threads.
fn prune(forest: &mut Forest, roots: Vec<usize>) -> Vec<usize> {
    for n in forest.post_order(&roots) {
        let mut kept = Vec::new();
        for &c in forest.children(n) {
            match forest.msg(c) {
                Some(_) => kept.push(c),
                // Children are pruned first, so these have no dummies.
                None => kept.extend_from_slice(forest.children(c)),
            }
        }
        forest.set_children(n, kept);
    }
    let mut out = Vec::new();
    for r in roots {
        let children = forest.children(r).to_vec();
        match (forest.msg(r), children.as_slice()) {
            (Some(_), _) => out.push(r),
            (None, []) => {}
            (None, [only]) => {
                forest.unlink(*only);
                out.push(*only);
            }
            (None, _) => out.push(r),
        }
    }
    out
}

/// The date a container sorts by: its message's, or for a dummy its first
/// child's (children are sorted first).
fn sort_key(forest: &Forest, n: usize, facts: &[Facts]) -> (i64, u32) {
    let mut at = n;
    loop {
        if let Some(f) = forest.msg(at).and_then(|m| facts.get(m)) {
            return date_key(f);
        }
        match forest.children(at).first() {
            Some(&c) => at = c,
            None => return (i64::MAX, u32::MAX),
        }
    }
}

fn sort_siblings(forest: &mut Forest, mut roots: Vec<usize>, facts: &[Facts]) -> Vec<usize> {
    for n in forest.post_order(&roots) {
        let mut children = forest.children(n).to_vec();
        children.sort_by_key(|&c| sort_key(forest, c, facts));
        forest.set_children(n, children);
    }
    roots.sort_by_key(|&r| sort_key(forest, r, facts));
    roots
}

/// The base subject and reply status of a root (a dummy's first child's).
fn subject_of<'f>(forest: &Forest, n: usize, facts: &'f [Facts]) -> Option<(&'f str, bool)> {
    let msg = forest
        .msg(n)
        .or_else(|| forest.children(n).first().and_then(|&c| forest.msg(c)))?;
    let f = facts.get(msg)?;
    (!f.subject.is_empty()).then_some((f.subject.as_str(), f.reply))
}

/// RFC 5256 step 6.
fn merge_subjects(forest: &mut Forest, roots: Vec<usize>, facts: &[Facts]) -> Vec<usize> {
    // 6B: per subject, the root to gather under: a dummy if there is one,
    // else a non-reply, else the first.
    let mut table: HashMap<&str, usize> = HashMap::new();
    for &r in &roots {
        let Some((subject, reply)) = subject_of(forest, r, facts) else {
            continue;
        };
        match table.get(subject).copied() {
            None => {
                table.insert(subject, r);
            }
            Some(old) => {
                let old_dummy = forest.msg(old).is_none();
                let old_reply = subject_of(forest, old, facts).is_some_and(|(_, re)| re);
                let this_dummy = forest.msg(r).is_none();
                if (this_dummy && !old_dummy) || (!old_dummy && old_reply && !reply) {
                    table.insert(subject, r);
                }
            }
        }
    }
    // 6C: gather. Where the gathered threads end up in the root list does
    // not matter: step 7 sorts the roots again.
    for &r in &roots {
        // Already gathered as the table's root under a new dummy.
        if forest.parent(r).is_some() {
            continue;
        }
        let Some((subject, reply)) = subject_of(forest, r, facts) else {
            continue;
        };
        let Some(target) = table.get(subject).copied() else {
            continue;
        };
        if target == r {
            continue;
        }
        let target_dummy = forest.msg(target).is_none();
        let target_reply = subject_of(forest, target, facts).is_some_and(|(_, re)| re);
        if target_dummy && forest.msg(r).is_none() {
            let mut children = forest.children(target).to_vec();
            children.extend_from_slice(forest.children(r));
            forest.set_children(target, children);
            forest.set_children(r, Vec::new());
        } else if target_dummy || (reply && !target_reply) {
            forest.link(target, r);
        } else {
            let dummy = forest.add(None);
            forest.link(dummy, target);
            forest.link(dummy, r);
            table.insert(subject, dummy);
        }
    }
    let mut seen: HashSet<usize> = HashSet::new();
    let mut out = Vec::with_capacity(roots.len());
    for r in roots {
        let mut top = r;
        while let Some(p) = forest.parent(top) {
            top = p;
        }
        let empty = forest.msg(top).is_none() && forest.children(top).is_empty();
        if !empty && seen.insert(top) {
            out.push(top);
        }
    }
    out
}

/// How deep a thread may nest in the response. The response types, their
/// encoder and their drop all recurse once per level, and a reply chain is
/// as deep as senders make it; deeper replies are listed flat under the
/// message at this depth, in thread order. No conversation people write
/// comes near it.
const MAX_DEPTH: usize = 1000;

/// Lifts everything below `MAX_DEPTH` up to that level.
fn flatten_deep(forest: &mut Forest, roots: &[usize]) {
    let mut stack: Vec<(usize, usize)> = roots.iter().map(|&r| (r, 1)).collect();
    while let Some((n, depth)) = stack.pop() {
        if depth < MAX_DEPTH {
            stack.extend(forest.children(n).iter().map(|&c| (c, depth + 1)));
            continue;
        }
        let below = forest.pre_order(forest.children(n));
        for &d in &below {
            forest.set_children(d, Vec::new());
        }
        forest.set_children(n, below);
    }
}

/// The response tree, built bottom-up.
fn build(forest: &Forest, roots: &[usize], facts: &[Facts]) -> Vec<ThreadNode> {
    let mut built: HashMap<usize, ThreadNode> = HashMap::new();
    for n in forest.post_order(roots) {
        let children: Vec<ThreadNode> = forest
            .children(n)
            .iter()
            .filter_map(|c| built.remove(c))
            .collect();
        let node = match forest.msg(n).and_then(|m| facts.get(m)) {
            Some(f) => ThreadNode::Message(f.id, children),
            None => ThreadNode::Dummy(children),
        };
        built.insert(n, node);
    }
    roots.iter().filter_map(|r| built.remove(r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(n: u32, sent: i64, subject: &str, id: &str, refs: &[&str]) -> Facts {
        Facts {
            id: NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN),
            seq: n,
            sent,
            subject: dormouse_mime::base_subject(subject).to_ascii_uppercase(),
            reply: is_reply_or_forward(subject),
            message_id: (!id.is_empty()).then(|| id.to_string()),
            references: refs.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn m(n: u32, children: Vec<ThreadNode>) -> ThreadNode {
        ThreadNode::Message(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN), children)
    }

    #[test]
    fn reply_detection() {
        assert!(is_reply_or_forward("Re: hello"));
        assert!(is_reply_or_forward("[list] RE: hello"));
        assert!(is_reply_or_forward("Fwd: hello"));
        assert!(is_reply_or_forward("hello (fwd)"));
        assert!(is_reply_or_forward("[Fwd: hello]"));
        assert!(is_reply_or_forward("Re[2]: hello"));
        assert!(!is_reply_or_forward("hello"));
        assert!(!is_reply_or_forward("Regarding: x"));
    }

    #[test]
    fn msg_ids_are_extracted() {
        assert_eq!(msg_ids("<a@b> <c@d>\t<e@f>"), vec!["a@b", "c@d", "e@f"]);
        assert_eq!(msg_ids("junk <> <x@y"), Vec::<String>::new());
    }

    #[test]
    fn ordered_subject_groups_under_the_first_message() {
        let threads = ordered_subject(vec![
            facts(1, 100, "B", "", &[]),
            facts(2, 50, "a", "", &[]),
            facts(3, 300, "Re: a", "", &[]),
            facts(4, 200, "re: A", "", &[]),
            facts(5, 10, "c", "", &[]),
            facts(6, 400, "c", "", &[]),
        ]);
        assert_eq!(
            threads,
            vec![
                m(5, vec![m(6, vec![])]),
                m(2, vec![m(4, vec![]), m(3, vec![])]),
                m(1, vec![]),
            ]
        );
    }

    #[test]
    fn references_build_chains_and_dummies() {
        // 1 <- 2 <- 3; 4 and 5 reply to a missing message; 6 stands alone.
        let threads = references(&[
            facts(1, 10, "topic", "a@x", &[]),
            facts(2, 20, "Re: topic", "b@x", &["a@x"]),
            facts(3, 30, "Re: topic", "c@x", &["a@x", "b@x"]),
            facts(4, 40, "Re: other", "d@x", &["missing@x"]),
            facts(5, 50, "Re: other", "e@x", &["missing@x"]),
            facts(6, 5, "alone", "f@x", &[]),
        ]);
        assert_eq!(
            threads,
            vec![
                m(6, vec![]),
                m(1, vec![m(2, vec![m(3, vec![])])]),
                ThreadNode::Dummy(vec![m(4, vec![]), m(5, vec![])]),
            ]
        );
    }

    #[test]
    fn references_gather_by_subject() {
        // No references at all: the reply is put under the original.
        let threads = references(&[
            facts(1, 10, "Re: lunch", "r@x", &[]),
            facts(2, 5, "lunch", "o@x", &[]),
            facts(3, 20, "dinner", "p@x", &[]),
            facts(4, 30, "dinner", "q@x", &[]),
        ]);
        assert_eq!(
            threads,
            vec![
                m(2, vec![m(1, vec![])]),
                ThreadNode::Dummy(vec![m(3, vec![]), m(4, vec![])]),
            ]
        );
    }

    #[test]
    fn loops_and_duplicates_do_not_break_it() {
        let threads = references(&[
            facts(1, 10, "x", "a@x", &["b@x"]),
            facts(2, 20, "y", "b@x", &["a@x"]),
            facts(3, 30, "z", "a@x", &[]),
        ]);
        let mut seen = Vec::new();
        let mut stack: Vec<&ThreadNode> = threads.iter().collect();
        while let Some(node) = stack.pop() {
            match node {
                ThreadNode::Message(n, children) => {
                    seen.push(n.get());
                    stack.extend(children);
                }
                ThreadNode::Dummy(children) => stack.extend(children),
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, vec![1, 2, 3]);
    }

    #[test]
    fn a_long_reply_chain_needs_no_deep_recursion() {
        let n = 1500u32;
        let ids: Vec<String> = (0..n).map(|i| format!("m{i}@x")).collect();
        let all: Vec<Facts> = (0..n)
            .map(|i| {
                let refs: Vec<&str> = ids.iter().take(i as usize).map(String::as_str).collect();
                facts(i + 1, i64::from(i), "Re: chain", &ids[i as usize], &refs)
            })
            .collect();
        let threads = references(&all);
        assert_eq!(threads.len(), 1);
        let mut depth = 0;
        let mut at = threads.first();
        while let Some(ThreadNode::Message(_, children)) = at {
            depth += 1;
            at = children.first();
        }
        // The chain is cut at MAX_DEPTH; the rest hangs flat below, in order.
        assert_eq!(depth, MAX_DEPTH + 1);
        let mut at = threads.first();
        for _ in 1..MAX_DEPTH {
            at = match at {
                Some(ThreadNode::Message(_, children)) => children.first(),
                _ => None,
            };
        }
        let Some(ThreadNode::Message(last, flat)) = at else {
            panic!("no message at depth {MAX_DEPTH}");
        };
        assert_eq!(last.get(), MAX_DEPTH as u32);
        let flat: Vec<u32> = flat
            .iter()
            .map(|c| match c {
                ThreadNode::Message(id, grand) if grand.is_empty() => id.get(),
                _ => 0,
            })
            .collect();
        assert_eq!(flat, ((MAX_DEPTH as u32 + 1)..=n).collect::<Vec<_>>());
    }
}
