//! Server responses: status responses with their codes, continuation
//! requests, and every untagged data response except the inside of FETCH
//! (see `fetch`). It writes what it is given; deciding what to send is the
//! session's job.

use super::Utf8Mode;
use super::fetch;
use super::strings::Writer;
use super::values::{flag, flag_list, search_return_name, sequence_set, status_item_name};
use crate::types::{
    Code, Continue, Data, ESearch, ListData, ListExtended, ListReturn, NamespaceDesc, Response,
    SearchReturn, StatusKind, StatusResponse, ThreadNode,
};

pub(crate) fn response(w: &mut Writer<'_>, resp: &Response) {
    match resp {
        Response::Status(s) => status(w, s),
        Response::Data(d) => data(w, d),
        Response::Continue(c) => continuation(w, c),
    }
    w.crlf();
}

fn status(w: &mut Writer<'_>, s: &StatusResponse) {
    match &s.tag {
        Some(tag) => w.str(tag.as_str()),
        None => w.byte(b'*'),
    }
    w.sp();
    w.str(match s.kind {
        StatusKind::Ok => "OK",
        StatusKind::No => "NO",
        StatusKind::Bad => "BAD",
        StatusKind::Bye => "BYE",
        StatusKind::PreAuth => "PREAUTH",
    });
    w.sp();
    if let Some(c) = &s.code {
        w.byte(b'[');
        code(w, c);
        w.raw(b"] ");
    }
    // RFC 3501 requires text after the status (and after a code); an empty
    // one gets a neutral word rather than a line some clients reject.
    let fallback = match s.kind {
        StatusKind::Ok => "completed",
        StatusKind::No => "failed",
        StatusKind::Bad => "invalid",
        StatusKind::Bye => "logging out",
        StatusKind::PreAuth => "ready",
    };
    text(w, &s.text, fallback);
}

/// `text`: one line. CR, LF and NUL become spaces; without UTF8=ACCEPT,
/// non-ASCII characters become `?` (IMAP4rev1 `text` is 7-bit).
fn text(w: &mut Writer<'_>, s: &str, fallback: &str) {
    if s.is_empty() {
        w.str(fallback);
        return;
    }
    let utf8 = w.utf8();
    for c in s.chars() {
        match c {
            '\r' | '\n' | '\0' => w.sp(),
            c if c.is_ascii() => w.byte(c as u8),
            c => match utf8 {
                Utf8Mode::Ascii => w.byte(b'?'),
                Utf8Mode::Accept => w.str(c.encode_utf8(&mut [0; 4])),
            },
        }
    }
}

fn code(w: &mut Writer<'_>, c: &Code) {
    match c {
        Code::Alert => w.str("ALERT"),
        Code::BadCharset(charsets) => {
            w.str("BADCHARSET");
            if !charsets.is_empty() {
                w.raw(b" (");
                for (i, cs) in charsets.iter().enumerate() {
                    if i > 0 {
                        w.sp();
                    }
                    w.atom(cs);
                }
                w.byte(b')');
            }
        }
        Code::Capability(caps) => {
            w.str("CAPABILITY");
            atoms(w, caps);
        }
        Code::Parse => w.str("PARSE"),
        Code::PermanentFlags {
            flags,
            new_keywords,
        } => {
            w.str("PERMANENTFLAGS (");
            for (i, f) in flags.iter().enumerate() {
                if i > 0 {
                    w.sp();
                }
                flag(w, f);
            }
            if *new_keywords {
                if !flags.is_empty() {
                    w.sp();
                }
                w.str("\\*");
            }
            w.byte(b')');
        }
        Code::ReadOnly => w.str("READ-ONLY"),
        Code::ReadWrite => w.str("READ-WRITE"),
        Code::TryCreate => w.str("TRYCREATE"),
        Code::UidNext(n) => number_code(w, "UIDNEXT", n),
        Code::UidValidity(n) => number_code(w, "UIDVALIDITY", n),
        Code::Unseen(n) => number_code(w, "UNSEEN", n),
        Code::AppendUid { uidvalidity, uids } => {
            number_code(w, "APPENDUID", uidvalidity);
            w.sp();
            sequence_set(w, uids);
        }
        Code::CopyUid {
            uidvalidity,
            source,
            destination,
        } => {
            number_code(w, "COPYUID", uidvalidity);
            w.sp();
            sequence_set(w, source);
            w.sp();
            sequence_set(w, destination);
        }
        Code::UidNotSticky => w.str("UIDNOTSTICKY"),
        Code::HighestModSeq(n) => number_code(w, "HIGHESTMODSEQ", n),
        Code::NoModSeq => w.str("NOMODSEQ"),
        Code::Modified(set) => {
            w.str("MODIFIED ");
            sequence_set(w, set);
        }
        Code::Closed => w.str("CLOSED"),
        Code::Unavailable => w.str("UNAVAILABLE"),
        Code::AuthenticationFailed => w.str("AUTHENTICATIONFAILED"),
        Code::AuthorizationFailed => w.str("AUTHORIZATIONFAILED"),
        Code::Expired => w.str("EXPIRED"),
        Code::PrivacyRequired => w.str("PRIVACYREQUIRED"),
        Code::ContactAdmin => w.str("CONTACTADMIN"),
        Code::NoPerm => w.str("NOPERM"),
        Code::InUse => w.str("INUSE"),
        Code::ExpungeIssued => w.str("EXPUNGEISSUED"),
        Code::Corruption => w.str("CORRUPTION"),
        Code::ServerBug => w.str("SERVERBUG"),
        Code::ClientBug => w.str("CLIENTBUG"),
        Code::Cannot => w.str("CANNOT"),
        Code::Limit => w.str("LIMIT"),
        Code::OverQuota => w.str("OVERQUOTA"),
        Code::AlreadyExists => w.str("ALREADYEXISTS"),
        Code::NonExistent => w.str("NONEXISTENT"),
        Code::TooBig => w.str("TOOBIG"),
        Code::HasChildren => w.str("HASCHILDREN"),
        Code::UnknownCte => w.str("UNKNOWN-CTE"),
        Code::Other(name, arg) => {
            w.atom(name);
            // `1*<any TEXT-CHAR except "]">`: drop what cannot appear.
            let arg: String = arg
                .iter()
                .flat_map(|a| a.chars())
                .filter(|&c| c.is_ascii() && !matches!(c, ']' | '\r' | '\n' | '\0'))
                .collect();
            if !arg.is_empty() {
                w.sp();
                w.str(&arg);
            }
        }
    }
}

fn number_code(w: &mut Writer<'_>, name: &str, n: impl std::fmt::Display) {
    w.str(name);
    w.sp();
    w.num(n);
}

/// ` a b c`: each name preceded by a space.
fn atoms(w: &mut Writer<'_>, names: &[String]) {
    for n in names {
        w.sp();
        w.atom(n);
    }
}

fn continuation(w: &mut Writer<'_>, c: &Continue) {
    w.raw(b"+ ");
    match c {
        Continue::Text(t) => text(w, t, "ready"),
        Continue::Base64(bytes) => base64(w, bytes),
    }
}

fn base64(w: &mut Writer<'_>, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |v: u32| ALPHABET[(v & 0x3f) as usize];
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        w.byte(sextet(v >> 18));
        w.byte(sextet(v >> 12));
        if chunk.len() > 1 {
            w.byte(sextet(v >> 6));
        } else {
            w.byte(b'=');
        }
        if chunk.len() > 2 {
            w.byte(sextet(v));
        } else {
            w.byte(b'=');
        }
    }
}

fn data(w: &mut Writer<'_>, d: &Data) {
    w.raw(b"* ");
    match d {
        Data::Capability(caps) => {
            w.str("CAPABILITY");
            atoms(w, caps);
        }
        Data::Enabled(caps) => {
            w.str("ENABLED");
            atoms(w, caps);
        }
        Data::Id(params) => {
            w.str("ID ");
            id_params(w, params.as_deref());
        }
        Data::Namespace {
            personal,
            other,
            shared,
        } => {
            w.str("NAMESPACE ");
            namespaces(w, personal);
            w.sp();
            namespaces(w, other);
            w.sp();
            namespaces(w, shared);
        }
        Data::Exists(n) => numbered(w, n, "EXISTS"),
        Data::Recent(n) => numbered(w, n, "RECENT"),
        Data::Expunge(n) => numbered(w, n, "EXPUNGE"),
        Data::Flags(flags) => {
            w.str("FLAGS ");
            flag_list(w, flags);
        }
        Data::List(list) => {
            w.str("LIST ");
            list_data(w, list);
        }
        Data::Lsub(list) => {
            w.str("LSUB ");
            list_data(w, list);
        }
        Data::Status { mailbox, items } => {
            w.str("STATUS ");
            w.astring(mailbox.as_bytes());
            w.raw(b" (");
            for (i, (item, value)) in items.iter().enumerate() {
                if i > 0 {
                    w.sp();
                }
                w.str(status_item_name(*item));
                w.sp();
                w.num(value);
            }
            w.byte(b')');
        }
        Data::Search { ids, modseq } => id_list(w, "SEARCH", ids, *modseq),
        Data::Sort { ids, modseq } => id_list(w, "SORT", ids, *modseq),
        Data::ESearch(e) => esearch(w, e),
        Data::Thread(threads) => {
            w.str("THREAD");
            if !threads.is_empty() {
                w.sp();
                for t in threads {
                    thread_list(w, t);
                }
            }
        }
        Data::Fetch { seq, items } => {
            w.num(seq);
            w.str(" FETCH ");
            fetch::items(w, items);
        }
        Data::Vanished { earlier, uids } => {
            w.str("VANISHED ");
            if *earlier {
                w.str("(EARLIER) ");
            }
            sequence_set(w, uids);
        }
    }
}

fn numbered(w: &mut Writer<'_>, n: impl std::fmt::Display, name: &str) {
    w.num(n);
    w.sp();
    w.str(name);
}

/// RFC 2971 `id-params-list`, or NIL.
pub(crate) fn id_params(w: &mut Writer<'_>, params: Option<&[(String, Option<String>)]>) {
    let Some(params) = params else {
        w.nil();
        return;
    };
    w.byte(b'(');
    for (i, (key, value)) in params.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        w.string(key.as_bytes());
        w.sp();
        w.nstring(value.as_deref().map(str::as_bytes));
    }
    w.byte(b')');
}

/// One of the three NAMESPACE groups: NIL when empty.
fn namespaces(w: &mut Writer<'_>, list: &[NamespaceDesc]) {
    if list.is_empty() {
        w.nil();
        return;
    }
    w.byte(b'(');
    for ns in list {
        w.byte(b'(');
        w.string(ns.prefix.as_bytes());
        w.sp();
        delimiter(w, ns.delimiter);
        w.byte(b')');
    }
    w.byte(b')');
}

/// `"/"` or NIL. A delimiter no quoted string can carry (CR, LF, or 8-bit
/// without UTF8=ACCEPT) is sent as NIL: a flat namespace is the closest
/// thing the client can understand.
fn delimiter(w: &mut Writer<'_>, delim: Option<char>) {
    let mut buf = [0; 4];
    match delim.map(|c| c.encode_utf8(&mut buf).as_bytes()) {
        Some(c) if c != b"\0" && w.quotable(c) => w.quoted(c),
        _ => w.nil(),
    }
}

fn list_data(w: &mut Writer<'_>, list: &ListData) {
    w.byte(b'(');
    for (i, attr) in list.attributes.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        w.byte(b'\\');
        w.atom(attr);
    }
    w.raw(b") ");
    delimiter(w, list.delimiter);
    w.sp();
    w.astring(list.mailbox.as_bytes());
    if list.extended.is_empty() {
        return;
    }
    w.raw(b" (");
    for (i, ext) in list.extended.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        match ext {
            ListExtended::ChildInfo(options) => {
                w.str("\"CHILDINFO\" (");
                for (j, opt) in options.iter().enumerate() {
                    if j > 0 {
                        w.sp();
                    }
                    let name = match opt {
                        ListReturn::Subscribed => "SUBSCRIBED",
                        ListReturn::Children => "CHILDREN",
                        ListReturn::SpecialUse => "SPECIAL-USE",
                        ListReturn::Status(_) => "STATUS",
                        ListReturn::Other(o) => o,
                    };
                    w.string(name.as_bytes());
                }
                w.byte(b')');
            }
            ListExtended::OldName(name) => {
                w.str("\"OLDNAME\" (");
                w.astring(name.as_bytes());
                w.byte(b')');
            }
        }
    }
    w.byte(b')');
}

/// `* SEARCH 2 5 (MODSEQ 917162500)`; RFC 7162 only allows the MODSEQ
/// part after at least one number.
fn id_list(w: &mut Writer<'_>, name: &str, ids: &[std::num::NonZeroU32], modseq: Option<u64>) {
    w.str(name);
    for id in ids {
        w.sp();
        w.num(id);
    }
    if let (Some(m), false) = (modseq, ids.is_empty()) {
        w.str(" (MODSEQ ");
        w.num(m);
        w.byte(b')');
    }
}

/// `* ESEARCH (TAG "A282") UID MIN 2 COUNT 3`: only options that were
/// asked for and have a value. `RETURN ()` (nothing requested) means ALL.
fn esearch(w: &mut Writer<'_>, e: &ESearch) {
    w.str("ESEARCH");
    if let Some(tag) = &e.tag {
        w.str(" (TAG ");
        w.quoted(tag.as_str().as_bytes());
        w.byte(b')');
    }
    if e.uid {
        w.str(" UID");
    }
    let asked = |r: SearchReturn| {
        e.requested.contains(&r) || (e.requested.is_empty() && r == SearchReturn::All)
    };
    if let (Some(min), true) = (e.min, asked(SearchReturn::Min)) {
        w.str(" MIN ");
        w.num(min);
    }
    if let (Some(max), true) = (e.max, asked(SearchReturn::Max)) {
        w.str(" MAX ");
        w.num(max);
    }
    if let (Some(all), true) = (&e.all, asked(SearchReturn::All)) {
        w.sp();
        w.str(search_return_name(SearchReturn::All));
        w.sp();
        sequence_set(w, all);
    }
    if let (Some(count), true) = (e.count, asked(SearchReturn::Count)) {
        w.str(" COUNT ");
        w.num(count);
    }
    if let Some(modseq) = e.modseq {
        w.str(" MODSEQ ");
        w.num(modseq);
    }
}

/// RFC 5256 `thread-list`: `(3 6 (4 23)(44 7 96))`.
fn thread_list(w: &mut Writer<'_>, node: &ThreadNode) {
    w.byte(b'(');
    thread_inner(w, node);
    w.byte(b')');
}

fn thread_inner(w: &mut Writer<'_>, node: &ThreadNode) {
    match node {
        ThreadNode::Message(n, children) => {
            w.num(n);
            thread_children(w, children);
        }
        // `thread-nested` needs two or more lists; a dummy with one child is
        // just that child.
        ThreadNode::Dummy(children) => match children.as_slice() {
            [only] => thread_inner(w, only),
            many => {
                for c in many {
                    thread_list(w, c);
                }
            }
        },
    }
}

/// What follows a message number: a single child continues the chain,
/// several children become nested lists.
fn thread_children(w: &mut Writer<'_>, children: &[ThreadNode]) {
    match children {
        [] => {}
        [ThreadNode::Dummy(grand)] => thread_children(w, grand),
        [only @ ThreadNode::Message(..)] => {
            w.sp();
            thread_inner(w, only);
        }
        many => {
            w.sp();
            for c in many {
                thread_list(w, c);
            }
        }
    }
}
