//! What the session hands the server once a message is complete: the
//! sender, the accepted recipients in RCPT order, and the body, plus the
//! trace headers each stored copy starts with.
//!
//! Headers follow Dovecot's LMTP: `Return-Path: <sender>` and
//! `Delivered-To: address` (RFC 9228: a bare addr-spec, the address as
//! given in RCPT TO, detail included). Dovecot writes Delivered-To only for
//! single-recipient transactions because all recipients share one stored
//! stream; here every recipient gets its own copy, so each gets its own
//! Delivered-To. No Received: header: it would need the clock and the
//! peer's address, which this crate does not have.

use crate::address::RecipientAddress;

/// A recipient RCPT TO accepted, with what the directory said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted<A> {
    pub address: RecipientAddress,
    pub account: A,
}

/// A complete message to store. Answer with `Session::delivered`, one
/// result per recipient in the same order.
#[derive(Debug)]
pub struct Delivery<A> {
    pub sender: String,
    pub recipients: Vec<Accepted<A>>,
    /// The message as received, dot-unstuffed, line endings untouched.
    pub body: Vec<u8>,
}

impl<A> Delivery<A> {
    /// The bytes to store for `recipient`.
    pub fn message_for(&self, recipient: &RecipientAddress) -> Vec<u8> {
        stored_message(&self.sender, recipient, &self.body)
    }
}

/// How delivering to one recipient went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientResult {
    /// Durably stored: `250 2.0.0`.
    Saved,
    /// Not stored; the MTA should try again later: `451 4.3.0`.
    Deferred,
}

/// Return-Path and Delivered-To followed by `body`. Addresses were checked
/// free of control characters when they were accepted, so they cannot
/// break out of their header line.
pub fn stored_message(sender: &str, recipient: &RecipientAddress, body: &[u8]) -> Vec<u8> {
    let headers = format!(
        "Return-Path: <{sender}>\r\nDelivered-To: {}\r\n",
        recipient.as_str()
    );
    let mut out = Vec::with_capacity(headers.len() + body.len());
    out.extend_from_slice(headers.as_bytes());
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_headers_come_first() {
        let rcpt = RecipientAddress::parse("bob+lists@example.org").unwrap();
        assert_eq!(
            stored_message("", &rcpt, b"Subject: x\r\n\r\nhi\r\n"),
            b"Return-Path: <>\r\nDelivered-To: bob+lists@example.org\r\nSubject: x\r\n\r\nhi\r\n"
        );
    }
}
