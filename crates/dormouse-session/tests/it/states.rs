//! Every command in every reachable state: the right answer when the state
//! allows it but storage does not exist yet, and BAD when the state does
//! not allow it (RFC 9051 §6: a BAD never changes the state). The selected
//! state is covered by the crate's unit tests, since nothing reaches it yet.
//! Also the command table's pipelining flags.

use dormouse_proto::CommandBody;
use dormouse_session::{CommandFlags, Session, StateKind};

use crate::samples;
use crate::support::*;

fn assert_answer(s: &mut Session, body: CommandBody, expected: dormouse_proto::Response) {
    let before = s.state();
    let name = body.name();
    assert_eq!(s.handle(cmd("t", body)), sends(vec![expected]), "{name}");
    assert_eq!(s.state(), before, "{name} changed the state");
}

#[test]
fn before_login_only_any_state_and_login_commands_work() {
    let mut s = session();
    for body in samples::mailbox_commands()
        .into_iter()
        .chain(samples::selected())
        .chain([
            CommandBody::Enable(vec!["UTF8=ACCEPT".into()]),
            CommandBody::Namespace,
        ])
    {
        let text = format!("{}: log in first", body.name());
        assert_answer(&mut s, body, bad("t", &text));
    }
}

#[test]
fn starttls_is_an_unknown_command_in_every_state() {
    for mut s in [session(), logged_in()] {
        assert_answer(
            &mut s,
            CommandBody::StartTls,
            bad("t", "STARTTLS: unknown command"),
        );
    }
}

#[test]
fn after_login_the_login_commands_are_bad() {
    let mut s = logged_in();
    for body in samples::not_authenticated() {
        let text = format!("{}: already authenticated", body.name());
        assert_answer(&mut s, body, bad("t", &text));
    }
    assert_eq!(s.user(), Some("alice"));
}

#[test]
fn after_login_selected_state_commands_need_a_mailbox() {
    let mut s = logged_in();
    let names: Vec<&str> = samples::selected().iter().map(|b| b.name()).collect();
    assert!(names.contains(&"UID FETCH") && names.contains(&"UID EXPUNGE"));
    for body in samples::selected() {
        let text = format!("{}: no mailbox selected", body.name());
        assert_answer(&mut s, body, bad("t", &text));
    }
}

#[test]
fn any_state_commands_never_answer_bad() {
    for mut s in [session(), logged_in()] {
        let state = s.state();
        for body in samples::any_state() {
            let name = body.name();
            let out = s.handle(cmd("t", body));
            assert!(
                out.responses.iter().all(|r| !matches!(
                    r,
                    dormouse_proto::Response::Status(st)
                        if st.kind == dormouse_proto::StatusKind::Bad
                )),
                "{name} in {state:?}: {out:?}"
            );
        }
    }
}

#[test]
fn every_command_has_flags_and_the_sequence_flags_follow_rfc_9051() {
    let flags = |body: &CommandBody| Session::command_flags(body);
    for body in samples::selected() {
        let f = flags(&body);
        let name = body.name();
        let takes_seqs = matches!(
            name,
            "FETCH" | "STORE" | "SEARCH" | "COPY" | "MOVE" | "SORT" | "THREAD"
        );
        assert_eq!(f.contains(CommandFlags::USES_SEQS), takes_seqs, "{name}");
        // RFC 9051 §5.5: FETCH, STORE and SEARCH by sequence number never
        // see an EXPUNGE; their UID forms and expunging commands may.
        let may_expunge = !matches!(
            name,
            "FETCH" | "STORE" | "SEARCH" | "SORT" | "THREAD" | "CLOSE" | "UNSELECT"
        );
        assert_eq!(f.contains(CommandFlags::BREAKS_SEQS), may_expunge, "{name}");
    }
    assert!(flags(&CommandBody::Noop).contains(CommandFlags::BREAKS_SEQS));
    assert!(flags(&CommandBody::Idle).contains(CommandFlags::BREAKS_SEQS));
    assert!(!flags(&CommandBody::Capability).contains(CommandFlags::BREAKS_SEQS));
    for body in [
        CommandBody::Close,
        CommandBody::Unselect,
        CommandBody::Logout,
        CommandBody::Idle,
    ] {
        assert!(
            flags(&body).contains(CommandFlags::BREAKS_MAILBOX),
            "{}",
            body.name()
        );
    }
}

#[test]
fn exactly_the_commands_that_hash_or_touch_files_block() {
    // Login may hash a password and opens the mail store; everything that
    // reaches the store does file I/O. The rest must stay on the runtime.
    let never = [
        "CAPABILITY",
        "NOOP",
        "LOGOUT",
        "ID",
        "STARTTLS",
        "ENABLE",
        "NAMESPACE",
        "COMPRESS",
    ];
    for body in samples::all() {
        let name = body.name();
        let expected = !never.contains(&name);
        assert_eq!(Session::is_blocking(&body), expected, "{name}");
    }
}

#[test]
fn state_kind_follows_login_and_logout() {
    let mut s = session();
    assert_eq!(s.state(), StateKind::NotAuthenticated);
    s.handle(cmd("l", login_body("alice", "wonderland")));
    assert_eq!(s.state(), StateKind::Authenticated);
    s.handle(cmd("z", CommandBody::Logout));
    assert_eq!(s.state(), StateKind::Logout);
}
