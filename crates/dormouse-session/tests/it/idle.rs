//! IDLE through the session's API: the continuation, the input mode the
//! server must switch to, DONE in any case, a stray line, a command handed
//! over while idling, and what the keepalive says.

use dormouse_proto::{CommandBody, Continue, Response, StatusKind};
use dormouse_session::{InputMode, Next};

use crate::support::*;

fn idling() -> dormouse_session::Session {
    let mut s = logged_in();
    let out = s.handle(cmd("i", CommandBody::Idle));
    assert_eq!(
        out.responses,
        vec![Response::Continue(Continue::Text("idling".into()))]
    );
    assert_eq!(out.next, Next::Continue);
    assert!(s.is_idling());
    assert_eq!(s.input_mode(), InputMode::IdleDone);
    s
}

#[test]
fn done_in_any_case_ends_idle_with_ok() {
    for line in [&b"DONE"[..], b"done\r\n", b"Done\n"] {
        let mut s = idling();
        assert_eq!(s.idle_line(line), sends(vec![ok("i", "IDLE terminated")]));
        assert!(!s.is_idling());
        assert_eq!(s.input_mode(), InputMode::Command);
    }
}

#[test]
fn any_other_line_ends_idle_with_bad() {
    let mut s = idling();
    assert_eq!(
        s.idle_line(b"a1 NOOP"),
        sends(vec![bad("i", "Expected DONE")])
    );
    assert_eq!(s.input_mode(), InputMode::Command);
}

#[test]
fn a_command_handed_over_while_idling_ends_the_idle_first() {
    let mut s = idling();
    let out = s.handle(cmd("n", CommandBody::Noop));
    assert_eq!(
        out.responses,
        vec![bad("i", "Expected DONE"), ok("n", "NOOP completed")]
    );
}

#[test]
fn without_a_selected_mailbox_idle_has_no_updates_and_keepalive_is_still_here() {
    let mut s = idling();
    assert!(s.idle_updates().responses.is_empty());
    assert_eq!(s.keepalive(), untagged(StatusKind::Ok, "Still here"));
    // Outside IDLE there is nothing to report either.
    s.idle_line(b"DONE");
    assert!(s.idle_updates().responses.is_empty());
}
