//! Turning CONDSTORE on from inside the selected state. RFC 7162 §3.1: a
//! FETCH with MODSEQ or CHANGEDSINCE and a SEARCH with MODSEQ enable it for
//! the rest of the connection; as Dovecot does (`client_enable`), the first
//! such command tells the client the mailbox's HIGHESTMODSEQ, which it has
//! not heard since it selected the mailbox without CONDSTORE.

use dormouse_proto::{Code, Response, StatusKind, StatusResponse};

use crate::extensions::Extension;
use crate::state::Selected;

/// Enables CONDSTORE; the `* OK [HIGHESTMODSEQ n]` to send if it was off.
pub(crate) fn enable(selected: &mut Selected) -> Option<Response> {
    if selected.enabled(Extension::Condstore) {
        return None;
    }
    selected.authenticated.enabled.insert(Extension::Condstore);
    Some(Response::Status(StatusResponse::untagged(
        StatusKind::Ok,
        Some(Code::HighestModSeq(selected.view.highest_modseq().0)),
        "Highest",
    )))
}
