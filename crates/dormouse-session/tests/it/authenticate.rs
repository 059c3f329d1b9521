//! AUTHENTICATE PLAIN, with an initial response (SASL-IR) and after the
//! empty challenge: success, cancel, bad base64, malformed messages,
//! authorization identities, and other mechanisms.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use dormouse_proto::{Code, CommandBody, Continue, Response, Secret};
use dormouse_session::{InputMode, Mechanism, Outcome, SessionConfig, SessionEvent, StateKind};

use crate::support::*;

fn plain(authzid: &str, authcid: &str, password: &str) -> Vec<u8> {
    STANDARD
        .encode(format!("{authzid}\0{authcid}\0{password}"))
        .into_bytes()
}

fn authenticate(mechanism: &str, initial: Option<Vec<u8>>) -> CommandBody {
    CommandBody::Authenticate {
        mechanism: mechanism.into(),
        initial: initial.map(Secret),
    }
}

fn alice_plain_ok(t: &str) -> Outcome {
    Outcome {
        event: Some(SessionEvent::LoggedIn {
            user: "alice".into(),
            mechanism: Mechanism::Plain,
        }),
        ..sends(vec![logged_in_ok(t)])
    }
}

fn challenge() -> Outcome {
    sends(vec![Response::Continue(Continue::Base64(Vec::new()))])
}

#[test]
fn initial_response_logs_in() {
    let mut s = session();
    let out = s.handle(cmd(
        "a1",
        authenticate("PLAIN", Some(plain("", "alice", "wonderland"))),
    ));
    assert_eq!(out, alice_plain_ok("a1"));
    assert_eq!(s.state(), StateKind::Authenticated);
    assert_eq!(s.input_mode(), InputMode::Command);
}

#[test]
fn mechanism_name_is_case_insensitive() {
    let mut s = session();
    let out = s.handle(cmd(
        "a1",
        authenticate("plain", Some(plain("", "alice", "wonderland"))),
    ));
    assert_eq!(out, alice_plain_ok("a1"));
}

#[test]
fn without_initial_response_the_server_sends_an_empty_challenge() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd("a1", authenticate("PLAIN", None))),
        challenge()
    );
    assert_eq!(s.input_mode(), InputMode::SaslResponse);
    assert_eq!(s.state(), StateKind::NotAuthenticated);
    assert_eq!(
        s.sasl_response(&plain("", "alice", "wonderland")),
        alice_plain_ok("a1")
    );
    assert_eq!(s.input_mode(), InputMode::Command);
    assert_eq!(s.user(), Some("alice"));
}

#[test]
fn response_line_may_keep_its_crlf() {
    let mut s = session();
    s.handle(cmd("a1", authenticate("PLAIN", None)));
    let mut line = plain("", "alice", "wonderland");
    line.extend_from_slice(b"\r\n");
    assert_eq!(s.sasl_response(&line), alice_plain_ok("a1"));
}

#[test]
fn star_cancels_with_a_tagged_bad() {
    let mut s = session();
    s.handle(cmd("a1", authenticate("PLAIN", None)));
    assert_eq!(
        s.sasl_response(b"*"),
        sends(vec![bad("a1", "AUTHENTICATE cancelled")])
    );
    assert_eq!(s.input_mode(), InputMode::Command);
    assert_eq!(s.state(), StateKind::NotAuthenticated);
}

#[test]
fn invalid_base64_is_a_tagged_bad() {
    for line in [&b"not base64!"[..], b"=AAA", b"AAA=BBB", b"YWxpY2U"] {
        let mut s = session();
        s.handle(cmd("a1", authenticate("PLAIN", None)));
        assert_eq!(
            s.sasl_response(line),
            sends(vec![bad("a1", "AUTHENTICATE: invalid base64")]),
            "line {:?}",
            String::from_utf8_lossy(line)
        );
        assert_eq!(s.input_mode(), InputMode::Command);
    }
}

#[test]
fn invalid_base64_in_the_initial_response_is_a_tagged_bad() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd("a1", authenticate("PLAIN", Some(b"@@@@".to_vec())))),
        sends(vec![bad("a1", "AUTHENTICATE: invalid base64")])
    );
}

#[test]
fn malformed_plain_messages_are_a_tagged_bad() {
    let malformed = [
        Vec::new(),                         // empty
        b"alice\0wonderland".to_vec(),      // one NUL
        b"\0alice\0wonder\0land".to_vec(),  // three NULs
        b"\0\0wonderland".to_vec(),         // empty authcid
        b"\0al\xffce\0wonderland".to_vec(), // authcid not UTF-8
    ];
    for message in malformed {
        let mut s = session();
        let initial = STANDARD.encode(&message).into_bytes();
        // An empty message is sent as "=" (RFC 9051 §6.2.2).
        let initial = if initial.is_empty() {
            b"=".to_vec()
        } else {
            initial
        };
        assert_eq!(
            s.handle(cmd("a1", authenticate("PLAIN", Some(initial)))),
            sends(vec![bad("a1", "AUTHENTICATE: malformed PLAIN response")]),
            "message {message:?}"
        );
    }
}

#[test]
fn wrong_password_fails_with_delay() {
    let mut s = session();
    s.handle(cmd("a1", authenticate("PLAIN", None)));
    assert_eq!(
        s.sasl_response(&plain("", "alice", "looking-glass")),
        Outcome {
            delay: Some(REJECT_DELAY),
            event: Some(SessionEvent::LoginFailed),
            ..sends(vec![no(
                "a1",
                Code::AuthenticationFailed,
                "Authentication failed."
            )])
        }
    );
    assert_eq!(s.state(), StateKind::NotAuthenticated);
}

#[test]
fn authzid_equal_to_authcid_is_accepted() {
    let mut s = session();
    let out = s.handle(cmd(
        "a1",
        authenticate("PLAIN", Some(plain("alice", "alice", "wonderland"))),
    ));
    assert_eq!(out, alice_plain_ok("a1"));
}

#[test]
fn authzid_may_be_the_typed_or_the_canonical_name() {
    for (authzid, authcid) in [("ALICE", "ALICE"), ("alice", "ALICE")] {
        let mut s = session();
        let initial = plain(authzid, authcid, "wonderland");
        let out = s.handle(cmd("a1", authenticate("PLAIN", Some(initial))));
        assert_eq!(out, alice_plain_ok("a1"), "{authzid} as {authcid}");
    }
}

#[test]
fn authzid_of_another_user_is_refused() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd(
            "a1",
            authenticate("PLAIN", Some(plain("bob", "alice", "wonderland")))
        )),
        Outcome {
            event: Some(SessionEvent::LoginFailed),
            ..sends(vec![no(
                "a1",
                Code::AuthorizationFailed,
                "Authorization failed."
            )])
        }
    );
    assert_eq!(s.state(), StateKind::NotAuthenticated);
}

#[test]
fn authzid_is_checked_only_after_the_password() {
    let mut s = session();
    let out = s.handle(cmd(
        "a1",
        authenticate("PLAIN", Some(plain("bob", "alice", "wrong"))),
    ));
    assert_eq!(
        out.responses,
        vec![no(
            "a1",
            Code::AuthenticationFailed,
            "Authentication failed."
        )]
    );
}

#[test]
fn other_mechanisms_are_refused_with_no() {
    for mechanism in ["LOGIN", "CRAM-MD5", "SCRAM-SHA-256", "EXTERNAL"] {
        let mut s = session();
        assert_eq!(
            s.handle(cmd("a1", authenticate(mechanism, None))),
            sends(vec![no(
                "a1",
                Code::Cannot,
                "Unsupported authentication mechanism."
            )]),
            "{mechanism}"
        );
        assert_eq!(s.input_mode(), InputMode::Command);
    }
}

#[test]
fn plain_is_refused_where_logindisabled_is_advertised() {
    let refused = Outcome {
        event: Some(SessionEvent::LoginFailed),
        ..sends(vec![no(
            "a1",
            Code::PrivacyRequired,
            "Plaintext authentication is not allowed without TLS.",
        )])
    };
    for initial in [None, Some(plain("", "alice", "wonderland"))] {
        let mut s = session_with(SessionConfig::default(), plain_conn());
        assert_eq!(s.handle(cmd("a1", authenticate("PLAIN", initial))), refused);
        assert_eq!(s.input_mode(), InputMode::Command);
    }
}

#[test]
fn unavailable_backend() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd(
            "a1",
            authenticate("PLAIN", Some(plain("", "outage", "x")))
        )),
        sends(vec![no(
            "a1",
            Code::Unavailable,
            "Authentication is temporarily unavailable."
        )])
    );
}

#[test]
fn a_command_during_the_exchange_ends_it_and_is_handled() {
    let mut s = session();
    s.handle(cmd("a1", authenticate("PLAIN", None)));
    assert_eq!(
        s.handle(cmd("a2", CommandBody::Noop)),
        sends(vec![
            bad("a1", "AUTHENTICATE interrupted by another command"),
            ok("a2", "NOOP completed"),
        ])
    );
    assert_eq!(s.input_mode(), InputMode::Command);
}

#[test]
fn a_sasl_line_with_no_exchange_is_a_server_bug_and_changes_nothing() {
    let mut s = logged_in();
    assert_eq!(
        s.sasl_response(b"*"),
        sends(vec![untagged_code(
            dormouse_proto::StatusKind::No,
            Code::ServerBug,
            "Internal server error."
        )])
    );
    assert_eq!(s.user(), Some("alice"));
}
