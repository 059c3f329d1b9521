//! Line-level facts the decoder needs before a command is complete: does a
//! line end in a literal announcement (`{n}`, `{n+}`, `~{n}`), what is the
//! tag, is this an APPEND. None of it parses arguments.

use crate::types::{LiteralKind, Tag};

/// Whether the client waits for `+` before sending the literal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sync {
    Sync,
    NonSync,
}

/// A literal announced at the end of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Announcement {
    /// `None` when the digits do not fit in u64.
    pub size: Option<u64>,
    pub sync: Sync,
    /// `~{n}` (literal8) or `{n}`.
    pub kind: LiteralKind,
}

#[derive(Clone, Copy, Debug, Default)]
enum TrackState {
    #[default]
    Plain,
    Digits {
        any: bool,
        size: Option<u64>,
        kind: LiteralKind,
    },
    Plus {
        size: Option<u64>,
        kind: LiteralKind,
    },
    Closed(Announcement),
    ClosedCr(Announcement),
}

/// Recognises a literal announcement at the end of a line, one byte at a
/// time, in constant memory however many digits the size has. The decoder
/// uses it both on buffered lines and on lines it discards unbuffered.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct AnnounceTracker {
    state: TrackState,
    /// The previous byte was `~`, so a `{` now opens a literal8.
    after_tilde: bool,
}

impl AnnounceTracker {
    /// Feeds one byte of the line (never the final LF).
    pub(crate) fn push(&mut self, b: u8) {
        use TrackState::*;
        self.state = match (self.state, b) {
            (_, b'{') => Digits {
                any: false,
                size: Some(0),
                kind: if self.after_tilde {
                    LiteralKind::Binary
                } else {
                    LiteralKind::Text
                },
            },
            (Digits { size, kind, .. }, b'0'..=b'9') => Digits {
                any: true,
                size: size
                    .and_then(|s| s.checked_mul(10))
                    .and_then(|s| s.checked_add(u64::from(b - b'0'))),
                kind,
            },
            (
                Digits {
                    any: true,
                    size,
                    kind,
                },
                b'+',
            ) => Plus { size, kind },
            (
                Digits {
                    any: true,
                    size,
                    kind,
                },
                b'}',
            ) => Closed(Announcement {
                size,
                sync: Sync::Sync,
                kind,
            }),
            (Plus { size, kind }, b'}') => Closed(Announcement {
                size,
                sync: Sync::NonSync,
                kind,
            }),
            (Closed(a), b'\r') => ClosedCr(a),
            _ => Plain,
        };
        self.after_tilde = b == b'~';
    }

    /// Called at the LF: the announcement the line ended with, if any.
    /// Resets the tracker for the next line.
    pub(crate) fn end_line(&mut self) -> Option<Announcement> {
        let state = std::mem::take(&mut self.state);
        self.after_tilde = false;
        match state {
            TrackState::Closed(a) | TrackState::ClosedCr(a) => Some(a),
            _ => None,
        }
    }
}

/// The announcement a complete line (without its LF) ends with.
pub(crate) fn announcement(line: &[u8]) -> Option<Announcement> {
    let mut t = AnnounceTracker::default();
    for &b in line {
        t.push(b);
    }
    t.end_line()
}

/// What the first word of a command line is, as far as tags go.
pub(crate) enum TagRead {
    Tag(Tag),
    Empty,
    Invalid,
}

/// The tag of a complete command: the bytes before the first SP or line
/// end. An empty line has no tag at all.
pub(crate) fn read_tag(input: &[u8]) -> TagRead {
    let end = input
        .iter()
        .position(|&b| matches!(b, b' ' | b'\r' | b'\n'))
        .unwrap_or(input.len());
    let word = input.get(..end).unwrap_or(&[]);
    if word.is_empty() {
        return if matches!(input.first(), None | Some(b'\r' | b'\n')) {
            TagRead::Empty
        } else {
            TagRead::Invalid
        };
    }
    match std::str::from_utf8(word).ok().and_then(Tag::new) {
        Some(tag) => TagRead::Tag(tag),
        None => TagRead::Invalid,
    }
}

/// The tag of a command that is being rejected before it was complete.
/// Only the first `window` bytes count, so whether a tag is found does
/// not depend on how much more the client happened to have sent.
pub(crate) fn tag_of_partial(buf: &[u8], window: usize) -> Option<Tag> {
    let head = buf.get(..window.min(buf.len())).unwrap_or(&[]);
    let end = head
        .iter()
        .position(|&b| matches!(b, b' ' | b'\r' | b'\n'))?;
    let word = head.get(..end)?;
    std::str::from_utf8(word).ok().and_then(Tag::new)
}

/// Whether the command (its first line is in `buf`) is APPEND, whose
/// literals have their own, larger, size limit.
pub(crate) fn is_append(buf: &[u8]) -> bool {
    let mut words = buf
        .split(|&b| matches!(b, b' ' | b'\r' | b'\n' | b'{'))
        .skip(1);
    match words.next() {
        Some(w) if w.eq_ignore_ascii_case(b"UID") => words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case(b"APPEND")),
        Some(w) => w.eq_ignore_ascii_case(b"APPEND"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements() {
        let sync = |n| {
            Some(Announcement {
                size: Some(n),
                sync: Sync::Sync,
                kind: LiteralKind::Text,
            })
        };
        assert_eq!(announcement(b"a LOGIN {5}"), sync(5));
        assert_eq!(announcement(b"a LOGIN {5}\r"), sync(5));
        assert_eq!(announcement(b"a LOGIN ~ {5}\r"), sync(5));
        assert_eq!(
            announcement(b"a APPEND x ~{0}\r"),
            Some(Announcement {
                size: Some(0),
                sync: Sync::Sync,
                kind: LiteralKind::Binary
            })
        );
        assert_eq!(
            announcement(b"a LOGIN {12+}\r"),
            Some(Announcement {
                size: Some(12),
                sync: Sync::NonSync,
                kind: LiteralKind::Text
            })
        );
        assert_eq!(
            announcement(b"a {99999999999999999999999999}"),
            Some(Announcement {
                size: None,
                sync: Sync::Sync,
                kind: LiteralKind::Text
            })
        );
        for none in [
            &b"a {}"[..],
            b"a {+}",
            b"a {5} ",
            b"a {5}\r\r",
            b"a \"{5}\"",
            b"a {5x}",
        ] {
            assert_eq!(
                announcement(none),
                None,
                "{}",
                String::from_utf8_lossy(none)
            );
        }
    }

    #[test]
    fn append_detection() {
        assert!(is_append(b"a APPEND INBOX {5}\r\n"));
        assert!(is_append(b"a append {5}\r\n"));
        assert!(!is_append(b"a LOGIN {5}\r\n"));
        assert!(!is_append(b"APPEND"));
    }

    #[test]
    fn partial_tags_need_a_terminator_inside_the_window() {
        assert_eq!(tag_of_partial(b"abc FETCH", 64).unwrap().as_str(), "abc");
        assert!(tag_of_partial(b"abcdef", 64).is_none());
        assert!(tag_of_partial(b"abcdef ", 3).is_none());
        assert!(tag_of_partial(b"a+b x", 64).is_none());
    }
}
