//! Test helpers: a small real authenticator, sessions on different kinds of
//! connection, and builders for the responses and outcomes tests expect.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dormouse_proto::{Code, Command, CommandBody, Data, Response, StatusKind, StatusResponse, Tag};
use dormouse_session::{
    AuthVerdict, Authenticator, ConnectionInfo, MailAccess, Next, Outcome, PlaintextAuth, Services,
    Session, SessionConfig, SessionEvent, Transport,
};
use dormouse_storage::{Fsync, StorageError, Store, StoreSettings, UserStore};

/// What the authenticator asks the server to wait after a wrong password.
pub const REJECT_DELAY: Duration = Duration::from_millis(750);

/// Users and passwords in memory. Logins are case-insensitive and return
/// the lower-case canonical name; user `outage` makes the backend
/// unavailable. Remembers every remote address it was asked about.
pub struct TestAuth {
    users: HashMap<String, Vec<u8>>,
    pub remotes: Mutex<Vec<IpAddr>>,
}

impl TestAuth {
    pub fn new() -> Arc<TestAuth> {
        let users = [("alice", "wonderland"), ("bob", "builder")]
            .into_iter()
            .map(|(u, p)| (u.to_string(), p.as_bytes().to_vec()))
            .collect();
        Arc::new(TestAuth {
            users,
            remotes: Mutex::new(Vec::new()),
        })
    }
}

impl Authenticator for TestAuth {
    fn verify(&self, username: &str, password: &[u8], remote: IpAddr) -> AuthVerdict {
        if let Ok(mut remotes) = self.remotes.lock() {
            remotes.push(remote);
        }
        let canonical = username.to_ascii_lowercase();
        if canonical == "outage" {
            return AuthVerdict::Unavailable;
        }
        match self.users.get(&canonical) {
            Some(expected) if expected.as_slice() == password => AuthVerdict::Accepted {
                user: canonical,
                home: None,
            },
            _ => AuthVerdict::Rejected {
                delay: REJECT_DELAY,
            },
        }
    }
}

/// Real Maildirs in a temporary directory, one per user, removed when the
/// session (which holds this through `Services`) is dropped.
pub struct TestMail {
    store: Store,
    dir: tempfile::TempDir,
}

impl TestMail {
    pub fn new() -> Arc<TestMail> {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("tempdir: {e}"),
        };
        Arc::new(TestMail {
            store: Store::new(StoreSettings {
                fsync: Fsync::Never,
                ..StoreSettings::default()
            }),
            dir,
        })
    }
}

impl MailAccess for TestMail {
    fn open(&self, user: &str, _home: Option<&std::path::Path>) -> Result<UserStore, StorageError> {
        self.store.user(self.dir.path().join(user))
    }
}

pub fn services(auth: Arc<TestAuth>) -> Services {
    Services {
        auth,
        mail: TestMail::new(),
    }
}

pub const REMOTE: &str = "192.0.2.7:40000";

/// A cleartext connection from a non-loopback peer.
pub fn plain_conn() -> ConnectionInfo {
    conn(REMOTE, Transport::Plain)
}

pub fn tls_conn() -> ConnectionInfo {
    conn(REMOTE, Transport::Tls)
}

pub fn conn(remote: &str, transport: Transport) -> ConnectionInfo {
    ConnectionInfo {
        remote: addr(remote),
        local: addr("192.0.2.1:143"),
        transport,
    }
}

fn addr(s: &str) -> SocketAddr {
    match s.parse() {
        Ok(addr) => addr,
        Err(e) => panic!("test address {s}: {e}"),
    }
}

/// Plaintext allowed by configuration, on a cleartext connection: the
/// simplest session that can log in.
pub fn session() -> Session {
    session_with(allowing_config(), plain_conn())
}

pub fn allowing_config() -> SessionConfig {
    SessionConfig {
        plaintext_auth: PlaintextAuth::Allowed,
        ..SessionConfig::default()
    }
}

pub fn session_with(config: SessionConfig, conn: ConnectionInfo) -> Session {
    Session::new(Arc::new(config), services(TestAuth::new()), conn)
}

/// A session already logged in as alice.
pub fn logged_in() -> Session {
    let mut s = session();
    let out = s.handle(cmd("L", login_body("alice", "wonderland")));
    assert_eq!(
        out.event,
        Some(SessionEvent::LoggedIn {
            user: "alice".into(),
            mechanism: dormouse_session::Mechanism::Login,
        })
    );
    s
}

pub fn tag(s: &str) -> Tag {
    match Tag::new(s) {
        Some(tag) => tag,
        None => panic!("bad test tag {s:?}"),
    }
}

pub fn cmd(t: &str, body: CommandBody) -> Command {
    Command { tag: tag(t), body }
}

pub fn login_body(user: &str, password: &str) -> CommandBody {
    CommandBody::Login {
        username: user.into(),
        password: dormouse_proto::Secret(password.as_bytes().to_vec()),
    }
}

fn plain_status(kind: StatusKind, text: &str) -> StatusResponse {
    StatusResponse {
        tag: None,
        kind,
        code: None,
        text: text.into(),
    }
}

pub fn untagged(kind: StatusKind, text: &str) -> Response {
    Response::Status(plain_status(kind, text))
}

pub fn untagged_code(kind: StatusKind, code: Code, text: &str) -> Response {
    Response::Status(StatusResponse {
        code: Some(code),
        ..plain_status(kind, text)
    })
}

pub fn tagged_code(t: &str, kind: StatusKind, code: Code, text: &str) -> Response {
    Response::Status(StatusResponse {
        tag: Some(tag(t)),
        code: Some(code),
        ..plain_status(kind, text)
    })
}

pub fn ok(t: &str, text: &str) -> Response {
    Response::Status(StatusResponse {
        tag: Some(tag(t)),
        ..plain_status(StatusKind::Ok, text)
    })
}

pub fn bad(t: &str, text: &str) -> Response {
    Response::Status(StatusResponse {
        tag: Some(tag(t)),
        ..plain_status(StatusKind::Bad, text)
    })
}

pub fn no(t: &str, code: Code, text: &str) -> Response {
    tagged_code(t, StatusKind::No, code, text)
}

pub fn data(d: Data) -> Response {
    Response::Data(d)
}

/// An outcome that sends `responses` at once and carries on.
pub fn sends(responses: Vec<Response>) -> Outcome {
    Outcome {
        responses,
        delay: None,
        next: Next::Continue,
        event: None,
    }
}

pub fn caps(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| c.to_string()).collect()
}

pub const BEFORE_LOGIN: &[&str] = &[
    "IMAP4rev1",
    "IMAP4rev2",
    "LITERAL+",
    "SASL-IR",
    "ID",
    "ENABLE",
    "AUTH=PLAIN",
];
pub const BEFORE_LOGIN_DISABLED: &[&str] = &[
    "IMAP4rev1",
    "IMAP4rev2",
    "LITERAL+",
    "SASL-IR",
    "ID",
    "ENABLE",
    "LOGINDISABLED",
];
pub const AFTER_LOGIN: &[&str] = &[
    "IMAP4rev1",
    "IMAP4rev2",
    "LITERAL+",
    "ID",
    "ENABLE",
    "IDLE",
    "NAMESPACE",
    "UTF8=ACCEPT",
    "LIST-EXTENDED",
    "LIST-STATUS",
    "SPECIAL-USE",
    "CREATE-SPECIAL-USE",
    "CHILDREN",
    "MULTIAPPEND",
    "STATUS=SIZE",
    "UIDPLUS",
    "MOVE",
    "UNSELECT",
    "CONDSTORE",
    "QRESYNC",
    "BINARY",
    "ESEARCH",
    "SEARCHRES",
    "SORT",
    "SORT=DISPLAY",
    "THREAD=ORDEREDSUBJECT",
    "THREAD=REFERENCES",
    "WITHIN",
];

/// The tagged OK of a successful login.
pub fn logged_in_ok(t: &str) -> Response {
    tagged_code(
        t,
        StatusKind::Ok,
        Code::Capability(caps(AFTER_LOGIN)),
        "Logged in",
    )
}
