//! LOGIN: success, wrong credentials, an unavailable backend, and refusal
//! where cleartext passwords are disabled.

use std::sync::Arc;

use dormouse_proto::{Code, CommandBody};
use dormouse_session::{Mechanism, Outcome, Session, SessionConfig, SessionEvent, StateKind};

use crate::support::*;

#[test]
fn good_credentials_log_in_and_announce_capabilities() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd("a1", login_body("alice", "wonderland"))),
        Outcome {
            event: Some(SessionEvent::LoggedIn {
                user: "alice".into(),
                mechanism: Mechanism::Login,
            }),
            ..sends(vec![logged_in_ok("a1")])
        }
    );
    assert_eq!(s.state(), StateKind::Authenticated);
    assert_eq!(s.user(), Some("alice"));
}

#[test]
fn the_session_uses_the_canonical_name_from_the_authenticator() {
    let mut s = session();
    let out = s.handle(cmd("a1", login_body("ALICE", "wonderland")));
    assert_eq!(
        out.event,
        Some(SessionEvent::LoggedIn {
            user: "alice".into(),
            mechanism: Mechanism::Login,
        })
    );
    assert_eq!(s.user(), Some("alice"));
}

#[test]
fn wrong_password_is_refused_with_the_authenticators_delay() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd("a1", login_body("alice", "looking-glass"))),
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
    assert_eq!(s.user(), None);
}

#[test]
fn unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let mut s = session();
    let unknown = s.handle(cmd("a1", login_body("mallory", "wonderland")));
    let wrong = s.handle(cmd("a1", login_body("alice", "x")));
    assert_eq!(unknown, wrong);
}

#[test]
fn a_failed_login_can_be_retried() {
    let mut s = session();
    s.handle(cmd("a1", login_body("alice", "nope")));
    assert_eq!(
        s.handle(cmd("a2", login_body("alice", "wonderland")))
            .responses,
        vec![logged_in_ok("a2")]
    );
}

#[test]
fn unavailable_backend_answers_unavailable_without_delay_or_event() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd("a1", login_body("outage", "whatever"))),
        sends(vec![no(
            "a1",
            Code::Unavailable,
            "Authentication is temporarily unavailable."
        )])
    );
    assert_eq!(s.state(), StateKind::NotAuthenticated);
}

#[test]
fn login_is_refused_where_logindisabled_is_advertised() {
    let auth = TestAuth::new();
    let mut s = Session::new(
        Arc::new(SessionConfig::default()),
        services(auth.clone()),
        plain_conn(),
    );
    assert_eq!(
        s.handle(cmd("a1", login_body("alice", "wonderland"))),
        Outcome {
            event: Some(SessionEvent::LoginFailed),
            ..sends(vec![no(
                "a1",
                Code::PrivacyRequired,
                "Plaintext authentication is not allowed without TLS."
            )])
        }
    );
    assert_eq!(s.state(), StateKind::NotAuthenticated);
    // Even a right password is never checked over a sniffable connection.
    assert!(auth.remotes.lock().is_ok_and(|r| r.is_empty()));
}

#[test]
fn login_works_on_tls_with_plaintext_disallowed() {
    let mut s = session_with(SessionConfig::default(), tls_conn());
    assert_eq!(
        s.handle(cmd("a1", login_body("bob", "builder"))).responses,
        vec![logged_in_ok("a1")]
    );
}

#[test]
fn the_authenticator_sees_the_peer_address() {
    let auth = TestAuth::new();
    let mut s = Session::new(
        Arc::new(allowing_config()),
        services(auth.clone()),
        plain_conn(),
    );
    s.handle(cmd("a1", login_body("alice", "wonderland")));
    let expected: std::net::SocketAddr = match REMOTE.parse() {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    assert!(auth.remotes.lock().is_ok_and(|r| *r == vec![expected.ip()]));
}

#[test]
fn login_is_blocking_and_capability_is_not() {
    assert!(Session::is_blocking(&login_body("a", "b")));
    assert!(Session::is_blocking(&CommandBody::Authenticate {
        mechanism: "PLAIN".into(),
        initial: None,
    }));
    assert!(!Session::is_blocking(&CommandBody::Capability));
    assert!(!Session::is_blocking(&CommandBody::Noop));
}
