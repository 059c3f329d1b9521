//! The scenario generator: from a seed, the actions both worlds run (twin
//! clients' commands, the actors' changes, LMTP deliveries, hibernate
//! points), and the model that keeps the scenario deterministic. It never
//! looks at what the server answered: the same seed always yields the same
//! actions, so a failing seed replays.
//!
//! The model tracks, per twin pair, what decides the bytes and the
//! parking, not the mailbox contents:
//! - IDLE: a twin in IDLE hears at most one change before it is made to
//!   send DONE. Two changes inside one IDLE may be reported by one sync or
//!   by two (`* 3 EXISTS` then `* 4 EXISTS`, or only `* 4 EXISTS`),
//!   depending on when each twin's task ran; with one change the bytes are
//!   the same whether the twin syncs while idling or at DONE.
//! - \Recent: only the first read-write session to see a message gets it,
//!   a race between the sessions of a mailbox. IMAP4rev2 never shows it,
//!   so IMAP4rev1 twins only EXAMINE (a read-only view claims nothing) and
//!   STATUS never asks for RECENT.
//! - Parking: whether a parking twin should be hibernated right now
//!   (`Park`), so that hibernate points can wait for exactly that count.

use super::rng::Rng;

pub const USERS: usize = 3;
pub const PAIRS_PER_USER: usize = 2;
pub const CLIENTS: usize = USERS * PAIRS_PER_USER;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mbox {
    Inbox,
    Folder,
}

impl Mbox {
    pub fn name(self) -> &'static str {
        match self {
            Mbox::Inbox => "INBOX",
            Mbox::Folder => "Folder",
        }
    }

    pub fn index(self) -> usize {
        match self {
            Mbox::Inbox => 0,
            Mbox::Folder => 1,
        }
    }

    fn other(self) -> Mbox {
        match self {
            Mbox::Inbox => Mbox::Folder,
            Mbox::Folder => Mbox::Inbox,
        }
    }
}

/// A connection of a world: twin client `i` or the actor of user `u`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conn {
    Client(usize),
    Actor(usize),
}

/// What is written to a connection, in order. `%USER%` stands for the
/// connection's user in the world that runs it (`h0`, `a0`), `%UV%` for the
/// UIDVALIDITY of `Send::uv` there.
#[derive(Clone, Debug)]
pub enum Piece {
    Text(String),
    /// Read up to the `+` continuation before writing on.
    Continuation,
    /// Let what was written so far arrive alone: a command in two packets.
    Pause,
}

/// How far to read after writing.
#[derive(Clone, Debug)]
pub enum Until {
    /// One response (the greeting).
    Greeting,
    /// The `+` continuation (IDLE).
    Continuation,
    /// The tagged reply with this tag.
    Tagged(String),
}

#[derive(Clone, Debug)]
pub enum Action {
    Send {
        conn: Conn,
        pieces: Vec<Piece>,
        until: Until,
        uv: Option<Mbox>,
    },
    /// One LMTP transaction to the user in both worlds.
    Deliver {
        user: usize,
        mbox: Mbox,
        message: String,
    },
    /// Wait until the parking world has between `lo` and `hi` sessions
    /// hibernated, and the count holds still.
    Hibernated { lo: usize, hi: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ext {
    Plain,
    Condstore,
    Qresync,
}

/// What a twin pair ENABLEs at login.
#[derive(Clone, Copy, Debug)]
pub struct Variant {
    rev2: bool,
    ext: Ext,
    utf8: bool,
}

impl Variant {
    fn enable(self) -> Option<String> {
        let mut names = Vec::new();
        if self.rev2 {
            names.push("IMAP4rev2");
        }
        match self.ext {
            Ext::Plain => {}
            Ext::Condstore => names.push("CONDSTORE"),
            Ext::Qresync => names.push("QRESYNC"),
        }
        if self.utf8 {
            names.push("UTF8=ACCEPT");
        }
        (!names.is_empty()).then(|| format!("ENABLE {}", names.join(" ")))
    }

    pub fn describe(self) -> String {
        self.enable()
            .unwrap_or_else(|| "rev1, nothing enabled".into())
    }
}

/// Whether the parking twin is hibernated, as far as the model knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Park {
    /// Parked (and stays so until its next input).
    Yes,
    /// Idle and parkable: parks at once; the next hibernate point waits
    /// for it.
    Pending,
    /// Parks or not, depending on a race the scenario does not control
    /// (a change to its mailbox right after its command), or on an expunge
    /// the model cannot tell happened.
    Maybe,
    /// Cannot park until its next command: its view holds expunges back
    /// for a command that uses sequence numbers.
    No,
}

/// Two-valued for now: the model never knows that an expunge removed
/// something (EXPUNGE with nothing flagged \Deleted removes nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tri {
    No,
    Maybe,
}

/// What a command may do to a mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Flags,
    Adds,
    MayExpunge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Selection {
    mbox: Mbox,
    writable: bool,
}

#[derive(Clone, Debug)]
struct Idle {
    tag: String,
    /// Changes to the mailbox since IDLE began.
    heard: u32,
}

#[derive(Clone, Debug)]
struct ClientModel {
    user: usize,
    variant: Variant,
    selected: Option<Selection>,
    idle: Option<Idle>,
    park: Park,
    /// Another session may have expunged messages this view was not yet
    /// told of.
    unreported_expunge: Tri,
    /// The view may hold expunges back (SeqPolicy::Keep).
    owes: Tri,
    tags: u32,
}

/// How a command's closing sync treats expunges (the command table's
/// USES_SEQS flag).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Policy {
    Keep,
    Update,
}

/// What a command does that the model must follow.
struct Effect {
    policy: Policy,
    /// `Some(new)` when the command changes the selection.
    select: Option<Option<Selection>>,
    /// Mailboxes of the user it changes, and how.
    touches: Vec<(Mbox, Change)>,
}

impl Effect {
    fn reads(policy: Policy) -> Effect {
        Effect::touching(policy, Vec::new())
    }

    fn touching(policy: Policy, touches: Vec<(Mbox, Change)>) -> Effect {
        Effect {
            policy,
            select: None,
            touches,
        }
    }
}

/// A command without its tag, with an optional literal after it, or a
/// second command pipelined behind it.
struct Cmd {
    text: String,
    literal: Option<(String, Literal)>,
    then: Option<String>,
    effect: Effect,
    uv: Option<Mbox>,
}

#[derive(Clone, Copy)]
enum Literal {
    /// `{n+}`: sent with the command.
    NonSync,
    /// `{n}`: sent after the continuation.
    Sync,
}

impl Cmd {
    fn new(text: String, effect: Effect) -> Cmd {
        Cmd {
            text,
            literal: None,
            then: None,
            effect,
            uv: None,
        }
    }
}

pub struct Script {
    rng: Rng,
    clients: Vec<ClientModel>,
    /// The mailbox each user's actor has selected.
    actors: Vec<Option<Mbox>>,
    actor_tags: Vec<u32>,
    /// An estimate of each mailbox's UIDNEXT, for plausible UID sets.
    uid_next: Vec<[u32; 2]>,
    messages: u32,
}

/// \Deleted comes twice: expunges need it.
const FLAGS: [&str; 9] = [
    "\\Seen",
    "\\Flagged",
    "\\Deleted",
    "\\Deleted",
    "\\Answered",
    "\\Draft",
    "$Work",
    "$Later",
    "Custom",
];

fn update() -> Effect {
    Effect::reads(Policy::Update)
}

impl Script {
    pub fn new(seed: u64) -> Script {
        let mut rng = Rng::new(seed);
        let mut clients = Vec::with_capacity(CLIENTS);
        for user in 0..USERS {
            for _ in 0..PAIRS_PER_USER {
                let variant = Variant {
                    rev2: rng.chance(60),
                    ext: rng.pick(&[Ext::Plain, Ext::Condstore, Ext::Qresync]),
                    utf8: rng.chance(20),
                };
                clients.push(ClientModel {
                    user,
                    variant,
                    selected: None,
                    idle: None,
                    park: Park::No,
                    unreported_expunge: Tri::No,
                    owes: Tri::No,
                    tags: 0,
                });
            }
        }
        Script {
            rng,
            clients,
            actors: vec![None; USERS],
            actor_tags: vec![0; USERS],
            uid_next: vec![[1, 1]; USERS],
            messages: 0,
        }
    }

    pub fn describe_client(&self, i: usize) -> String {
        match self.clients.get(i) {
            Some(c) => format!("client {i} (user {}, {})", c.user, c.variant.describe()),
            None => format!("client {i}"),
        }
    }

    /// The user of each client, in order.
    pub fn client_users(&self) -> Vec<usize> {
        self.clients.iter().map(|c| c.user).collect()
    }

    /// Greetings, actor logins, the second mailbox and the first messages.
    /// The worlds learn their UIDVALIDITYs after these and before
    /// [`Script::setup_clients`].
    pub fn setup_mailboxes(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        for user in 0..USERS {
            out.push(greeting(Conn::Actor(user)));
            for text in ["LOGIN %USER% secret", "ENABLE IMAP4rev2", "CREATE Folder"] {
                out.push(self.actor_send(user, Cmd::new(text.into(), update())));
            }
            for mbox in [Mbox::Inbox, Mbox::Inbox, Mbox::Inbox, Mbox::Folder] {
                let append = self.append(mbox);
                self.grow(user, mbox);
                out.push(self.actor_send(user, append));
            }
        }
        out
    }

    /// The twins connect, log in, ENABLE and mostly select a mailbox.
    pub fn setup_clients(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        for i in 0..CLIENTS {
            out.push(greeting(Conn::Client(i)));
            let login = Cmd::new("LOGIN %USER% secret".into(), update());
            out.push(self.client_send(i, login, Split::Never));
            if let Some(enable) = self.clients[i].variant.enable() {
                out.push(self.client_send(i, Cmd::new(enable, update()), Split::Never));
            }
            if self.rng.chance(80) {
                let select = self.select(i);
                out.extend(self.client_command(i, select));
            }
        }
        out.push(self.hibernate_point());
        out
    }

    /// One step of the scenario: a twin's command, an actor's change or a
    /// delivery, and often a hibernate point; plus the DONEs that keep
    /// every IDLE to one change.
    pub fn step(&mut self) -> Vec<Action> {
        let mut out = match self.rng.weighted(&[55, 25, 10, 10]) {
            0 => {
                let i = self.rng.below(CLIENTS);
                self.client_step(i)
            }
            1 => self.actor_step(),
            2 => self.delivery(),
            _ => Vec::new(),
        };
        if out.is_empty() || self.rng.chance(35) {
            out.push(self.hibernate_point());
        }
        out
    }

    /// Every IDLE ended, every view synced by the same command, LOGOUT.
    pub fn finish(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        for i in 0..CLIENTS {
            out.extend(self.done(i, None));
        }
        for i in 0..CLIENTS {
            if self.clients[i].selected.is_some() {
                let fetch = Cmd::new("UID FETCH 1:* (FLAGS)".into(), update());
                out.push(self.client_send(i, fetch, Split::Never));
            }
            out.push(self.client_send(i, Cmd::new("LOGOUT".into(), update()), Split::Never));
        }
        for user in 0..USERS {
            out.push(self.actor_send(user, Cmd::new("LOGOUT".into(), update())));
        }
        out
    }

    fn hibernate_point(&mut self) -> Action {
        let count = |p: Park| self.clients.iter().filter(|c| c.park == p).count();
        let lo = count(Park::Yes) + count(Park::Pending);
        let hi = lo + count(Park::Maybe);
        for c in &mut self.clients {
            if c.park == Park::Pending {
                c.park = Park::Yes;
            }
        }
        Action::Hibernated { lo, hi }
    }

    fn client_step(&mut self, i: usize) -> Vec<Action> {
        if self.clients[i].idle.is_some() {
            let then = match self.rng.weighted(&[60, 10, 10, 10]) {
                0 => None,
                1 => Some("NOOP"),
                2 => Some("UID FETCH 1:* (FLAGS)"),
                _ => Some("UID SEARCH UNSEEN"),
            };
            return self.done(i, then).into_iter().collect();
        }
        let cmd = self.random_command(i);
        self.client_command(i, cmd)
    }

    /// The DONEs that `cmd`'s changes need first, then `cmd` itself.
    fn client_command(&mut self, i: usize, cmd: Cmd) -> Vec<Action> {
        let user = self.clients[i].user;
        let mut out = self.make_room(user, &cmd.effect.touches);
        if cmd.text == "IDLE" {
            out.push(self.enter_idle(i));
        } else {
            out.push(self.client_send(i, cmd, Split::Maybe));
        }
        out
    }

    /// Ends the IDLE of every twin on a touched mailbox that has already
    /// heard a change in this IDLE.
    fn make_room(&mut self, user: usize, touches: &[(Mbox, Change)]) -> Vec<Action> {
        let mut out = Vec::new();
        for &(mbox, _) in touches {
            for j in 0..CLIENTS {
                let c = &self.clients[j];
                let heard = c.idle.as_ref().is_some_and(|idle| idle.heard > 0);
                if heard && c.user == user && c.selected.is_some_and(|s| s.mbox == mbox) {
                    out.extend(self.done(j, None));
                }
            }
        }
        out
    }

    fn grow(&mut self, user: usize, mbox: Mbox) {
        if let Some(next) = self
            .uid_next
            .get_mut(user)
            .and_then(|n| n.get_mut(mbox.index()))
        {
            *next += 1;
        }
    }

    /// Tells the model that `(user, mbox)` changed, by anyone but `except`.
    fn touch(&mut self, user: usize, mbox: Mbox, change: Change, except: Option<usize>) {
        if change == Change::Adds {
            self.grow(user, mbox);
        }
        let expunge = match change {
            Change::MayExpunge => Tri::Maybe,
            Change::Flags | Change::Adds => Tri::No,
        };
        for (j, c) in self.clients.iter_mut().enumerate() {
            if Some(j) == except || c.user != user || c.selected.is_none_or(|s| s.mbox != mbox) {
                continue;
            }
            match &mut c.idle {
                Some(idle) => idle.heard += 1,
                None => {
                    // It may have parked before the change, or found its
                    // view behind and stayed awake.
                    if c.park == Park::Pending {
                        c.park = Park::Maybe;
                    }
                    c.unreported_expunge = c.unreported_expunge.max(expunge);
                }
            }
        }
    }

    fn touch_all(&mut self, user: usize, touches: &[(Mbox, Change)], except: Option<usize>) {
        for &(mbox, change) in touches {
            self.touch(user, mbox, change, except);
        }
    }

    /// Applies the effect of a command client `i` ran.
    fn apply(&mut self, i: usize, effect: &Effect) {
        let user = self.clients[i].user;
        self.touch_all(user, &effect.touches, Some(i));
        let c = &mut self.clients[i];
        if c.selected.is_some() {
            match effect.policy {
                Policy::Update => {
                    c.unreported_expunge = Tri::No;
                    c.owes = Tri::No;
                }
                Policy::Keep => {
                    c.owes = c.owes.max(c.unreported_expunge);
                    c.unreported_expunge = Tri::No;
                }
            }
        }
        if let Some(selection) = effect.select {
            c.selected = selection;
            c.unreported_expunge = Tri::No;
            c.owes = Tri::No;
        }
        c.park = if c.idle.is_some() || c.selected.is_none() {
            Park::Pending
        } else {
            match c.owes {
                Tri::No => Park::Pending,
                Tri::Maybe => Park::Maybe,
            }
        };
    }

    fn next_tag(&mut self, i: usize) -> String {
        let c = &mut self.clients[i];
        c.tags += 1;
        format!("c{i}t{}", c.tags)
    }

    fn enter_idle(&mut self, i: usize) -> Action {
        let tag = self.next_tag(i);
        self.clients[i].idle = Some(Idle {
            tag: tag.clone(),
            heard: 0,
        });
        self.apply(i, &update());
        Action::Send {
            conn: Conn::Client(i),
            pieces: vec![Piece::Text(format!("{tag} IDLE\r\n"))],
            until: Until::Continuation,
            uv: None,
        }
    }

    /// DONE if client `i` is in IDLE, perhaps with a command right behind
    /// it in the same packet.
    fn done(&mut self, i: usize, then: Option<&str>) -> Option<Action> {
        let idle = self.clients[i].idle.take()?;
        let mut text = String::from("DONE\r\n");
        let mut until = idle.tag;
        if let Some(command) = then {
            let tag = self.next_tag(i);
            text.push_str(&format!("{tag} {command}\r\n"));
            until = tag;
        }
        self.apply(i, &update());
        let pieces = if self.rng.chance(10) {
            let (a, b) = text.split_at(2);
            vec![
                Piece::Text(a.to_string()),
                Piece::Pause,
                Piece::Text(b.to_string()),
            ]
        } else {
            vec![Piece::Text(text)]
        };
        Some(Action::Send {
            conn: Conn::Client(i),
            pieces,
            until: Until::Tagged(until),
            uv: None,
        })
    }

    fn client_send(&mut self, i: usize, cmd: Cmd, split: Split) -> Action {
        let tag = self.next_tag(i);
        let second = cmd.then.is_some().then(|| self.next_tag(i));
        self.apply(i, &cmd.effect);
        let pieces = self.pieces(&tag, second.as_deref(), &cmd, split);
        Action::Send {
            conn: Conn::Client(i),
            pieces,
            until: Until::Tagged(second.unwrap_or(tag)),
            uv: cmd.uv,
        }
    }

    fn pieces(&mut self, tag: &str, second: Option<&str>, cmd: &Cmd, split: Split) -> Vec<Piece> {
        match &cmd.literal {
            None => {
                let mut line = format!("{tag} {}\r\n", cmd.text);
                if let (Some(then), Some(second)) = (&cmd.then, second) {
                    line.push_str(&format!("{second} {then}\r\n"));
                }
                if matches!(split, Split::Maybe) && self.rng.chance(10) {
                    let at = self.rng.between(1, line.len() as u32 - 1) as usize;
                    let (a, b) = line.split_at(at);
                    vec![
                        Piece::Text(a.to_string()),
                        Piece::Pause,
                        Piece::Text(b.to_string()),
                    ]
                } else {
                    vec![Piece::Text(line)]
                }
            }
            Some((body, Literal::NonSync)) => vec![Piece::Text(format!(
                "{tag} {} {{{}+}}\r\n{body}\r\n",
                cmd.text,
                body.len()
            ))],
            Some((body, Literal::Sync)) => vec![
                Piece::Text(format!("{tag} {} {{{}}}\r\n", cmd.text, body.len())),
                Piece::Continuation,
                Piece::Text(format!("{body}\r\n")),
            ],
        }
    }

    fn actor_send(&mut self, user: usize, cmd: Cmd) -> Action {
        self.actor_tags[user] += 1;
        let tag = format!("a{user}t{}", self.actor_tags[user]);
        let pieces = self.pieces(&tag, None, &cmd, Split::Never);
        Action::Send {
            conn: Conn::Actor(user),
            pieces,
            until: Until::Tagged(tag),
            uv: cmd.uv,
        }
    }

    /// A change by the user's actor (a session on the listener that never
    /// hibernates): flags, an expunge, an append, a copy or a move. Each is
    /// one commit per mailbox, so one change for an IDLE to hear.
    fn actor_step(&mut self) -> Vec<Action> {
        let user = self.rng.below(USERS);
        let mbox = self.rng.pick(&[Mbox::Inbox, Mbox::Inbox, Mbox::Folder]);
        let mut out = Vec::new();
        let kind = self.rng.weighted(&[40, 15, 20, 12, 8]);
        if kind == 2 {
            let append = self.append(mbox);
            let touches = append.effect.touches.clone();
            out.extend(self.make_room(user, &touches));
            self.touch_all(user, &touches, None);
            out.push(self.actor_send(user, append));
            return out;
        }
        if self.actors[user] != Some(mbox) {
            self.actors[user] = Some(mbox);
            let select = Cmd::new(format!("SELECT {}", mbox.name()), update());
            out.push(self.actor_send(user, select));
        }
        let set = self.uid_set(user, mbox);
        let other = mbox.other();
        let (text, touches) = match kind {
            0 => {
                let op = self.rng.pick(&["+", "+", "-", ""]);
                let flags = self.flags();
                let text = format!("UID STORE {set} {op}FLAGS.SILENT ({flags})");
                (text, vec![(mbox, Change::Flags)])
            }
            1 => ("EXPUNGE".to_string(), vec![(mbox, Change::MayExpunge)]),
            3 => (
                format!("UID MOVE {set} {}", other.name()),
                vec![(mbox, Change::MayExpunge), (other, Change::Adds)],
            ),
            _ => (
                format!("UID COPY {set} {}", other.name()),
                vec![(other, Change::Adds)],
            ),
        };
        out.extend(self.make_room(user, &touches));
        self.touch_all(user, &touches, None);
        out.push(self.actor_send(user, Cmd::new(text, update())));
        out
    }

    fn delivery(&mut self) -> Vec<Action> {
        let user = self.rng.below(USERS);
        let mbox = self.rng.pick(&[Mbox::Inbox, Mbox::Inbox, Mbox::Folder]);
        let touches = [(mbox, Change::Adds)];
        let mut out = self.make_room(user, &touches);
        self.touch_all(user, &touches, None);
        out.push(Action::Deliver {
            user,
            mbox,
            message: self.message(),
        });
        out
    }

    /// A message, now and then with a UTF-8 or encoded-word subject, or
    /// multipart. No part of it depends on the world or the clock.
    fn message(&mut self) -> String {
        self.messages += 1;
        let n = self.messages;
        let subject = match self.rng.below(5) {
            0 => format!("Gr\u{fc}\u{df}e {n}"),
            1 => format!("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= {n}"),
            _ => format!("m{n}"),
        };
        let head = format!(
            "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nFrom: Fred <fred@example.com>\r\n\
             To: you@example.org\r\nSubject: {subject}\r\nMessage-ID: <{n}@test>\r\n"
        );
        if self.rng.chance(25) {
            format!(
                "{head}MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b{n}\r\n\r\n\
                 --b{n}\r\nContent-Type: text/plain\r\n\r\nplain {n}\r\n\
                 --b{n}\r\nContent-Type: text/html\r\n\r\n<p>html {n}</p>\r\n--b{n}--\r\n"
            )
        } else {
            format!("{head}\r\nbody of message {n}\r\n")
        }
    }

    fn append(&mut self, mbox: Mbox) -> Cmd {
        let flags = if self.rng.chance(40) {
            format!(" ({})", self.flags())
        } else {
            String::new()
        };
        let literal = if self.rng.chance(25) {
            Literal::Sync
        } else {
            Literal::NonSync
        };
        Cmd {
            text: format!("APPEND {}{flags}", mbox.name()),
            literal: Some((self.message(), literal)),
            then: None,
            effect: Effect {
                policy: Policy::Update,
                select: None,
                touches: vec![(mbox, Change::Adds)],
            },
            uv: None,
        }
    }

    fn flags(&mut self) -> String {
        let mut out: Vec<&str> = Vec::new();
        for _ in 0..self.rng.between(1, 2) {
            let flag = self.rng.pick(&FLAGS);
            if !out.contains(&flag) {
                out.push(flag);
            }
        }
        out.join(" ")
    }

    fn uid_set(&mut self, user: usize, mbox: Mbox) -> String {
        let next = self
            .uid_next
            .get(user)
            .and_then(|n| n.get(mbox.index()))
            .copied()
            .unwrap_or(1);
        let a = self.rng.between(1, next);
        let b = self.rng.between(a, next);
        match self.rng.below(5) {
            0 => "1:*".into(),
            1 => "*".into(),
            2 => format!("{a}"),
            3 => format!("{a}:{b}"),
            _ => format!("{a}:*"),
        }
    }

    fn seq_set(&mut self) -> String {
        self.rng
            .pick(&["1", "2", "*", "1:*", "1:2", "2:*", "1,3", "3:4", "1:*"])
            .to_string()
    }

    /// A command for client `i`, which is not in IDLE.
    fn random_command(&mut self, i: usize) -> Cmd {
        let c = self.clients[i].clone();
        let Some(sel) = c.selected else {
            return match self.rng.weighted(&[40, 10, 10, 10, 10]) {
                0 => self.select(i),
                1 => Cmd::new("IDLE".into(), update()),
                2 => Cmd::new("NOOP".into(), update()),
                3 => self.status(i),
                _ => {
                    let mbox = self.rng.pick(&[Mbox::Inbox, Mbox::Folder]);
                    self.append(mbox)
                }
            };
        };
        let writable = |w: usize| if sel.writable { w } else { 0 };
        let weights = [
            18,
            6,
            2,
            12,
            10,
            7,
            writable(10),
            writable(3),
            4,
            4,
            5,
            2,
            3,
            4,
        ];
        let condstore = c.variant.ext != Ext::Plain;
        match self.rng.weighted(&weights) {
            0 => Cmd::new("IDLE".into(), update()),
            1 => Cmd::new("NOOP".into(), update()),
            2 => Cmd::new("CHECK".into(), update()),
            3 => self.fetch(sel, Uids::Seq, condstore),
            4 => self.fetch(sel, Uids::Uid, condstore),
            5 => self.search(),
            6 => self.store(c.user, sel, condstore),
            7 => {
                let text = if self.rng.chance(50) {
                    "EXPUNGE".to_string()
                } else {
                    format!("UID EXPUNGE {}", self.uid_set(c.user, sel.mbox))
                };
                let touches = vec![(sel.mbox, Change::MayExpunge)];
                Cmd::new(text, Effect::touching(Policy::Update, touches))
            }
            8 => self.copy_or_move(c.user, sel),
            9 => {
                let mbox = self.rng.pick(&[sel.mbox, sel.mbox.other()]);
                self.append(mbox)
            }
            10 => self.select(i),
            11 => {
                let (text, touches) = if sel.writable && self.rng.chance(50) {
                    ("CLOSE", vec![(sel.mbox, Change::MayExpunge)])
                } else {
                    ("UNSELECT", Vec::new())
                };
                let mut effect = Effect::touching(Policy::Update, touches);
                effect.select = Some(None);
                Cmd::new(text.into(), effect)
            }
            12 => self.status(i),
            _ => {
                // Two commands in one packet, neither of which changes
                // anything.
                let first = self
                    .rng
                    .pick(&["NOOP", "UID FETCH 1:* (UID FLAGS)", "UID SEARCH ALL"]);
                let second = self.rng.pick(&[
                    "UID FETCH 1:* (FLAGS)",
                    "NOOP",
                    "STATUS INBOX (MESSAGES UNSEEN)",
                ]);
                let mut cmd = Cmd::new(first.into(), update());
                cmd.then = Some(second.into());
                cmd
            }
        }
    }

    fn select(&mut self, i: usize) -> Cmd {
        let variant = self.clients[i].variant;
        let mbox = self.rng.pick(&[Mbox::Inbox, Mbox::Inbox, Mbox::Folder]);
        // IMAP4rev1 twins never SELECT: see the module comment on \Recent.
        let writable = variant.rev2 && self.rng.chance(75);
        let verb = if writable { "SELECT" } else { "EXAMINE" };
        let param = match variant.ext {
            Ext::Qresync if self.rng.chance(50) => {
                let modseq = self.rng.between(1, 30);
                if self.rng.chance(50) {
                    format!(" (QRESYNC (%UV% {modseq}))")
                } else {
                    let hi = self.rng.between(1, 12);
                    format!(" (QRESYNC (%UV% {modseq} 1:{hi}))")
                }
            }
            _ if self.rng.chance(15) => " (CONDSTORE)".into(),
            _ => String::new(),
        };
        let mut effect = update();
        effect.select = Some(Some(Selection { mbox, writable }));
        let mut cmd = Cmd::new(format!("{verb} {}{param}", mbox.name()), effect);
        cmd.uv = Some(mbox);
        cmd
    }

    fn fetch(&mut self, sel: Selection, uids: Uids, condstore: bool) -> Cmd {
        let items = [
            "FLAGS",
            "(UID FLAGS)",
            "(FLAGS MODSEQ)",
            "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
            "ENVELOPE",
            "BODYSTRUCTURE",
            "(RFC822.SIZE FLAGS)",
            "BODY[TEXT]",
            "(FLAGS) (CHANGEDSINCE %M%)",
            "(FLAGS) (CHANGEDSINCE %M% VANISHED)",
        ];
        let mut item = self.rng.pick(&items).to_string();
        if item.contains("VANISHED") && (!condstore || uids == Uids::Seq) {
            item = "(UID FLAGS)".into();
        }
        let modseq = self.rng.between(1, 30);
        let item = item.replace("%M%", &modseq.to_string());
        // A body fetch sets \Seen in a read-write mailbox: a change.
        let touches = if item == "BODY[TEXT]" && sel.writable {
            vec![(sel.mbox, Change::Flags)]
        } else {
            Vec::new()
        };
        let (text, policy) = match uids {
            Uids::Seq => {
                let set = if self.rng.chance(10) {
                    "$".into()
                } else {
                    self.seq_set()
                };
                (format!("FETCH {set} {item}"), Policy::Keep)
            }
            Uids::Uid => (format!("UID FETCH 1:* {item}"), Policy::Update),
        };
        Cmd::new(text, Effect::touching(policy, touches))
    }

    fn search(&mut self) -> Cmd {
        let keys = [
            "ALL",
            "UNSEEN",
            "FLAGGED",
            "DELETED",
            "KEYWORD $Work",
            "SUBJECT m1",
            "RETURN (SAVE) FLAGGED",
            "RETURN (MIN MAX COUNT) ALL",
            "MODSEQ 5",
            "NOT SEEN",
        ];
        let key = self.rng.pick(&keys);
        if self.rng.chance(50) {
            Cmd::new(format!("SEARCH {key}"), Effect::reads(Policy::Keep))
        } else {
            Cmd::new(format!("UID SEARCH {key}"), update())
        }
    }

    fn store(&mut self, user: usize, sel: Selection, condstore: bool) -> Cmd {
        let op = self.rng.pick(&["+", "+", "-", ""]);
        let silent = if self.rng.chance(40) { ".SILENT" } else { "" };
        let flags = self.flags();
        let unchanged = if condstore && self.rng.chance(20) {
            format!("(UNCHANGEDSINCE {}) ", self.rng.between(1, 30))
        } else {
            String::new()
        };
        let (uid, set, policy) = if self.rng.chance(50) {
            ("", self.seq_set(), Policy::Keep)
        } else {
            ("UID ", self.uid_set(user, sel.mbox), Policy::Update)
        };
        Cmd::new(
            format!("{uid}STORE {set} {unchanged}{op}FLAGS{silent} ({flags})"),
            Effect::touching(policy, vec![(sel.mbox, Change::Flags)]),
        )
    }

    fn copy_or_move(&mut self, user: usize, sel: Selection) -> Cmd {
        let other = sel.mbox.other();
        let moving = sel.writable && self.rng.chance(50);
        let by_uid = self.rng.chance(50);
        let set = if by_uid {
            self.uid_set(user, sel.mbox)
        } else {
            self.seq_set()
        };
        let verb = match (moving, by_uid) {
            (true, true) => "UID MOVE",
            (true, false) => "MOVE",
            (false, true) => "UID COPY",
            (false, false) => "COPY",
        };
        let mut touches = vec![(other, Change::Adds)];
        if moving {
            touches.push((sel.mbox, Change::MayExpunge));
        }
        // MOVE reports its expunges itself, whatever the numbering.
        let policy = if by_uid || moving {
            Policy::Update
        } else {
            Policy::Keep
        };
        Cmd::new(
            format!("{verb} {set} {}", other.name()),
            Effect::touching(policy, touches),
        )
    }

    fn status(&mut self, i: usize) -> Cmd {
        let mbox = self.rng.pick(&[Mbox::Inbox, Mbox::Folder]);
        // Never RECENT: which session claims \Recent is a race.
        let mut items = vec!["MESSAGES", "UIDNEXT", "UNSEEN", "UIDVALIDITY"];
        if self.rng.chance(30) {
            items.push("HIGHESTMODSEQ");
        }
        if self.clients[i].variant.rev2 && self.rng.chance(30) {
            items.extend(["SIZE", "DELETED"]);
        }
        Cmd::new(
            format!("STATUS {} ({})", mbox.name(), items.join(" ")),
            update(),
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Uids {
    Seq,
    Uid,
}

/// Whether a command may be sent in two packets.
#[derive(Clone, Copy)]
enum Split {
    Maybe,
    Never,
}

fn greeting(conn: Conn) -> Action {
    Action::Send {
        conn,
        pieces: Vec::new(),
        until: Until::Greeting,
        uv: None,
    }
}
