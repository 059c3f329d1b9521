//! Line-ending normalisation: IMAP sizes and bodies are in CRLF, while
//! Maildir files written by other programs usually use bare LF. Dormouse
//! stores what it was given and converts on read, so RFC822.SIZE (computed
//! by `crlf_len`) always equals the length of what `to_crlf` returns.

/// The length of `data` once every bare LF became CRLF.
pub fn crlf_len(data: &[u8]) -> u64 {
    let mut extra = 0u64;
    let mut prev = 0u8;
    for &b in data {
        if b == b'\n' && prev != b'\r' {
            extra += 1;
        }
        prev = b;
    }
    data.len() as u64 + extra
}

/// `data` with every bare LF turned into CRLF; returned as is when it has
/// none (the common case for mail received over IMAP or SMTP).
pub fn to_crlf(data: Vec<u8>) -> Vec<u8> {
    let bare = crlf_len(&data) - data.len() as u64;
    if bare == 0 {
        return data;
    }
    let mut out = Vec::with_capacity(data.len() + bare as usize);
    let mut prev = 0u8;
    for &b in &data {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_lf_becomes_crlf_and_lengths_agree() {
        for input in [&b"a\nb\r\nc\n"[..], b"", b"\n\n", b"x\r\ny", b"\r\r\n\n"] {
            let out = to_crlf(input.to_vec());
            assert_eq!(out.len() as u64, crlf_len(input), "{input:?}");
            assert!(
                !out.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r')
                    && out.first() != Some(&b'\n')
            );
        }
        assert_eq!(to_crlf(b"a\nb".to_vec()), b"a\r\nb");
    }
}
