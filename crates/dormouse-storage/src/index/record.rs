//! The records of `dormouse.index` and their byte encoding: a framed,
//! checksummed, little-endian payload per record. It only encodes and
//! decodes; reading the file, replaying and truncating live in `log.rs`.

/// "DMIX", then version u16 and UIDVALIDITY u32.
pub const MAGIC: &[u8; 4] = b"DMIX";
pub const VERSION: u16 = 1;
pub const HEADER_LEN: usize = crate::file_header::HEADER_LEN;

/// `[len u32][crc32 u32]` before each payload.
pub const FRAME_LEN: usize = 8;

/// No record comes near this; a larger length means a garbled frame.
pub const MAX_PAYLOAD: usize = 64 * 1024;

const T_APPEND: u8 = 1;
const T_FLAGS: u8 = 2;
const T_EXPUNGE: u8 = 3;
const T_KEYWORD: u8 = 4;
const T_STATE: u8 = 5;
const T_EXPUNGED_BEFORE: u8 = 6;
const T_DIR_STAMPS: u8 = 7;

/// A directory's mtime as (seconds, nanoseconds) since the epoch.
pub type Stamp = (i64, u32);

/// One index record. Names borrow from the buffer being decoded so that
/// replaying a large log does not allocate per record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record<'a> {
    Append {
        uid: u32,
        modseq: u64,
        flags: u8,
        keywords: u64,
        internal_date: i64,
        size: u64,
        /// The Maildir base name (the part before `:2,`).
        name: &'a str,
    },
    Flags {
        uid: u32,
        modseq: u64,
        flags: u8,
        keywords: u64,
    },
    Expunge {
        uid: u32,
        modseq: u64,
    },
    /// Defines keyword `index` (bit `index` of the keyword masks).
    Keyword {
        index: u8,
        name: &'a str,
    },
    State {
        next_uid: u32,
        highest_modseq: u64,
        first_recent_uid: u32,
    },
    /// Expunges with a modseq at or below this one are no longer listed one
    /// by one (folded away at compaction).
    ExpungedBefore {
        modseq: u64,
    },
    /// The mtimes of `cur/` and `new/` when the index last matched them, so
    /// that reopening an unchanged mailbox needs no directory scan.
    DirStamps {
        cur: Stamp,
        new: Stamp,
    },
}

pub fn header(uidvalidity: u32) -> [u8; HEADER_LEN] {
    crate::file_header::header(MAGIC, VERSION, uidvalidity)
}

/// The UIDVALIDITY in a header, or `None` if it is not ours.
pub fn parse_header(bytes: &[u8]) -> Option<u32> {
    crate::file_header::parse_header(bytes, MAGIC, VERSION)
}

impl<'a> Record<'a> {
    /// The records that define newly seen keywords, which must precede
    /// the records that use them.
    pub fn keywords(new: &'a [(u8, String)]) -> Vec<Record<'a>> {
        new.iter()
            .map(|(index, name)| Record::Keyword {
                index: *index,
                name,
            })
            .collect()
    }

    /// Appends the framed record to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&[0u8; FRAME_LEN]);
        match *self {
            Record::Append {
                uid,
                modseq,
                flags,
                keywords,
                internal_date,
                size,
                name,
            } => {
                out.push(T_APPEND);
                out.extend_from_slice(&uid.to_le_bytes());
                out.extend_from_slice(&modseq.to_le_bytes());
                out.push(flags);
                out.extend_from_slice(&keywords.to_le_bytes());
                out.extend_from_slice(&internal_date.to_le_bytes());
                out.extend_from_slice(&size.to_le_bytes());
                put_str(out, name);
            }
            Record::Flags {
                uid,
                modseq,
                flags,
                keywords,
            } => {
                out.push(T_FLAGS);
                out.extend_from_slice(&uid.to_le_bytes());
                out.extend_from_slice(&modseq.to_le_bytes());
                out.push(flags);
                out.extend_from_slice(&keywords.to_le_bytes());
            }
            Record::Expunge { uid, modseq } => {
                out.push(T_EXPUNGE);
                out.extend_from_slice(&uid.to_le_bytes());
                out.extend_from_slice(&modseq.to_le_bytes());
            }
            Record::Keyword { index, name } => {
                out.push(T_KEYWORD);
                out.push(index);
                put_str(out, name);
            }
            Record::State {
                next_uid,
                highest_modseq,
                first_recent_uid,
            } => {
                out.push(T_STATE);
                out.extend_from_slice(&next_uid.to_le_bytes());
                out.extend_from_slice(&highest_modseq.to_le_bytes());
                out.extend_from_slice(&first_recent_uid.to_le_bytes());
            }
            Record::ExpungedBefore { modseq } => {
                out.push(T_EXPUNGED_BEFORE);
                out.extend_from_slice(&modseq.to_le_bytes());
            }
            Record::DirStamps { cur, new } => {
                out.push(T_DIR_STAMPS);
                for (secs, nanos) in [cur, new] {
                    out.extend_from_slice(&secs.to_le_bytes());
                    out.extend_from_slice(&nanos.to_le_bytes());
                }
            }
        }
        let payload_len = out.len() - start - FRAME_LEN;
        let crc = crc32fast::hash(&out[start + FRAME_LEN..]);
        // Names are capped at u16::MAX bytes, so a payload always fits u32.
        let len = u32::try_from(payload_len).unwrap_or(u32::MAX);
        out[start..start + 4].copy_from_slice(&len.to_le_bytes());
        out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
    }
}

/// Strings are `[len u16][utf-8]`; longer ones are cut at a char boundary
/// (callers never pass them: Maildir names are at most 255 bytes).
fn put_str(out: &mut Vec<u8>, s: &str) {
    let mut end = s.len().min(usize::from(u16::MAX));
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let s = &s[..end];
    out.extend_from_slice(&u16::try_from(s.len()).unwrap_or(0).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Why a frame could not be decoded; the log is cut at that point.
#[derive(Debug, PartialEq, Eq)]
pub enum FrameError {
    /// Fewer bytes left than the frame announces: a torn write.
    Truncated,
    /// Length out of range, checksum mismatch or undecodable payload.
    Garbled,
}

/// Decodes the frame at the start of `buf`; returns the record and the
/// number of bytes it took.
pub fn decode(buf: &[u8]) -> Result<(Record<'_>, usize), FrameError> {
    let len = read_u32(buf, 0).ok_or(FrameError::Truncated)? as usize;
    let crc = read_u32(buf, 4).ok_or(FrameError::Truncated)?;
    if len == 0 || len > MAX_PAYLOAD {
        return Err(FrameError::Garbled);
    }
    let payload = buf
        .get(FRAME_LEN..FRAME_LEN + len)
        .ok_or(FrameError::Truncated)?;
    if crc32fast::hash(payload) != crc {
        return Err(FrameError::Garbled);
    }
    let record = decode_payload(payload).ok_or(FrameError::Garbled)?;
    Ok((record, FRAME_LEN + len))
}

fn decode_payload(p: &[u8]) -> Option<Record<'_>> {
    let mut r = Reader { buf: p, pos: 1 };
    let record = match *p.first()? {
        T_APPEND => Record::Append {
            uid: r.u32()?,
            modseq: r.u64()?,
            flags: r.u8()?,
            keywords: r.u64()?,
            internal_date: r.u64()? as i64,
            size: r.u64()?,
            name: r.str()?,
        },
        T_FLAGS => Record::Flags {
            uid: r.u32()?,
            modseq: r.u64()?,
            flags: r.u8()?,
            keywords: r.u64()?,
        },
        T_EXPUNGE => Record::Expunge {
            uid: r.u32()?,
            modseq: r.u64()?,
        },
        T_KEYWORD => Record::Keyword {
            index: r.u8()?,
            name: r.str()?,
        },
        T_STATE => Record::State {
            next_uid: r.u32()?,
            highest_modseq: r.u64()?,
            first_recent_uid: r.u32()?,
        },
        T_EXPUNGED_BEFORE => Record::ExpungedBefore { modseq: r.u64()? },
        T_DIR_STAMPS => Record::DirStamps {
            cur: (r.u64()? as i64, r.u32()?),
            new: (r.u64()? as i64, r.u32()?),
        },
        _ => return None,
    };
    // Trailing bytes mean the payload is not what its type says.
    (r.pos == p.len()).then_some(record)
}

fn read_u32(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(buf.get(at..at + 4)?.try_into().ok()?))
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.buf.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(*self.take(1)?.first()?)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = usize::from(self.u16()?);
        std::str::from_utf8(self.take(n)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Record<'static>> {
        vec![
            Record::Append {
                uid: 7,
                modseq: 9,
                flags: 3,
                keywords: 1 << 40,
                internal_date: -5,
                size: 1234,
                name: "1700000000.M1P2.host,S=1234",
            },
            Record::Flags {
                uid: 7,
                modseq: 10,
                flags: 1,
                keywords: 0,
            },
            Record::Expunge { uid: 7, modseq: 11 },
            Record::Keyword {
                index: 3,
                name: "$Forwarded",
            },
            Record::State {
                next_uid: 8,
                highest_modseq: 11,
                first_recent_uid: 8,
            },
            Record::ExpungedBefore { modseq: 4 },
            Record::DirStamps {
                cur: (1_700_000_000, 5),
                new: (-1, 999_999_999),
            },
        ]
    }

    #[test]
    fn records_round_trip() {
        let mut buf = Vec::new();
        for r in samples() {
            r.encode(&mut buf);
        }
        let mut at = 0;
        let mut back = Vec::new();
        while at < buf.len() {
            let (r, n) = decode(&buf[at..]).unwrap();
            back.push(r);
            at += n;
        }
        assert_eq!(back, samples());
    }

    #[test]
    fn damage_is_detected() {
        let mut buf = Vec::new();
        samples()[0].encode(&mut buf);
        assert_eq!(decode(&buf[..buf.len() - 1]), Err(FrameError::Truncated));
        assert_eq!(decode(&buf[..3]), Err(FrameError::Truncated));
        let mut flipped = buf.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x20;
        assert_eq!(decode(&flipped), Err(FrameError::Garbled));
        let mut huge = buf.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&huge), Err(FrameError::Garbled));
    }

    #[test]
    fn header_round_trips_and_rejects_foreign_files() {
        assert_eq!(parse_header(&header(42)), Some(42));
        assert_eq!(parse_header(b"DMIX"), None);
        assert_eq!(parse_header(&header(0)), None);
        let mut other = header(42);
        other[0] = b'X';
        assert_eq!(parse_header(&other), None);
    }
}
