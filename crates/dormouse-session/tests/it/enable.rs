//! ENABLE (RFC 5161, RFC 9051 §6.3.1): only newly enabled, supported
//! extensions are listed, and the session remembers them.

use dormouse_proto::{CommandBody, Data};

use crate::support::*;

fn enable(names: &[&str]) -> CommandBody {
    CommandBody::Enable(names.iter().map(|n| n.to_string()).collect())
}

fn enabled(t: &str, names: &[&str]) -> dormouse_session::Outcome {
    sends(vec![
        data(Data::Enabled(caps(names))),
        ok(t, "ENABLE completed"),
    ])
}

#[test]
fn supported_extensions_are_enabled_and_listed() {
    let mut s = logged_in();
    assert!(!s.utf8_accept());
    assert!(!s.imap4rev2());
    assert_eq!(
        s.handle(cmd("e1", enable(&["IMAP4rev2", "UTF8=ACCEPT"]))),
        enabled("e1", &["IMAP4rev2", "UTF8=ACCEPT"])
    );
    assert!(s.utf8_accept());
    assert!(s.imap4rev2());
}

#[test]
fn unknown_and_unsupported_names_are_ignored() {
    let mut s = logged_in();
    assert_eq!(
        s.handle(cmd(
            "e1",
            enable(&["METADATA", "X-GOOD-IDEA", "UTF8=ACCEPT"])
        )),
        enabled("e1", &["UTF8=ACCEPT"])
    );
    assert!(!s.imap4rev2());
}

#[test]
fn enabled_is_sent_even_when_nothing_was_enabled() {
    let mut s = logged_in();
    assert_eq!(
        s.handle(cmd("e1", enable(&["X-GOOD-IDEA"]))),
        enabled("e1", &[])
    );
}

/// RFC 7162 §3.1, §3.2.3: both can be enabled; QRESYNC implies CONDSTORE,
/// so CONDSTORE after it is not newly enabled.
#[test]
fn condstore_and_qresync_can_be_enabled() {
    let mut s = logged_in();
    assert_eq!(
        s.handle(cmd("e1", enable(&["condstore"]))),
        enabled("e1", &["CONDSTORE"])
    );
    assert_eq!(
        s.handle(cmd("e2", enable(&["QRESYNC", "CONDSTORE"]))),
        enabled("e2", &["QRESYNC"])
    );
    let mut t = logged_in();
    assert_eq!(
        t.handle(cmd("e1", enable(&["QRESYNC", "CONDSTORE"]))),
        enabled("e1", &["QRESYNC"])
    );
}

#[test]
fn names_are_case_insensitive_and_listed_canonically() {
    let mut s = logged_in();
    assert_eq!(
        s.handle(cmd("e1", enable(&["utf8=accept", "imap4REV2"]))),
        enabled("e1", &["UTF8=ACCEPT", "IMAP4rev2"])
    );
}

#[test]
fn already_enabled_extensions_are_not_listed_again() {
    let mut s = logged_in();
    s.handle(cmd("e1", enable(&["UTF8=ACCEPT"])));
    assert_eq!(
        s.handle(cmd("e2", enable(&["UTF8=ACCEPT", "IMAP4rev2"]))),
        enabled("e2", &["IMAP4rev2"])
    );
    assert_eq!(
        s.handle(cmd("e3", enable(&["IMAP4rev2", "UTF8=ACCEPT"]))),
        enabled("e3", &[])
    );
    assert!(s.utf8_accept() && s.imap4rev2());
}

#[test]
fn a_name_repeated_in_one_command_is_listed_once() {
    let mut s = logged_in();
    assert_eq!(
        s.handle(cmd("e1", enable(&["UTF8=ACCEPT", "utf8=accept"]))),
        enabled("e1", &["UTF8=ACCEPT"])
    );
}

#[test]
fn enable_before_login_is_bad_and_enables_nothing() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd("e1", enable(&["UTF8=ACCEPT"]))),
        sends(vec![bad("e1", "ENABLE: log in first")])
    );
    assert!(!s.utf8_accept());
}
