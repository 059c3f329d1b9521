//! The one thing the protocol needs from the server: who a recipient is.
//! The server implements `Directory` over its user database; the session
//! calls it once per RCPT TO and carries the answer to the delivery.

use crate::address::RecipientAddress;

pub trait Directory {
    /// Whatever the server needs later to deliver to this recipient.
    type Account;

    /// Called for every RCPT TO. Must not block for long: it runs on the
    /// thread that drives the connection.
    fn resolve(&self, address: &RecipientAddress) -> Resolution<Self::Account>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution<A> {
    Found(A),
    /// No such user: `550 5.1.1`.
    Unknown,
    /// The lookup itself failed; the MTA should try again: `451 4.3.0`.
    Unavailable,
}
