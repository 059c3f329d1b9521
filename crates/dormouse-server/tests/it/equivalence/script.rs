//! The scenario generator: from a seed, the actions both worlds run (twin
//! clients' commands, the actors' changes, LMTP deliveries, hibernate and
//! hear points), and the model that keeps the scenario deterministic. It never
//! looks at what the server answered: the same seed always yields the same
//! actions, so a failing seed replays.
//!
//! The model tracks, per twin pair, what decides the bytes and the
//! parking, not the mailbox contents:
//! - IDLE: a twin in IDLE hears at most one change before it is made to
//!   send DONE. Two changes inside one IDLE may be reported by one sync or
//!   by two (`* 3 EXISTS` then `* 4 EXISTS`, or only `* 4 EXISTS`),
//!   depending on when each twin's task ran; with one change the bytes are
//!   the same whether the twin syncs while idling or at DONE. Every change
//!   the scenario makes is one commit per mailbox (a \Deleted STORE and
//!   the EXPUNGE are two steps), and anything that may commit counts.
//! - \Recent: only the first read-write session to see a message gets it,
//!   a race between the sessions of a mailbox. IMAP4rev2 never shows it,
//!   so IMAP4rev1 twins only EXAMINE (a read-only view claims nothing) and
//!   STATUS never asks for RECENT.
//! - Parking: whether a parking twin should be hibernated right now
//!   (`Park`), so that hibernate points can wait for that count, or a
//!   range where the model cannot know.

mod commands;

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
    /// These twins are in IDLE and their mailbox just changed: what the
    /// awake twin says unprompted, the parked one must say too, before
    /// DONE.
    Hear { clients: Vec<usize> },
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

/// Whether something happened, as far as the model can tell: it never
/// knows that an expunge removed anything (EXPUNGE with nothing flagged
/// \Deleted removes nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Unsure {
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
    unreported_expunge: Unsure,
    /// The view may hold expunges back (SeqPolicy::Keep).
    owes: Unsure,
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

/// Whether a twin in IDLE is always heard out after a change before
/// anything else happens to it, or only now and then (so that DONE
/// sometimes races the change's note).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hearing {
    Always,
    Sometimes,
}

pub struct Script {
    rng: Rng,
    hearing: Hearing,
    clients: Vec<ClientModel>,
    /// The mailbox each user's actor has selected.
    actors: Vec<Option<Mbox>>,
    actor_tags: Vec<u32>,
    /// An estimate of each mailbox's UIDNEXT, for plausible UID sets.
    uid_next: Vec<[u32; 2]>,
    messages: u32,
}

fn update() -> Effect {
    Effect::reads(Policy::Update)
}

impl Script {
    pub fn new(seed: u64, hearing: Hearing) -> Script {
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
                    unreported_expunge: Unsure::No,
                    owes: Unsure::No,
                    tags: 0,
                });
            }
        }
        Script {
            rng,
            hearing,
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

    /// Greetings, actor logins and the second mailbox. The worlds learn
    /// their UIDVALIDITYs after these.
    pub fn setup_mailboxes(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        for user in 0..USERS {
            out.push(greeting(Conn::Actor(user)));
            for text in ["LOGIN %USER% secret", "ENABLE IMAP4rev2", "CREATE Folder"] {
                out.push(self.actor_send(user, Cmd::new(text.into(), update())));
            }
        }
        out
    }

    /// The first messages.
    pub fn setup_messages(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        for user in 0..USERS {
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
            return out;
        }
        let touches = cmd.effect.touches.clone();
        out.push(self.client_send(i, cmd, Split::Maybe));
        out.extend(self.hear(user, &touches));
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
            Change::MayExpunge => Unsure::Maybe,
            Change::Flags | Change::Adds => Unsure::No,
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

    /// After a change to `touches`: listen to the twins in IDLE there
    /// (with `Hearing::Sometimes` not always: a DONE racing the wake-up is
    /// worth testing too). The draw is made under both settings, so a
    /// seed makes the same scenario but for the hear points.
    fn hear(&mut self, user: usize, touches: &[(Mbox, Change)]) -> Option<Action> {
        let clients: Vec<usize> = (0..CLIENTS)
            .filter(|&j| {
                let c = &self.clients[j];
                c.user == user
                    && c.idle.is_some()
                    && c.selected
                        .is_some_and(|s| touches.iter().any(|&(m, _)| m == s.mbox))
            })
            .collect();
        let heard = !clients.is_empty() && (self.rng.chance(60) || self.hearing == Hearing::Always);
        heard.then_some(Action::Hear { clients })
    }

    /// Applies the effect of a command client `i` ran.
    fn apply(&mut self, i: usize, effect: &Effect) {
        let user = self.clients[i].user;
        self.touch_all(user, &effect.touches, Some(i));
        let c = &mut self.clients[i];
        if c.selected.is_some() {
            match effect.policy {
                Policy::Update => {
                    c.unreported_expunge = Unsure::No;
                    c.owes = Unsure::No;
                }
                Policy::Keep => {
                    c.owes = c.owes.max(c.unreported_expunge);
                    c.unreported_expunge = Unsure::No;
                }
            }
        }
        if let Some(selection) = effect.select {
            c.selected = selection;
            c.unreported_expunge = Unsure::No;
            c.owes = Unsure::No;
        }
        c.park = if c.idle.is_some() || c.selected.is_none() {
            Park::Pending
        } else {
            match c.owes {
                Unsure::No => Park::Pending,
                Unsure::Maybe => Park::Maybe,
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
                    let mut at = self.rng.between(1, line.len() as u32 - 1) as usize;
                    // Never inside a placeholder: each world fills them in
                    // whole.
                    for placeholder in ["%UV%", "%USER%"] {
                        if let Some(start) = line.find(placeholder)
                            && start < at
                            && at < start + placeholder.len()
                        {
                            at = start + placeholder.len();
                        }
                    }
                    while !line.is_char_boundary(at) {
                        at += 1;
                    }
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
        let (user, mbox) = self.target();
        let mut out = Vec::new();
        let kind = self.rng.weighted(&[40, 15, 20, 12, 8]);
        if kind == 2 {
            let append = self.append(mbox);
            let touches = append.effect.touches.clone();
            out.extend(self.make_room(user, &touches));
            self.touch_all(user, &touches, None);
            out.push(self.actor_send(user, append));
            out.extend(self.hear(user, &touches));
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
        out.extend(self.hear(user, &touches));
        out
    }

    /// Where a change goes: mostly where some twin is looking (often in
    /// IDLE), so that changes reach parked sessions.
    fn target(&mut self) -> (usize, Mbox) {
        let idling: Vec<usize> = (0..CLIENTS)
            .filter(|&j| self.clients[j].idle.is_some())
            .collect();
        let j = if !idling.is_empty() && self.rng.chance(60) {
            self.rng.pick(&idling)
        } else {
            self.rng.below(CLIENTS)
        };
        let c = &self.clients[j];
        match c.selected {
            Some(sel) if self.rng.chance(75) => (c.user, sel.mbox),
            _ => (
                self.rng.below(USERS),
                self.rng.pick(&[Mbox::Inbox, Mbox::Inbox, Mbox::Folder]),
            ),
        }
    }

    fn delivery(&mut self) -> Vec<Action> {
        let (user, mbox) = self.target();
        let touches = [(mbox, Change::Adds)];
        let mut out = self.make_room(user, &touches);
        self.touch_all(user, &touches, None);
        out.push(Action::Deliver {
            user,
            mbox,
            message: self.message(),
        });
        out.extend(self.hear(user, &touches));
        out
    }
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
