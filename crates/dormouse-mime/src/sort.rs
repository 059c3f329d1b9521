//! Sort keys of RFC 5256: the base subject (§2.1) and the first mailbox of
//! an address header.

/// RFC 5256 §2.1 base subject extraction from an already decoded subject
/// (step 1's encoded-word decoding is the caller's, see
/// `Message::sort_subject`). Case is kept; SORT compares with a
/// case-insensitive collation.
pub fn base_subject(subject: &str) -> String {
    // (1) Runs of whitespace become one space.
    let mut s = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        // (2) Trailers: "(fwd)" and whitespace, repeatedly.
        loop {
            let trimmed = s.trim_end();
            let trimmed = strip_suffix_ci(trimmed, "(fwd)").unwrap_or(trimmed);
            if trimmed.len() == s.len() {
                break;
            }
            s = trimmed.to_string();
        }
        // (3)–(5) Leaders and blobs, until nothing changes.
        loop {
            let mut changed = false;
            while let Some(rest) = strip_leader(&s) {
                s = rest.to_string();
                changed = true;
            }
            if let Some(rest) = strip_blob(&s).filter(|r| !r.is_empty()) {
                s = rest.to_string();
                changed = true;
            }
            if !changed {
                break;
            }
        }
        // (6) "[fwd: subject]" → "subject", then again from (2).
        match strip_prefix_ci(&s, "[fwd:").and_then(|r| r.strip_suffix(']')) {
            Some(inner) => s = inner.to_string(),
            None => return s,
        }
    }
}

/// subj-leader: `(*subj-blob subj-refwd) / WSP`.
fn strip_leader(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_prefix([' ', '\t']) {
        return Some(rest);
    }
    let mut rest = s;
    while let Some(r) = strip_blob(rest) {
        rest = r;
    }
    strip_refwd(rest)
}

/// subj-refwd: `("re" / ("fw" ["d"])) *WSP [subj-blob] ":"`.
fn strip_refwd(s: &str) -> Option<&str> {
    let rest = strip_prefix_ci(s, "re")
        .or_else(|| strip_prefix_ci(s, "fwd"))
        .or_else(|| strip_prefix_ci(s, "fw"))?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = strip_blob(rest).unwrap_or(rest);
    rest.strip_prefix(':')
}

/// subj-blob: `"[" *BLOBCHAR "]" *WSP`, BLOBCHAR being anything but brackets.
fn strip_blob(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('[')?;
    let close = rest.find(['[', ']'])?;
    let after = rest.get(close..)?.strip_prefix(']')?;
    Some(after.trim_start_matches([' ', '\t']))
}

fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'s>(s: &'s str, suffix: &str) -> Option<&'s str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| s.get(..cut))
        .flatten()
}
