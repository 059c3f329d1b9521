//! The commands a twin may send next, drawn from what it has enabled and
//! selected, with the effect each has on the model; and the messages the
//! scenario appends and delivers. Only what the model can follow: no
//! INTERNALDATE, no RECENT, no SELECT for IMAP4rev1 twins (see
//! `script.rs`), and no body part that names the world's user (LMTP's
//! Delivered-To).

use super::{Change, Cmd, Effect, Ext, Literal, Mbox, Policy, Script, Selection, update};

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

impl Script {
    /// A message, now and then with a UTF-8 or encoded-word subject, or
    /// multipart. No part of it depends on the world or the clock.
    pub(super) fn message(&mut self) -> String {
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

    pub(super) fn append(&mut self, mbox: Mbox) -> Cmd {
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

    pub(super) fn flags(&mut self) -> String {
        let mut out: Vec<&str> = Vec::new();
        for _ in 0..self.rng.between(1, 2) {
            let flag = self.rng.pick(&FLAGS);
            if !out.contains(&flag) {
                out.push(flag);
            }
        }
        out.join(" ")
    }

    pub(super) fn uid_set(&mut self, user: usize, mbox: Mbox) -> String {
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
    pub(super) fn random_command(&mut self, i: usize) -> Cmd {
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
            25,
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

    pub(super) fn select(&mut self, i: usize) -> Cmd {
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

/// FETCH by sequence number or UID FETCH.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Uids {
    Seq,
    Uid,
}
