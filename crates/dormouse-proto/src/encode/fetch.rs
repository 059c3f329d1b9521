//! The inside of a FETCH response: message attributes, ENVELOPE and
//! BODY/BODYSTRUCTURE (RFC 3501 §7.4.2, RFC 9051 §7.5.2), body sections and
//! BINARY data. It does not compute any of them from a message.

use super::strings::Writer;
use super::values::{date_time, flag_list, part, section};
use crate::types::{
    Address, BodyStructure, Envelope, FetchData, LiteralKind, MultiPartExtension, SinglePart,
    SinglePartExtension, SinglePartKind,
};

/// Whether extension data is written: BODYSTRUCTURE has it, BODY does not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extensions {
    Include,
    Omit,
}

/// `(FLAGS (\Seen) UID 4827313 ...)`
pub(crate) fn items(w: &mut Writer<'_>, items: &[FetchData]) {
    w.byte(b'(');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        fetch_data(w, item);
    }
    w.byte(b')');
}

fn fetch_data(w: &mut Writer<'_>, item: &FetchData) {
    match item {
        FetchData::Flags(flags) => {
            w.str("FLAGS ");
            flag_list(w, flags);
        }
        FetchData::Uid(uid) => {
            w.str("UID ");
            w.num(uid);
        }
        FetchData::InternalDate(dt) => {
            w.str("INTERNALDATE ");
            date_time(w, dt);
        }
        FetchData::Rfc822Size(n) => {
            w.str("RFC822.SIZE ");
            w.num(n);
        }
        FetchData::ModSeq(n) => {
            w.str("MODSEQ (");
            w.num(n);
            w.byte(b')');
        }
        FetchData::Envelope(env) => {
            w.str("ENVELOPE ");
            envelope(w, env);
        }
        FetchData::BodyStructure { extensible, body } => {
            let ext = if *extensible {
                w.str("BODYSTRUCTURE ");
                Extensions::Include
            } else {
                w.str("BODY ");
                Extensions::Omit
            };
            body_structure(w, body, ext);
        }
        FetchData::BodySection {
            section: s,
            origin,
            data,
        } => {
            w.str("BODY[");
            section(w, s);
            w.byte(b']');
            origin_suffix(w, *origin);
            w.sp();
            message_data(w, data.as_deref());
        }
        FetchData::Binary {
            part: p,
            origin,
            data,
        } => {
            w.str("BINARY[");
            part(w, p);
            w.byte(b']');
            origin_suffix(w, *origin);
            w.sp();
            match data {
                None => w.nil(),
                // RFC 3516: literal8 is needed only when the data has NUL.
                Some(d) if d.contains(&0) => w.literal(d, LiteralKind::Binary),
                Some(d) => w.literal(d, LiteralKind::Text),
            }
        }
        FetchData::BinarySize { part: p, size } => {
            w.str("BINARY.SIZE[");
            part(w, p);
            w.raw(b"] ");
            w.num(size);
        }
        FetchData::Rfc822(data) => {
            w.str("RFC822 ");
            message_data(w, data.as_deref());
        }
        FetchData::Rfc822Header(data) => {
            w.str("RFC822.HEADER ");
            message_data(w, data.as_deref());
        }
        FetchData::Rfc822Text(data) => {
            w.str("RFC822.TEXT ");
            message_data(w, data.as_deref());
        }
    }
}

fn origin_suffix(w: &mut Writer<'_>, origin: Option<u32>) {
    if let Some(o) = origin {
        w.byte(b'<');
        w.num(o);
        w.byte(b'>');
    }
}

/// Message text always goes out as a literal: it is usually multi-line and
/// large, and a client can then read it without unescaping.
fn message_data(w: &mut Writer<'_>, data: Option<&[u8]>) {
    match data {
        Some(d) => w.literal(d, LiteralKind::Text),
        None => w.nil(),
    }
}

pub(crate) fn envelope(w: &mut Writer<'_>, env: &Envelope) {
    w.byte(b'(');
    w.nstring(env.date.as_deref());
    w.sp();
    w.nstring(env.subject.as_deref());
    for list in [
        &env.from,
        &env.sender,
        &env.reply_to,
        &env.to,
        &env.cc,
        &env.bcc,
    ] {
        w.sp();
        address_list(w, list);
    }
    w.sp();
    w.nstring(env.in_reply_to.as_deref());
    w.sp();
    w.nstring(env.message_id.as_deref());
    w.byte(b')');
}

/// `((name adl mailbox host) ...)`, or NIL when empty.
fn address_list(w: &mut Writer<'_>, list: &[Address]) {
    if list.is_empty() {
        w.nil();
        return;
    }
    w.byte(b'(');
    for a in list {
        w.byte(b'(');
        w.nstring(a.name.as_deref());
        w.sp();
        w.nstring(a.adl.as_deref());
        w.sp();
        w.nstring(a.mailbox.as_deref());
        w.sp();
        w.nstring(a.host.as_deref());
        w.byte(b')');
    }
    w.byte(b')');
}

fn body_structure(w: &mut Writer<'_>, body: &BodyStructure, ext: Extensions) {
    w.byte(b'(');
    match body {
        BodyStructure::Single { body, extension } => {
            single_part(w, body, ext);
            if let (Some(e), Extensions::Include) = (extension, ext) {
                w.sp();
                single_extension(w, e);
            }
        }
        BodyStructure::Multi {
            parts,
            subtype,
            extension,
        } => {
            for p in parts {
                body_structure(w, p, ext);
            }
            w.sp();
            w.string(subtype.as_bytes());
            if let (Some(e), Extensions::Include) = (extension, ext) {
                w.sp();
                multi_extension(w, e);
            }
        }
    }
    w.byte(b')');
}

fn single_part(w: &mut Writer<'_>, p: &SinglePart, ext: Extensions) {
    w.string(p.media_type.as_bytes());
    w.sp();
    w.string(p.subtype.as_bytes());
    w.sp();
    params(w, &p.params);
    w.sp();
    w.nstring(p.id.as_deref());
    w.sp();
    w.nstring(p.description.as_deref());
    w.sp();
    w.string(p.encoding.as_bytes());
    w.sp();
    w.num(p.size);
    match &p.kind {
        SinglePartKind::Basic => {}
        SinglePartKind::Text { lines } => {
            w.sp();
            w.num(lines);
        }
        SinglePartKind::Message {
            envelope: env,
            body,
            lines,
        } => {
            w.sp();
            envelope(w, env);
            w.sp();
            body_structure(w, body, ext);
            w.sp();
            w.num(lines);
        }
    }
}

/// `body-fld-param`: `("CHARSET" "US-ASCII")`, or NIL when empty.
fn params(w: &mut Writer<'_>, params: &[(String, String)]) {
    if params.is_empty() {
        w.nil();
        return;
    }
    w.byte(b'(');
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        w.string(k.as_bytes());
        w.sp();
        w.string(v.as_bytes());
    }
    w.byte(b')');
}

fn single_extension(w: &mut Writer<'_>, e: &SinglePartExtension) {
    w.nstring(e.md5.as_deref());
    w.sp();
    common_extension(w, &e.disposition, &e.language, e.location.as_deref());
}

fn multi_extension(w: &mut Writer<'_>, e: &MultiPartExtension) {
    params(w, &e.params);
    w.sp();
    common_extension(w, &e.disposition, &e.language, e.location.as_deref());
}

/// `body-fld-dsp SP body-fld-lang SP body-fld-loc`, shared by both kinds.
fn common_extension(
    w: &mut Writer<'_>,
    disposition: &Option<(String, Vec<(String, String)>)>,
    language: &[String],
    location: Option<&[u8]>,
) {
    match disposition {
        Some((kind, p)) => {
            w.byte(b'(');
            w.string(kind.as_bytes());
            w.sp();
            params(w, p);
            w.byte(b')');
        }
        None => w.nil(),
    }
    w.sp();
    match language {
        [] => w.nil(),
        [one] => w.string(one.as_bytes()),
        many => {
            w.byte(b'(');
            for (i, l) in many.iter().enumerate() {
                if i > 0 {
                    w.sp();
                }
                w.string(l.as_bytes());
            }
            w.byte(b')');
        }
    }
    w.sp();
    w.nstring(location);
}
