//! The bytes of `dormouse.cache`: a header naming the UIDVALIDITY the
//! entries belong to, then framed, checksummed records
//! `[len u32][crc32 u32][uid u32][payload]` (little-endian, the CRC over
//! the UID and the payload), and the packed in-memory "slot" that says
//! where a record is. Pure: no I/O, and nothing about what payloads mean.

/// "DMCA", then version u16 and UIDVALIDITY u32 (the index's layout).
pub const MAGIC: &[u8; 4] = b"DMCA";
pub const VERSION: u16 = 1;
pub const HEADER_LEN: usize = crate::file_header::HEADER_LEN;

/// `[len u32][crc32 u32][uid u32]` before each payload.
pub const FRAME_LEN: usize = 12;

/// A slot packs the record's offset in its high 40 bits and the payload
/// length in its low 24, so one `u64` per message locates an entry; a
/// larger payload is simply not cached, a larger file not appended to.
const LEN_BITS: u32 = 24;
pub const MAX_PAYLOAD: usize = (1 << LEN_BITS) - 1;
const MAX_OFFSET: u64 = (1 << (64 - LEN_BITS)) - 1;

pub fn header(uidvalidity: u32) -> [u8; HEADER_LEN] {
    crate::file_header::header(MAGIC, VERSION, uidvalidity)
}

/// The UIDVALIDITY in a header, or `None` if it is not ours.
pub fn parse_header(bytes: &[u8]) -> Option<u32> {
    crate::file_header::parse_header(bytes, MAGIC, VERSION)
}

/// The framed record for `uid`, or `None` if the payload is too large.
pub fn record(uid: u32, payload: &[u8]) -> Option<Vec<u8>> {
    if payload.len() > MAX_PAYLOAD || uid == 0 {
        return None;
    }
    let len = u32::try_from(payload.len()).ok()?;
    let mut out = Vec::with_capacity(FRAME_LEN + payload.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&checksum(uid, payload).to_le_bytes());
    out.extend_from_slice(&uid.to_le_bytes());
    out.extend_from_slice(payload);
    Some(out)
}

/// A record's frame, as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    pub len: usize,
    pub crc: u32,
    pub uid: u32,
}

impl Frame {
    /// `None` for a frame no writer produces (UID 0, an oversized length):
    /// the start of garbage.
    pub fn parse(bytes: &[u8; FRAME_LEN]) -> Option<Frame> {
        let word = |at: usize| {
            bytes
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
        };
        let frame = Frame {
            len: usize::try_from(word(0)?).ok()?,
            crc: word(4)?,
            uid: word(8)?,
        };
        (frame.uid != 0 && frame.len <= MAX_PAYLOAD).then_some(frame)
    }

    /// Whether `payload` is what this frame was written for.
    pub fn holds(&self, payload: &[u8]) -> bool {
        payload.len() == self.len && checksum(self.uid, payload) == self.crc
    }
}

fn checksum(uid: u32, payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&uid.to_le_bytes());
    h.update(payload);
    h.finalize()
}

/// The slot of a record at `offset` with a `len`-byte payload; `None`
/// when either does not fit. Never 0 (the header sits at offset 0), so 0
/// can mean "no entry".
pub fn slot(offset: u64, len: usize) -> Option<u64> {
    let len = u64::try_from(len)
        .ok()
        .filter(|&l| l <= MAX_PAYLOAD as u64)?;
    (offset >= HEADER_LEN as u64 && offset <= MAX_OFFSET).then_some((offset << LEN_BITS) | len)
}

/// (offset, payload length) of a slot.
pub fn unpack(slot: u64) -> (u64, usize) {
    let len = slot & MAX_PAYLOAD as u64;
    (
        slot >> LEN_BITS,
        usize::try_from(len).unwrap_or(MAX_PAYLOAD),
    )
}

/// Bytes the slot's record takes in the file, frame included.
pub fn record_len(slot: u64) -> u64 {
    unpack(slot).1 as u64 + FRAME_LEN as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_check_their_uid_and_payload() {
        let rec = record(7, b"hello").unwrap();
        let frame = Frame::parse(rec[..FRAME_LEN].try_into().unwrap()).unwrap();
        assert_eq!((frame.uid, frame.len), (7, 5));
        assert!(frame.holds(b"hello"));
        assert!(!frame.holds(b"hellp"));
        let mut other = rec.clone();
        other[8] = 8;
        let moved = Frame::parse(other[..FRAME_LEN].try_into().unwrap()).unwrap();
        assert!(!moved.holds(b"hello"), "a changed UID fails the CRC");
        assert!(Frame::parse(&[0; FRAME_LEN]).is_none(), "zeros are garbage");
        assert!(record(0, b"x").is_none());
    }

    #[test]
    fn slots_pack_and_refuse_what_does_not_fit() {
        let s = slot(123_456_789_012, 70_000).unwrap();
        assert_eq!(unpack(s), (123_456_789_012, 70_000));
        assert_eq!(record_len(s), 70_012);
        assert!(slot(MAX_OFFSET + 1, 1).is_none());
        assert!(slot(HEADER_LEN as u64, MAX_PAYLOAD + 1).is_none());
        assert!(slot(0, 0).is_none());
        assert_ne!(slot(HEADER_LEN as u64, 0), Some(0));
    }

    #[test]
    fn headers_round_trip() {
        assert_eq!(parse_header(&header(42)), Some(42));
        assert_eq!(parse_header(&header(0)), None);
        assert_eq!(parse_header(b"DMIX\x01\x00\x2a\x00\x00\x00"), None);
    }
}
