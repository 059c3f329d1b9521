//! The 10-byte header both of dormouse's per-mailbox files start with:
//! a 4-byte magic, a version u16 and the UIDVALIDITY u32 (little-endian)
//! the contents belong to. A file whose header is not ours, or of another
//! version or UIDVALIDITY, is never trusted.

pub const HEADER_LEN: usize = 10;

pub fn header(magic: &[u8; 4], version: u16, uidvalidity: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..4].copy_from_slice(magic);
    h[4..6].copy_from_slice(&version.to_le_bytes());
    h[6..10].copy_from_slice(&uidvalidity.to_le_bytes());
    h
}

/// The UIDVALIDITY in a header, or `None` if it is not `magic`/`version`.
pub fn parse_header(bytes: &[u8], magic: &[u8; 4], version: u16) -> Option<u32> {
    let found = bytes.get(..4)?;
    let found_version = u16::from_le_bytes(bytes.get(4..6)?.try_into().ok()?);
    let uidvalidity = u32::from_le_bytes(bytes.get(6..10)?.try_into().ok()?);
    (found == magic && found_version == version && uidvalidity != 0).then_some(uidvalidity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() {
        let h = header(b"TEST", 3, 42);
        assert_eq!(parse_header(&h, b"TEST", 3), Some(42));
        assert_eq!(parse_header(&h, b"TEST", 4), None);
        assert_eq!(parse_header(&h, b"OTHR", 3), None);
        assert_eq!(parse_header(&h[..9], b"TEST", 3), None);
        assert_eq!(parse_header(&header(b"TEST", 3, 0), b"TEST", 3), None);
    }
}
