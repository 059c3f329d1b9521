//! CAPABILITY and the greeting: what is advertised before and after login,
//! and where cleartext passwords are refused.

use dormouse_proto::{Code, CommandBody, Data, StatusKind};
use dormouse_session::{Literals, PlaintextAuth, SessionConfig, Transport};

use crate::support::*;

fn capability_outcome(t: &str, list: &[&str]) -> dormouse_session::Outcome {
    sends(vec![
        data(Data::Capability(caps(list))),
        ok(t, "CAPABILITY completed"),
    ])
}

#[test]
fn before_login_with_plaintext_allowed_offers_plain() {
    let mut s = session();
    assert_eq!(
        s.handle(cmd("a1", CommandBody::Capability)),
        capability_outcome("a1", BEFORE_LOGIN)
    );
}

#[test]
fn greeting_carries_the_pre_login_list() {
    let s = session();
    assert_eq!(
        s.greeting(),
        untagged_code(
            StatusKind::Ok,
            Code::Capability(caps(BEFORE_LOGIN)),
            "dormouse ready."
        )
    );
}

#[test]
fn greeting_names_the_configured_server() {
    let config = SessionConfig {
        server_name: "imap.example".into(),
        plaintext_auth: PlaintextAuth::Allowed,
        ..SessionConfig::default()
    };
    let s = session_with(config, plain_conn());
    assert_eq!(
        s.greeting(),
        untagged_code(
            StatusKind::Ok,
            Code::Capability(caps(BEFORE_LOGIN)),
            "imap.example ready."
        )
    );
}

#[test]
fn cleartext_connection_with_plaintext_disallowed_says_logindisabled() {
    let mut s = session_with(SessionConfig::default(), plain_conn());
    assert_eq!(
        s.handle(cmd("a1", CommandBody::Capability)),
        capability_outcome("a1", BEFORE_LOGIN_DISABLED)
    );
    assert_eq!(
        s.greeting(),
        untagged_code(
            StatusKind::Ok,
            Code::Capability(caps(BEFORE_LOGIN_DISABLED)),
            "dormouse ready."
        )
    );
}

#[test]
fn tls_allows_plain_even_when_configuration_disallows_it() {
    let mut s = session_with(SessionConfig::default(), tls_conn());
    assert_eq!(
        s.handle(cmd("a1", CommandBody::Capability)),
        capability_outcome("a1", BEFORE_LOGIN)
    );
}

#[test]
fn loopback_peers_may_use_plain() {
    for remote in ["127.0.0.1:5000", "[::1]:5000", "[::ffff:127.0.0.1]:5000"] {
        let mut s = session_with(SessionConfig::default(), conn(remote, Transport::Plain));
        assert_eq!(
            s.handle(cmd("a1", CommandBody::Capability)),
            capability_outcome("a1", BEFORE_LOGIN),
            "remote {remote}"
        );
    }
}

#[test]
fn after_login_the_list_changes() {
    let mut s = logged_in();
    assert_eq!(
        s.handle(cmd("a2", CommandBody::Capability)),
        capability_outcome("a2", AFTER_LOGIN)
    );
}

#[test]
fn literal_minus_is_advertised_when_configured() {
    let config = SessionConfig {
        literal: Literals::Minus,
        ..allowing_config()
    };
    let mut s = session_with(config, plain_conn());
    let minus = |list: &[&str]| -> Vec<String> {
        list.iter()
            .map(|c| if *c == "LITERAL+" { "LITERAL-" } else { c }.to_string())
            .collect()
    };
    assert_eq!(
        s.handle(cmd("a1", CommandBody::Capability)),
        sends(vec![
            data(Data::Capability(minus(BEFORE_LOGIN))),
            ok("a1", "CAPABILITY completed"),
        ])
    );
    let out = s.handle(cmd("a2", login_body("alice", "wonderland")));
    assert_eq!(
        out.responses,
        vec![tagged_code(
            "a2",
            StatusKind::Ok,
            Code::Capability(minus(AFTER_LOGIN)),
            "Logged in"
        )]
    );
}

#[test]
fn starttls_is_never_advertised() {
    let mut before = session_with(SessionConfig::default(), plain_conn());
    let mut after = logged_in();
    for out in [
        before.handle(cmd("a", CommandBody::Capability)),
        after.handle(cmd("b", CommandBody::Capability)),
    ] {
        let Some(dormouse_proto::Response::Data(Data::Capability(list))) = out.responses.first()
        else {
            panic!("no CAPABILITY data in {out:?}");
        };
        assert!(!list.iter().any(|c| c.eq_ignore_ascii_case("STARTTLS")));
    }
}

#[test]
fn enable_does_not_change_the_list() {
    let mut s = logged_in();
    s.handle(cmd("e", CommandBody::Enable(vec!["UTF8=ACCEPT".into()])));
    assert_eq!(
        s.handle(cmd("c", CommandBody::Capability)),
        capability_outcome("c", AFTER_LOGIN)
    );
}
