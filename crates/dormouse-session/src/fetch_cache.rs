//! A message's ENVELOPE and BODYSTRUCTURE as FETCH keeps them in the
//! mailbox's persistent cache (`View::cached`/`View::cache`): both computed
//! from one MIME parse, stored as one compact versioned binary payload, and
//! decoded on later FETCHes without opening the message file. BODY is
//! BODYSTRUCTURE without its extension data, exactly as dormouse-mime
//! builds it, so it is derived rather than stored.
//!
//! The payload is read back from disk, so decoding trusts nothing: every
//! length is checked against what is left, nesting is capped, strings must
//! be UTF-8 and nothing may follow the value; any fault is a cache miss,
//! never a panic. It does not decide when to cache (FETCH does).

use dormouse_mime::{Extensible, Message};
use dormouse_proto::{
    Address, BodyStructure, Envelope, MultiPartExtension, SinglePart, SinglePartExtension,
    SinglePartKind,
};
use dormouse_storage::{Uid, View};

/// The payload's first byte. Bump it whenever the layout, or what
/// dormouse-mime answers for the same bytes, changes: older entries then
/// read as misses and are recomputed.
const VERSION: u8 = 1;

/// Body nesting a payload may hold: dormouse-mime follows parts 100 levels
/// deep (Dovecot's cap), and this bounds the decoder's recursion well
/// inside a thread's stack.
const MAX_DEPTH: usize = 128;

/// What FETCH caches for a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Structure {
    pub(crate) envelope: Envelope,
    /// The extensible form (BODYSTRUCTURE).
    pub(crate) body: BodyStructure,
}

impl Structure {
    pub(crate) fn of(message: &Message<'_>) -> Structure {
        Structure {
            envelope: message.envelope(),
            body: message.body_structure(Extensible::Yes),
        }
    }

    /// BODY: the structure without extension data.
    pub(crate) fn body_only(&self) -> BodyStructure {
        without_extensions(&self.body)
    }
}

/// The cached structure of `uid`, if there is a readable one.
pub(crate) fn lookup(view: &View, uid: Uid) -> Option<Structure> {
    decode(&view.cached(uid)?).ok()
}

/// Computes the structure of `message` (the message `uid`) and caches it.
pub(crate) fn remember(view: &View, uid: Uid, message: &Message<'_>) -> Structure {
    let structure = Structure::of(message);
    if let Some(payload) = encode(&structure) {
        view.cache(uid, &payload);
    }
    structure
}

fn without_extensions(body: &BodyStructure) -> BodyStructure {
    match body {
        BodyStructure::Single { body, .. } => BodyStructure::Single {
            body: SinglePart {
                kind: match &body.kind {
                    SinglePartKind::Message {
                        envelope,
                        body,
                        lines,
                    } => SinglePartKind::Message {
                        envelope: envelope.clone(),
                        body: Box::new(without_extensions(body)),
                        lines: *lines,
                    },
                    other => other.clone(),
                },
                ..body.clone()
            },
            extension: None,
        },
        BodyStructure::Multi { parts, subtype, .. } => BodyStructure::Multi {
            parts: parts.iter().map(without_extensions).collect(),
            subtype: subtype.clone(),
            extension: None,
        },
    }
}

/// The payload for `structure`; `None` if it nests deeper than a payload
/// may (it is then simply not cached).
pub(crate) fn encode(structure: &Structure) -> Option<Vec<u8>> {
    let mut w = Writer(vec![VERSION]);
    w.envelope(&structure.envelope);
    w.body(&structure.body, 0)?;
    Some(w.0)
}

/// Why a payload could not be read (all mean "not cached").
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DecodeError {
    #[error("cache payload of an unknown version")]
    Version,
    #[error("cache payload ends early")]
    Truncated,
    #[error("cache payload is malformed")]
    Malformed,
    #[error("cache payload nests too deep")]
    TooDeep,
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Structure, DecodeError> {
    let mut r = Reader(bytes);
    if r.byte()? != VERSION {
        return Err(DecodeError::Version);
    }
    let envelope = r.envelope()?;
    let body = r.body(0)?;
    if !r.0.is_empty() {
        return Err(DecodeError::Malformed);
    }
    Ok(Structure { envelope, body })
}

/// A Content-Disposition as BODYSTRUCTURE carries it.
type Disposition = Option<(String, Vec<(String, String)>)>;

// Tags of the enum-like parts of the layout.
const NONE: u8 = 0;
const SOME: u8 = 1;
const SINGLE: u8 = 0;
const MULTI: u8 = 1;
const BASIC: u8 = 0;
const TEXT: u8 = 1;
const MESSAGE: u8 = 2;

/// Lengths, counts and numbers are LEB128 varints (most are below 128, so
/// one byte); strings are a length and their bytes; an absent value is one
/// `NONE` byte.
struct Writer(Vec<u8>);

impl Writer {
    fn num(&mut self, mut n: u32) {
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn len(&mut self, n: usize) {
        // Nothing the MIME parser produces comes near 4 GiB; saturating
        // keeps the writer total and the reader then rejects the payload.
        self.num(u32::try_from(n).unwrap_or(u32::MAX));
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }

    fn opt(&mut self, b: &Option<Vec<u8>>) {
        match b {
            None => self.0.push(NONE),
            Some(b) => {
                self.0.push(SOME);
                self.bytes(b);
            }
        }
    }

    fn strings(&mut self, list: &[String]) {
        self.len(list.len());
        for s in list {
            self.bytes(s.as_bytes());
        }
    }

    fn params(&mut self, params: &[(String, String)]) {
        self.len(params.len());
        for (name, value) in params {
            self.bytes(name.as_bytes());
            self.bytes(value.as_bytes());
        }
    }

    fn addresses(&mut self, list: &[Address]) {
        self.len(list.len());
        for a in list {
            self.opt(&a.name);
            self.opt(&a.adl);
            self.opt(&a.mailbox);
            self.opt(&a.host);
        }
    }

    fn envelope(&mut self, e: &Envelope) {
        self.opt(&e.date);
        self.opt(&e.subject);
        for list in [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc] {
            self.addresses(list);
        }
        self.opt(&e.in_reply_to);
        self.opt(&e.message_id);
    }

    fn disposition(&mut self, d: &Disposition) {
        match d {
            None => self.0.push(NONE),
            Some((kind, params)) => {
                self.0.push(SOME);
                self.bytes(kind.as_bytes());
                self.params(params);
            }
        }
    }

    fn body(&mut self, b: &BodyStructure, depth: usize) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        match b {
            BodyStructure::Single { body, extension } => {
                self.0.push(SINGLE);
                self.single(body, depth)?;
                match extension {
                    None => self.0.push(NONE),
                    Some(x) => {
                        self.0.push(SOME);
                        self.opt(&x.md5);
                        self.disposition(&x.disposition);
                        self.strings(&x.language);
                        self.opt(&x.location);
                    }
                }
            }
            BodyStructure::Multi {
                parts,
                subtype,
                extension,
            } => {
                self.0.push(MULTI);
                self.len(parts.len());
                for part in parts {
                    self.body(part, depth + 1)?;
                }
                self.bytes(subtype.as_bytes());
                match extension {
                    None => self.0.push(NONE),
                    Some(x) => {
                        self.0.push(SOME);
                        self.params(&x.params);
                        self.disposition(&x.disposition);
                        self.strings(&x.language);
                        self.opt(&x.location);
                    }
                }
            }
        }
        Some(())
    }

    fn single(&mut self, p: &SinglePart, depth: usize) -> Option<()> {
        self.bytes(p.media_type.as_bytes());
        self.bytes(p.subtype.as_bytes());
        self.params(&p.params);
        self.opt(&p.id);
        self.opt(&p.description);
        self.bytes(p.encoding.as_bytes());
        self.num(p.size);
        match &p.kind {
            SinglePartKind::Basic => self.0.push(BASIC),
            SinglePartKind::Text { lines } => {
                self.0.push(TEXT);
                self.num(*lines);
            }
            SinglePartKind::Message {
                envelope,
                body,
                lines,
            } => {
                self.0.push(MESSAGE);
                self.envelope(envelope);
                self.body(body, depth + 1)?;
                self.num(*lines);
            }
        }
        Some(())
    }
}

/// The unread rest of a payload.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, DecodeError> {
        let (&b, rest) = self.0.split_first().ok_or(DecodeError::Truncated)?;
        self.0 = rest;
        Ok(b)
    }

    fn num(&mut self) -> Result<u32, DecodeError> {
        let mut n: u32 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            let bits = u32::from(b & 0x7f);
            // The fifth byte may carry only the top 4 bits of a u32.
            if shift == 28 && bits > 0x0f {
                return Err(DecodeError::Malformed);
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(DecodeError::Malformed)
    }

    /// A count or length, which can never exceed the bytes left (every
    /// item takes at least one): no allocation is sized by a lie.
    fn len(&mut self) -> Result<usize, DecodeError> {
        let n = usize::try_from(self.num()?).map_err(|_| DecodeError::Malformed)?;
        if n > self.0.len() {
            return Err(DecodeError::Truncated);
        }
        Ok(n)
    }

    fn bytes(&mut self) -> Result<Vec<u8>, DecodeError> {
        let n = self.len()?;
        let (b, rest) = self.0.split_at_checked(n).ok_or(DecodeError::Truncated)?;
        self.0 = rest;
        Ok(b.to_vec())
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        String::from_utf8(self.bytes()?).map_err(|_| DecodeError::Malformed)
    }

    fn present(&mut self) -> Result<bool, DecodeError> {
        match self.byte()? {
            NONE => Ok(false),
            SOME => Ok(true),
            _ => Err(DecodeError::Malformed),
        }
    }

    fn opt(&mut self) -> Result<Option<Vec<u8>>, DecodeError> {
        Ok(if self.present()? {
            Some(self.bytes()?)
        } else {
            None
        })
    }

    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.len()?;
        // `n` is bounded by the bytes left, not by what the items cost in
        // memory; a lying count must not reserve much before it fails.
        let mut out = Vec::with_capacity(n.min(16));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }

    fn strings(&mut self) -> Result<Vec<String>, DecodeError> {
        self.list(Self::string)
    }

    fn params(&mut self) -> Result<Vec<(String, String)>, DecodeError> {
        self.list(|r| Ok((r.string()?, r.string()?)))
    }

    fn addresses(&mut self) -> Result<Vec<Address>, DecodeError> {
        self.list(|r| {
            Ok(Address {
                name: r.opt()?,
                adl: r.opt()?,
                mailbox: r.opt()?,
                host: r.opt()?,
            })
        })
    }

    fn envelope(&mut self) -> Result<Envelope, DecodeError> {
        Ok(Envelope {
            date: self.opt()?,
            subject: self.opt()?,
            from: self.addresses()?,
            sender: self.addresses()?,
            reply_to: self.addresses()?,
            to: self.addresses()?,
            cc: self.addresses()?,
            bcc: self.addresses()?,
            in_reply_to: self.opt()?,
            message_id: self.opt()?,
        })
    }

    fn disposition(&mut self) -> Result<Disposition, DecodeError> {
        Ok(if self.present()? {
            Some((self.string()?, self.params()?))
        } else {
            None
        })
    }

    fn body(&mut self, depth: usize) -> Result<BodyStructure, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        match self.byte()? {
            SINGLE => {
                let body = self.single(depth)?;
                let extension = if self.present()? {
                    Some(SinglePartExtension {
                        md5: self.opt()?,
                        disposition: self.disposition()?,
                        language: self.strings()?,
                        location: self.opt()?,
                    })
                } else {
                    None
                };
                Ok(BodyStructure::Single { body, extension })
            }
            MULTI => {
                let parts = self.list(|r| r.body(depth + 1))?;
                let subtype = self.string()?;
                let extension = if self.present()? {
                    Some(MultiPartExtension {
                        params: self.params()?,
                        disposition: self.disposition()?,
                        language: self.strings()?,
                        location: self.opt()?,
                    })
                } else {
                    None
                };
                Ok(BodyStructure::Multi {
                    parts,
                    subtype,
                    extension,
                })
            }
            _ => Err(DecodeError::Malformed),
        }
    }

    fn single(&mut self, depth: usize) -> Result<SinglePart, DecodeError> {
        let media_type = self.string()?;
        let subtype = self.string()?;
        let params = self.params()?;
        let id = self.opt()?;
        let description = self.opt()?;
        let encoding = self.string()?;
        let size = self.num()?;
        let kind = match self.byte()? {
            BASIC => SinglePartKind::Basic,
            TEXT => SinglePartKind::Text { lines: self.num()? },
            MESSAGE => SinglePartKind::Message {
                envelope: Box::new(self.envelope()?),
                body: Box::new(self.body(depth + 1)?),
                lines: self.num()?,
            },
            _ => return Err(DecodeError::Malformed),
        };
        Ok(SinglePart {
            media_type,
            subtype,
            params,
            id,
            description,
            encoding,
            size,
            kind,
        })
    }
}

#[cfg(test)]
mod tests;
