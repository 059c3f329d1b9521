//! SELECT and EXAMINE with their RFC 7162 parameters: `(CONDSTORE)` and
//! `(QRESYNC (uidvalidity modseq [known-uids] [(seqs uids)]))`. Whether
//! QRESYNC was ENABLEd is the session's question.

use super::cursor::{Cursor, PResult, syntax};
use super::misc::sp_mailbox;
use crate::types::{CommandBody, Mailbox, QResync, SelectParams};

pub(super) fn select(c: &mut Cursor) -> PResult<CommandBody> {
    let (mailbox, params) = mailbox_and_params(c)?;
    Ok(CommandBody::Select { mailbox, params })
}

pub(super) fn examine(c: &mut Cursor) -> PResult<CommandBody> {
    let (mailbox, params) = mailbox_and_params(c)?;
    Ok(CommandBody::Examine { mailbox, params })
}

fn mailbox_and_params(c: &mut Cursor) -> PResult<(Mailbox, SelectParams)> {
    let mailbox = sp_mailbox(c)?;
    let mut params = SelectParams::default();
    if c.eat(b' ') {
        c.paren_list(|c| select_param(c, &mut params))?;
    }
    Ok((mailbox, params))
}

fn select_param(c: &mut Cursor, params: &mut SelectParams) -> PResult<()> {
    match c.keyword("CONDSTORE or QRESYNC")?.as_slice() {
        b"CONDSTORE" => params.condstore = true,
        b"QRESYNC" if params.qresync.is_none() => {
            c.sp()?;
            params.qresync = Some(c.nested(qresync)?);
        }
        _ => return syntax("CONDSTORE or QRESYNC (once)"),
    }
    Ok(())
}

/// `"(" uidvalidity SP mod-sequence-value [SP known-uids]
/// [SP seq-match-data] ")"`.
fn qresync(c: &mut Cursor) -> PResult<QResync> {
    c.expect(b'(', "( after QRESYNC")?;
    let uidvalidity = c.nz_number()?;
    c.sp()?;
    let modseq = c.number64()?;
    let mut known_uids = None;
    let mut seq_match = None;
    if c.eat(b' ') {
        if c.peek() != Some(b'(') {
            known_uids = Some(c.sequence_set()?);
            if c.eat(b' ') {
                seq_match = Some(seq_match_data(c)?);
            }
        } else {
            seq_match = Some(seq_match_data(c)?);
        }
    }
    c.expect(b')', ") after the QRESYNC parameters")?;
    Ok(QResync {
        uidvalidity,
        modseq,
        known_uids,
        seq_match,
    })
}

/// `"(" known-sequence-set SP known-uid-set ")"`.
fn seq_match_data(
    c: &mut Cursor,
) -> PResult<(crate::types::SequenceSet, crate::types::SequenceSet)> {
    c.expect(b'(', "(")?;
    let seqs = c.sequence_set()?;
    c.sp()?;
    let uids = c.sequence_set()?;
    c.expect(b')', ")")?;
    Ok((seqs, uids))
}
