//! Client commands back to wire syntax: the inverse of the command parser,
//! used by tests, the round-trip property and the load generator. It writes
//! exactly what the value says and does not check that the command makes
//! sense in any state.

use super::response::id_params;
use super::search::{search_command, sort_command, thread_command};
use super::strings::Writer;
use super::values::{
    date_time, flag_list, name_list, part, section, sequence_set, status_item_name,
};
use crate::types::{
    AppendMessage, Command, CommandBody, Fetch, FetchAttributes, FetchItem, List, ListReturn,
    ListSelect, Partial, QResync, SelectParams, Store, StoreAction, StoreResponse, UidMode,
};

pub(crate) fn command(w: &mut Writer<'_>, cmd: &Command) {
    w.str(cmd.tag.as_str());
    w.sp();
    body(w, &cmd.body);
    w.crlf();
}

fn body(w: &mut Writer<'_>, body: &CommandBody) {
    use CommandBody as C;
    match body {
        C::Capability => w.str("CAPABILITY"),
        C::Noop => w.str("NOOP"),
        C::Logout => w.str("LOGOUT"),
        C::Id(params) => {
            w.str("ID ");
            id_params(w, params.as_deref());
        }
        C::StartTls => w.str("STARTTLS"),
        C::Authenticate { mechanism, initial } => {
            w.str("AUTHENTICATE ");
            w.atom(mechanism);
            if let Some(initial) = initial {
                w.sp();
                w.raw(&initial.0);
            }
        }
        C::Login { username, password } => {
            w.str("LOGIN ");
            w.astring(username.as_bytes());
            w.sp();
            w.astring(&password.0);
        }
        C::Enable(caps) => {
            w.str("ENABLE");
            for c in caps {
                w.sp();
                w.atom(c);
            }
        }
        C::Select { mailbox, params } => {
            w.str("SELECT ");
            w.astring(mailbox.0.as_bytes());
            select_params(w, params);
        }
        C::Examine { mailbox, params } => {
            w.str("EXAMINE ");
            w.astring(mailbox.0.as_bytes());
            select_params(w, params);
        }
        C::Create {
            mailbox,
            special_use,
        } => {
            w.str("CREATE ");
            w.astring(mailbox.0.as_bytes());
            if !special_use.is_empty() {
                w.str(" (USE (");
                for (i, attr) in special_use.iter().enumerate() {
                    if i > 0 {
                        w.sp();
                    }
                    w.byte(b'\\');
                    w.atom(attr);
                }
                w.raw(b"))");
            }
        }
        C::Delete(m) => mailbox_command(w, "DELETE", &m.0),
        C::Rename { from, to } => {
            mailbox_command(w, "RENAME", &from.0);
            w.sp();
            w.astring(to.0.as_bytes());
        }
        C::Subscribe(m) => mailbox_command(w, "SUBSCRIBE", &m.0),
        C::Unsubscribe(m) => mailbox_command(w, "UNSUBSCRIBE", &m.0),
        C::List(list) => list_command(w, list),
        C::Lsub { reference, pattern } => {
            mailbox_command(w, "LSUB", &reference.0);
            w.sp();
            list_mailbox(w, pattern);
        }
        C::Namespace => w.str("NAMESPACE"),
        C::Status { mailbox, items } => {
            mailbox_command(w, "STATUS", &mailbox.0);
            w.sp();
            name_list(w, items.iter().map(|i| status_item_name(*i)));
        }
        C::Append { mailbox, messages } => {
            mailbox_command(w, "APPEND", &mailbox.0);
            for m in messages {
                append_message(w, m);
            }
        }
        C::Idle => w.str("IDLE"),
        C::Compress(algorithm) => {
            w.str("COMPRESS ");
            w.atom(algorithm);
        }
        C::Check => w.str("CHECK"),
        C::Close => w.str("CLOSE"),
        C::Unselect => w.str("UNSELECT"),
        C::Expunge => w.str("EXPUNGE"),
        C::UidExpunge(set) => {
            w.str("UID EXPUNGE ");
            sequence_set(w, set);
        }
        C::Search(s) => search_command(w, s),
        C::Fetch(f) => fetch_command(w, f),
        C::Store(s) => store_command(w, s),
        C::Copy { mode, set, mailbox } => {
            uid_prefix(w, *mode);
            w.str("COPY ");
            sequence_set(w, set);
            w.sp();
            w.astring(mailbox.0.as_bytes());
        }
        C::Move { mode, set, mailbox } => {
            uid_prefix(w, *mode);
            w.str("MOVE ");
            sequence_set(w, set);
            w.sp();
            w.astring(mailbox.0.as_bytes());
        }
        C::Sort(s) => sort_command(w, s),
        C::Thread(t) => thread_command(w, t),
    }
}

fn mailbox_command(w: &mut Writer<'_>, name: &str, mailbox: &str) {
    w.str(name);
    w.sp();
    w.astring(mailbox.as_bytes());
}

pub(crate) fn uid_prefix(w: &mut Writer<'_>, mode: UidMode) {
    if mode == UidMode::Uid {
        w.str("UID ");
    }
}

/// RFC 7162 `select-params`: ` (CONDSTORE QRESYNC (...))`, nothing when
/// neither is asked for.
fn select_params(w: &mut Writer<'_>, params: &SelectParams) {
    if !params.condstore && params.qresync.is_none() {
        return;
    }
    w.raw(b" (");
    if params.condstore {
        w.str("CONDSTORE");
    }
    if let Some(q) = &params.qresync {
        if params.condstore {
            w.sp();
        }
        qresync(w, q);
    }
    w.byte(b')');
}

fn qresync(w: &mut Writer<'_>, q: &QResync) {
    w.str("QRESYNC (");
    w.num(q.uidvalidity);
    w.sp();
    w.num(q.modseq);
    if let Some(known) = &q.known_uids {
        w.sp();
        sequence_set(w, known);
    }
    // RFC 7162 §3.2.5: seq-match-data may come without known-uids.
    if let Some((seqs, uids)) = &q.seq_match {
        w.raw(b" (");
        sequence_set(w, seqs);
        w.sp();
        sequence_set(w, uids);
        w.byte(b')');
    }
    w.byte(b')');
}

/// RFC 5258 `list-mailbox`: bare when every byte is a `list-char`.
fn list_mailbox(w: &mut Writer<'_>, pattern: &str) {
    let bytes = pattern.as_bytes();
    if !bytes.is_empty()
        && bytes.iter().all(|&b| crate::chars::is_list_char(b))
        && !bytes.eq_ignore_ascii_case(b"NIL")
    {
        w.raw(bytes);
    } else {
        w.string(bytes);
    }
}

fn list_command(w: &mut Writer<'_>, list: &List) {
    w.str("LIST ");
    if !list.selection.is_empty() {
        w.byte(b'(');
        for (i, s) in list.selection.iter().enumerate() {
            if i > 0 {
                w.sp();
            }
            match s {
                ListSelect::Subscribed => w.str("SUBSCRIBED"),
                ListSelect::Remote => w.str("REMOTE"),
                ListSelect::RecursiveMatch => w.str("RECURSIVEMATCH"),
                ListSelect::SpecialUse => w.str("SPECIAL-USE"),
                ListSelect::Other(o) => w.atom(o),
            }
        }
        w.raw(b") ");
    }
    w.astring(list.reference.0.as_bytes());
    w.sp();
    match list.patterns.as_slice() {
        [one] => list_mailbox(w, one),
        many => {
            w.byte(b'(');
            for (i, p) in many.iter().enumerate() {
                if i > 0 {
                    w.sp();
                }
                list_mailbox(w, p);
            }
            w.byte(b')');
        }
    }
    if list.returns.is_empty() {
        return;
    }
    w.str(" RETURN (");
    for (i, r) in list.returns.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        match r {
            ListReturn::Subscribed => w.str("SUBSCRIBED"),
            ListReturn::Children => w.str("CHILDREN"),
            ListReturn::SpecialUse => w.str("SPECIAL-USE"),
            ListReturn::Status(items) => {
                w.str("STATUS ");
                name_list(w, items.iter().map(|i| status_item_name(*i)));
            }
            ListReturn::Other(o) => w.atom(o),
        }
    }
    w.byte(b')');
}

fn append_message(w: &mut Writer<'_>, m: &AppendMessage) {
    if !m.flags.is_empty() {
        w.sp();
        flag_list(w, &m.flags);
    }
    if let Some(dt) = &m.date {
        w.sp();
        date_time(w, dt);
    }
    w.sp();
    w.literal(&m.data, m.encoding);
}

fn fetch_command(w: &mut Writer<'_>, f: &Fetch) {
    uid_prefix(w, f.mode);
    w.str("FETCH ");
    sequence_set(w, &f.set);
    w.sp();
    match &f.attributes {
        FetchAttributes::All => w.str("ALL"),
        FetchAttributes::Fast => w.str("FAST"),
        FetchAttributes::Full => w.str("FULL"),
        FetchAttributes::Items(items) => match items.as_slice() {
            [one] => fetch_item(w, one),
            many => {
                w.byte(b'(');
                for (i, item) in many.iter().enumerate() {
                    if i > 0 {
                        w.sp();
                    }
                    fetch_item(w, item);
                }
                w.byte(b')');
            }
        },
    }
    if let Some(since) = f.changed_since {
        w.str(" (CHANGEDSINCE ");
        w.num(since);
        if f.vanished {
            w.str(" VANISHED");
        }
        w.byte(b')');
    }
}

fn fetch_item(w: &mut Writer<'_>, item: &FetchItem) {
    match item {
        FetchItem::Envelope => w.str("ENVELOPE"),
        FetchItem::Flags => w.str("FLAGS"),
        FetchItem::InternalDate => w.str("INTERNALDATE"),
        FetchItem::Rfc822 => w.str("RFC822"),
        FetchItem::Rfc822Header => w.str("RFC822.HEADER"),
        FetchItem::Rfc822Size => w.str("RFC822.SIZE"),
        FetchItem::Rfc822Text => w.str("RFC822.TEXT"),
        FetchItem::Body => w.str("BODY"),
        FetchItem::BodyStructure => w.str("BODYSTRUCTURE"),
        FetchItem::Uid => w.str("UID"),
        FetchItem::ModSeq => w.str("MODSEQ"),
        FetchItem::BodySection {
            peek,
            section: s,
            partial: p,
        } => {
            w.str(if *peek { "BODY.PEEK[" } else { "BODY[" });
            section(w, s);
            w.byte(b']');
            partial(w, p);
        }
        FetchItem::Binary {
            peek,
            part: pt,
            partial: p,
        } => {
            w.str(if *peek { "BINARY.PEEK[" } else { "BINARY[" });
            part(w, pt);
            w.byte(b']');
            partial(w, p);
        }
        FetchItem::BinarySize { part: pt } => {
            w.str("BINARY.SIZE[");
            part(w, pt);
            w.byte(b']');
        }
    }
}

fn partial(w: &mut Writer<'_>, p: &Option<Partial>) {
    if let Some(p) = p {
        w.byte(b'<');
        w.num(p.offset);
        w.byte(b'.');
        w.num(p.length);
        w.byte(b'>');
    }
}

fn store_command(w: &mut Writer<'_>, s: &Store) {
    uid_prefix(w, s.mode);
    w.str("STORE ");
    sequence_set(w, &s.set);
    if let Some(since) = s.unchanged_since {
        w.str(" (UNCHANGEDSINCE ");
        w.num(since);
        w.byte(b')');
    }
    w.sp();
    w.str(match s.action {
        StoreAction::Replace => "FLAGS",
        StoreAction::Add => "+FLAGS",
        StoreAction::Remove => "-FLAGS",
    });
    if s.response == StoreResponse::Silent {
        w.str(".SILENT");
    }
    w.sp();
    flag_list(w, &s.flags);
}
