//! Unit tests that need the inside of a session: the selected state, which
//! no command reaches until SELECT exists, and the command table itself.

#[path = "../../tests/it/samples.rs"]
mod samples;

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use dormouse_proto::{Code, Command, CommandBody, Data, Response, StatusKind, StatusResponse, Tag};

use dormouse_storage::{Access, Fsync, MailboxName, StorageError, Store, StoreSettings, UserStore};

use super::{Services, Session};
use crate::auth::{AuthVerdict, Authenticator};
use crate::commands::{self, Handler};
use crate::config::{ConnectionInfo, SessionConfig, Transport};
use crate::extensions::{Enabled, Extension};
use crate::mail::MailAccess;
use crate::outcome::{Next, Outcome};
use crate::state::{Authenticated, Selected, State};

struct NobodyGetsIn;

impl Authenticator for NobodyGetsIn {
    fn verify(&self, _: &str, _: &[u8], _: IpAddr) -> AuthVerdict {
        AuthVerdict::Unavailable
    }
}

fn tag() -> Tag {
    Tag::new("s1").unwrap_or_else(|| panic!("valid tag"))
}

/// Real Maildirs under a temporary directory that lives as long as the
/// session holding this.
struct TempMail {
    store: Store,
    dir: tempfile::TempDir,
}

impl MailAccess for TempMail {
    fn open(&self, user: &str, _: Option<&std::path::Path>) -> Result<UserStore, StorageError> {
        self.store.user(self.dir.path().join(user))
    }
}

fn selected_session(enabled: Enabled) -> Session {
    let conn = ConnectionInfo {
        remote: ([192, 0, 2, 9], 4000).into(),
        local: ([192, 0, 2, 1], 143).into(),
        transport: Transport::Plain,
    };
    let mail = Arc::new(TempMail {
        store: Store::new(StoreSettings {
            fsync: Fsync::Never,
            ..StoreSettings::default()
        }),
        dir: tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}")),
    });
    let user = mail
        .open("alice", None)
        .unwrap_or_else(|e| panic!("user store: {e}"));
    let inbox = MailboxName::parse("INBOX", '.').unwrap_or_else(|e| panic!("{e}"));
    let view = user
        .open(&inbox, Access::ReadWrite)
        .unwrap_or_else(|e| panic!("open INBOX: {e}"));
    let mut session = Session::new(
        Arc::new(SessionConfig::default()),
        Services {
            auth: Arc::new(NobodyGetsIn),
            mail,
        },
        conn,
    );
    session.state = State::Selected(Selected::new(
        Authenticated {
            user: "alice".into(),
            enabled,
            mail: user,
        },
        inbox,
        view,
    ));
    session
}

fn tagged(kind: StatusKind, text: &str) -> Response {
    Response::Status(StatusResponse {
        tag: Some(tag()),
        kind,
        code: None,
        text: text.into(),
    })
}

fn sends(responses: Vec<Response>) -> Outcome {
    Outcome {
        responses,
        delay: None,
        next: Next::Continue,
        event: None,
    }
}

fn run(session: &mut Session, body: CommandBody) -> Outcome {
    session.handle(Command { tag: tag(), body })
}

#[test]
fn every_command_has_exactly_one_table_entry_and_every_entry_is_reachable() {
    let names: Vec<&str> = samples::all().iter().map(|b| b.name()).collect();
    let distinct: HashSet<&str> = names.iter().copied().collect();
    assert_eq!(distinct.len(), names.len(), "samples repeat a command");
    for body in samples::all() {
        assert!(
            commands::lookup(&body).is_some(),
            "{} has no entry",
            body.name()
        );
    }
    assert_eq!(
        commands::COMMANDS.len(),
        names.len(),
        "an entry no command reaches"
    );
    let table: HashSet<&str> = commands::COMMANDS.iter().map(|e| e.name).collect();
    assert_eq!(table, distinct);
}

#[test]
fn handlers_get_their_own_commands_in_every_state() {
    // A handler handed another command's arguments answers SERVERBUG; no
    // command in any state may reach that.
    let bug = |out: &Outcome| {
        out.responses.iter().any(|r| {
            matches!(
                r,
                Response::Status(StatusResponse {
                    code: Some(Code::ServerBug),
                    ..
                })
            )
        })
    };
    for body in samples::all() {
        let name = body.name();
        let mut s = selected_session(Enabled::default());
        assert!(!bug(&run(&mut s, body.clone())), "{name} when selected");
        let mut s = selected_session(Enabled::default());
        if let State::Selected(selected) = std::mem::replace(&mut s.state, State::Logout) {
            s.state = State::Authenticated(selected.authenticated);
        }
        assert!(!bug(&run(&mut s, body)), "{name} when authenticated");
    }
}

#[test]
fn entries_taking_the_selected_state_are_the_selected_commands() {
    let selected: HashSet<&str> = samples::selected().iter().map(|b| b.name()).collect();
    for entry in commands::COMMANDS {
        assert_eq!(
            matches!(entry.handler, Handler::Selected(_)),
            selected.contains(entry.name),
            "{}",
            entry.name
        );
    }
}

#[test]
fn in_the_selected_state_login_commands_are_bad() {
    for body in samples::not_authenticated() {
        let text = format!("{}: already authenticated", body.name());
        let mut s = selected_session(Enabled::default());
        assert_eq!(
            run(&mut s, body),
            sends(vec![tagged(StatusKind::Bad, &text)])
        );
        assert_eq!(s.user(), Some("alice"));
    }
}

#[test]
fn in_the_selected_state_enable_is_bad_and_changes_nothing() {
    let mut s = selected_session(Enabled::default());
    assert_eq!(
        run(&mut s, CommandBody::Enable(vec!["UTF8=ACCEPT".into()])),
        sends(vec![tagged(
            StatusKind::Bad,
            "ENABLE: not allowed while a mailbox is selected"
        )])
    );
    assert!(!s.utf8_accept());
}

#[test]
fn in_the_selected_state_starttls_is_unknown() {
    let mut s = selected_session(Enabled::default());
    assert_eq!(
        run(&mut s, CommandBody::StartTls),
        sends(vec![tagged(StatusKind::Bad, "STARTTLS: unknown command")])
    );
}

#[test]
fn in_the_selected_state_namespace_and_capability_work() {
    let mut s = selected_session(Enabled::default());
    let out = run(&mut s, CommandBody::Namespace);
    assert_eq!(
        out.responses.last(),
        Some(&tagged(StatusKind::Ok, "NAMESPACE completed"))
    );
    let out = run(&mut s, CommandBody::Capability);
    let after_login =
        crate::capabilities::list(&s.config, &s.conn, crate::capabilities::Stage::AfterLogin);
    assert_eq!(
        out,
        sends(vec![
            Response::Data(Data::Capability(after_login)),
            tagged(StatusKind::Ok, "CAPABILITY completed"),
        ])
    );
}

#[test]
fn enabled_extensions_are_visible_while_selected() {
    let mut enabled = Enabled::default();
    enabled.insert(Extension::Utf8Accept);
    let s = selected_session(enabled);
    assert!(s.utf8_accept());
    assert!(!s.imap4rev2());
    assert_eq!(s.user(), Some("alice"));
}
