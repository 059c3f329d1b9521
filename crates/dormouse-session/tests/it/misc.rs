//! ID, NAMESPACE, NOOP, LOGOUT, shutdown and parse errors.

use dormouse_proto::{Code, CommandBody, Data, NamespaceDesc, StatusKind};
use dormouse_session::{Next, Outcome, SessionConfig, SessionEvent, StateKind};

use crate::support::*;

fn id_reply(t: &str, name: &str, version: &str) -> Outcome {
    sends(vec![
        data(Data::Id(Some(vec![
            ("name".into(), Some(name.into())),
            ("version".into(), Some(version.into())),
        ]))),
        ok(t, "ID completed"),
    ])
}

#[test]
fn id_names_the_server_in_every_state_and_accepts_nil() {
    let version = env!("CARGO_PKG_VERSION");
    let mut before = session();
    assert_eq!(
        before.handle(cmd("i1", CommandBody::Id(None))),
        id_reply("i1", "dormouse", version)
    );
    let mut after = logged_in();
    let client = vec![("name".to_string(), Some("Thunderbird".to_string()))];
    assert_eq!(
        after.handle(cmd("i2", CommandBody::Id(Some(client)))),
        id_reply("i2", "dormouse", version)
    );
}

#[test]
fn id_uses_the_configured_name_and_version() {
    let config = SessionConfig {
        server_name: "mx".into(),
        version: "9.9".into(),
        ..SessionConfig::default()
    };
    let mut s = session_with(config, plain_conn());
    assert_eq!(
        s.handle(cmd("i", CommandBody::Id(None))),
        id_reply("i", "mx", "9.9")
    );
}

#[test]
fn namespace_is_one_personal_namespace() {
    let mut s = logged_in();
    assert_eq!(
        s.handle(cmd("n1", CommandBody::Namespace)),
        sends(vec![
            data(Data::Namespace {
                personal: vec![NamespaceDesc {
                    prefix: String::new(),
                    delimiter: Some('.'),
                }],
                other: Vec::new(),
                shared: Vec::new(),
            }),
            ok("n1", "NAMESPACE completed"),
        ])
    );
}

#[test]
fn namespace_uses_the_configured_separator() {
    let config = SessionConfig {
        hierarchy_separator: '/',
        ..allowing_config()
    };
    let mut s = session_with(config, plain_conn());
    s.handle(cmd("l", login_body("alice", "wonderland")));
    let out = s.handle(cmd("n1", CommandBody::Namespace));
    assert_eq!(
        out.responses.first(),
        Some(&data(Data::Namespace {
            personal: vec![NamespaceDesc {
                prefix: String::new(),
                delimiter: Some('/'),
            }],
            other: Vec::new(),
            shared: Vec::new(),
        }))
    );
}

#[test]
fn noop_succeeds_in_both_states() {
    let mut before = session();
    let mut after = logged_in();
    assert_eq!(
        before.handle(cmd("n", CommandBody::Noop)),
        sends(vec![ok("n", "NOOP completed")])
    );
    assert_eq!(
        after.handle(cmd("n", CommandBody::Noop)),
        sends(vec![ok("n", "NOOP completed")])
    );
}

fn logout_outcome(t: &str) -> Outcome {
    Outcome {
        responses: vec![
            untagged(StatusKind::Bye, "Logging out"),
            ok(t, "LOGOUT completed"),
        ],
        delay: None,
        next: Next::Close,
        event: Some(SessionEvent::LoggedOut),
    }
}

#[test]
fn logout_says_bye_then_ok_and_closes() {
    for mut s in [session(), logged_in()] {
        assert_eq!(s.handle(cmd("z", CommandBody::Logout)), logout_outcome("z"));
        assert_eq!(s.state(), StateKind::Logout);
        assert_eq!(s.user(), None);
    }
}

#[test]
fn after_logout_every_command_is_refused_and_closes() {
    let mut s = logged_in();
    s.handle(cmd("z", CommandBody::Logout));
    for body in crate::samples::all() {
        let name = body.name();
        assert_eq!(
            s.handle(cmd("y", body)),
            Outcome {
                next: Next::Close,
                ..sends(vec![bad("y", "Connection is closing")])
            },
            "{name}"
        );
    }
}

#[test]
fn shutdown_says_bye_and_ends_the_session() {
    let mut s = logged_in();
    assert_eq!(
        s.shutdown(),
        untagged(StatusKind::Bye, "Server shutting down")
    );
    assert_eq!(s.state(), StateKind::Logout);
    assert_eq!(s.handle(cmd("a", CommandBody::Noop)).next, Next::Close);
}

#[test]
fn parse_error_with_a_tag_is_a_tagged_bad() {
    let mut s = session();
    assert_eq!(
        s.parse_error(Some(tag("a1")), "Missing argument", None),
        sends(vec![bad("a1", "Missing argument")])
    );
    assert_eq!(s.state(), StateKind::NotAuthenticated);
}

#[test]
fn parse_error_without_a_tag_is_untagged_and_keeps_its_code() {
    let mut s = logged_in();
    assert_eq!(
        s.parse_error(None, "Literal too big", Some(Code::TooBig)),
        sends(vec![untagged_code(
            StatusKind::Bad,
            Code::TooBig,
            "Literal too big"
        )])
    );
    assert_eq!(s.user(), Some("alice"));
}

#[test]
fn tags_are_echoed_exactly() {
    let mut s = session();
    for t in ["A001", "x", "tag.with]bracket", "0"] {
        assert_eq!(
            s.handle(cmd(t, CommandBody::Noop)).responses,
            vec![ok(t, "NOOP completed")]
        );
    }
}

#[test]
fn a_session_can_move_between_threads_and_debug_hides_the_user() {
    fn assert_send<T: Send + 'static>(_: &T) {}
    let s = logged_in();
    assert_send(&s);
    let shown = format!("{s:?}");
    assert!(shown.contains("Authenticated"), "{shown}");
    assert!(!shown.contains("alice"), "{shown}");
}
