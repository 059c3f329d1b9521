//! The `\Seen` side effect of a FETCH batch (RFC 9051 §6.4.5): the unseen
//! messages a batch answered with non-PEEK body items get `\Seen` in one
//! STORE once the batch is made, and their FETCH responses are brought up
//! to date: FLAGS and MODSEQ items show the new values, and FLAGS (with
//! MODSEQ under CONDSTORE, RFC 7162 §3.1.4) is added where it was not
//! asked for. Marking per batch, not for the whole command up front, leaves
//! unmarked the messages a client never received because the connection
//! dropped. EXAMINE never changes flags (RFC 9051 §6.3.3). It decides
//! nothing about which items set `\Seen` (the plan does).

use dormouse_proto::{Data, FetchData, Response};
use dormouse_storage::{Access, FlagOp, StoreMode, SystemFlags, Uid};

use crate::convert;
use crate::errors::CommandError;
use crate::extensions::Extension;
use crate::fetch_plan::Plan;
use crate::state::Selected;
use crate::updates;

/// The unseen messages of one batch, with where their answers are.
#[derive(Default)]
pub(crate) struct Unseen {
    answered: Vec<(Uid, usize)>,
}

impl Unseen {
    /// The unseen message `uid`, answered by the response at `index`.
    pub(crate) fn note(&mut self, uid: Uid, index: usize) {
        self.answered.push((uid, index));
    }

    /// Sets `\Seen` on the noted messages and updates their responses.
    pub(crate) fn mark(
        self,
        state: &mut Selected,
        plan: &Plan,
        responses: &mut [Response],
    ) -> Result<(), CommandError> {
        if self.answered.is_empty() || state.view.access() != Access::ReadWrite {
            return Ok(());
        }
        let uids: Vec<Uid> = self.answered.iter().map(|&(uid, _)| uid).collect();
        let op = FlagOp {
            mode: StoreMode::Add,
            flags: SystemFlags::SEEN,
            keywords: Vec::new(),
        };
        let result = state.view.store(&uids, op, None)?;
        let condstore = state.enabled(Extension::Condstore);
        // Both lists are in UID order: the batch answers in sequence order.
        let mut now = result.messages.into_iter().peekable();
        for (uid, index) in self.answered {
            while now.next_if(|(u, _)| *u < uid).is_some() {}
            let Some((_, meta)) = now.next_if(|(u, _)| *u == uid) else {
                continue;
            };
            let Some(Response::Data(Data::Fetch { items, .. })) = responses.get_mut(index) else {
                continue;
            };
            let flags = || FetchData::Flags(convert::flags_of(&meta, updates::recent(state, uid)));
            for item in items.iter_mut() {
                match item {
                    FetchData::Flags(_) => *item = flags(),
                    FetchData::ModSeq(m) => *m = meta.modseq.0,
                    _ => {}
                }
            }
            if !plan.has_flags {
                items.push(flags());
            }
            if condstore && !plan.has_modseq {
                items.push(FetchData::ModSeq(meta.modseq.0));
            }
        }
        Ok(())
    }
}
