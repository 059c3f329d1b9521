//! The incremental command decoder: it frames commands out of a byte stream
//! (lines, literal announcements, literal data), enforces the size limits
//! before anything is buffered, and hands each complete command to the
//! parser. It never does I/O and never sends anything: `NeedContinuation`
//! tells the caller to send `+`.
//!
//! Line ends are CRLF; a bare LF is tolerated everywhere, as Dovecot does.

use super::command;
use super::error::{DecodeError, DecodeErrorKind, Recovery};
use super::framing::{AnnounceTracker, Announcement, Sync, is_append, tag_of_partial};
use super::{Limits, LiteralPolicy};
use crate::types::{Command, LiteralKind};

/// RFC 7888 §4: with LITERAL- only literals up to this size may be
/// non-synchronising.
pub const LITERAL_MINUS_MAX: u64 = 4096;

/// What `decode` produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    Command(Command),
    /// A synchronising literal `{n}` was announced and is within limits:
    /// the server must send `+ <text>` now, then keep feeding and calling
    /// `decode()`.
    NeedContinuation,
    /// Not enough bytes yet.
    Incomplete,
    Error(DecodeError),
}

/// What `decode_line` produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineResult {
    /// The line without its CRLF.
    Line(Vec<u8>),
    Incomplete,
    /// Longer than `max_line`; the rest of it is discarded as it arrives.
    TooLong,
}

/// Turns received bytes into commands. See the module documentation.
#[derive(Debug)]
pub struct CommandDecoder {
    limits: Limits,
    policy: LiteralPolicy,
    /// Starts at the first byte of the command being framed (or of the
    /// bytes being discarded); anything after it is pipelined input.
    buf: Vec<u8>,
    state: State,
}

#[derive(Debug)]
enum State {
    Framing(Frame),
    Discarding(Discard),
}

/// How far the current command has been framed.
#[derive(Debug, Default)]
struct Frame {
    /// Start of the current line in `buf`.
    line_start: usize,
    /// `buf[line_start..searched]` holds no LF.
    searched: usize,
    /// Bytes outside literal data in this command's complete lines.
    text_len: usize,
    /// Literal bytes announced so far in this command.
    literal_total: u64,
    /// While literal data is awaited: where it ends in `buf`.
    literal_end: Option<usize>,
}

/// Skipping the rest of a rejected command without storing it.
#[derive(Debug)]
struct Discard {
    /// Literal data still to skip before the line resumes.
    literal_left: u64,
    line: AnnounceTracker,
    /// An error to report once the skipped line ends (an overlong line:
    /// only its end tells whether the stream can be resynchronised).
    report: Option<DecodeError>,
}

enum DiscardStep {
    /// All buffered bytes were discarded; the line has not ended yet.
    Pending,
    /// Framing can resume; maybe with an error to report first.
    Finished(Option<DecodeError>),
}

impl CommandDecoder {
    pub fn new(limits: Limits, policy: LiteralPolicy) -> Self {
        CommandDecoder {
            limits,
            policy,
            buf: Vec::new(),
            state: State::Framing(Frame::default()),
        }
    }

    /// Appends received bytes. Nothing is decoded until `decode` or
    /// `decode_line` is called.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held: the command being framed plus pipelined input.
    pub fn buffered_len(&self) -> usize {
        self.buf.len()
    }

    /// Changes the literal limit inside APPEND. The server keeps it at
    /// `max_literal` until the client has logged in: only a user may append,
    /// so nobody else gets to make us buffer megabytes.
    pub fn set_max_append_literal(&mut self, limit: u32) {
        self.limits.max_append_literal = limit;
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Gives memory back: drops the buffer when it is empty, otherwise
    /// shrinks it to what it holds. For idle (hibernating) connections.
    pub fn release_memory(&mut self) {
        if self.buf.is_empty() {
            self.buf = Vec::new();
        } else {
            self.buf.shrink_to_fit();
        }
    }

    /// Tries to produce the next command. Call it until it returns
    /// `Incomplete`, then feed more bytes.
    pub fn decode(&mut self) -> Decoded {
        loop {
            let frame = match &mut self.state {
                State::Discarding(d) => match discard(&mut self.buf, d) {
                    DiscardStep::Pending => return Decoded::Incomplete,
                    DiscardStep::Finished(report) => {
                        self.state = State::Framing(Frame::default());
                        match report {
                            Some(err) => return Decoded::Error(err),
                            None => continue,
                        }
                    }
                },
                State::Framing(frame) => frame,
            };

            if let Some(end) = frame.literal_end {
                if self.buf.len() < end {
                    return Decoded::Incomplete;
                }
                frame.literal_end = None;
                frame.line_start = end;
                frame.searched = end;
            }

            let unsearched = self.buf.get(frame.searched..).unwrap_or(&[]);
            let Some(offset) = unsearched.iter().position(|&b| b == b'\n') else {
                frame.searched = self.buf.len();
                let line_start = frame.line_start;
                let partial_line = self.buf.len().saturating_sub(line_start);
                if frame.text_len + partial_line > self.limits.max_line {
                    self.reject_long_line(line_start);
                    continue;
                }
                return Decoded::Incomplete;
            };
            let lf = frame.searched + offset;
            let line_start = frame.line_start;
            let text_len = frame.text_len + (lf + 1 - line_start);
            if text_len > self.limits.max_line {
                self.reject_long_line(line_start);
                continue;
            }
            frame.text_len = text_len;
            frame.searched = lf + 1;
            let line = self.buf.get(line_start..lf).unwrap_or(&[]);
            match super::framing::announcement(line) {
                None => return self.complete(lf),
                Some(announced) => {
                    if let Some(decoded) = self.literal_announced(announced, lf) {
                        return decoded;
                    }
                }
            }
        }
    }

    /// The next raw line (an AUTHENTICATE response, IDLE's `DONE`),
    /// without its line end. Meant to be called between commands; a
    /// partly framed command is abandoned and its bytes read as the line.
    pub fn decode_line(&mut self) -> LineResult {
        if let State::Discarding(d) = &mut self.state {
            match discard(&mut self.buf, d) {
                DiscardStep::Pending => return LineResult::Incomplete,
                // An error pending here belonged to a command line that
                // `decode` had started; a caller reading raw lines has
                // moved on from it.
                DiscardStep::Finished(_) => self.state = State::Framing(Frame::default()),
            }
        }
        let searched = match &mut self.state {
            State::Framing(f) if f.line_start == 0 && f.literal_end.is_none() => f.searched,
            _ => 0,
        };
        let unsearched = self.buf.get(searched..).unwrap_or(&[]);
        match unsearched.iter().position(|&b| b == b'\n') {
            Some(offset) => {
                let lf = searched + offset;
                let end = if lf > 0 && self.buf.get(lf - 1) == Some(&b'\r') {
                    lf - 1
                } else {
                    lf
                };
                let result = if lf + 1 > self.limits.max_line {
                    LineResult::TooLong
                } else {
                    LineResult::Line(self.buf.get(..end).unwrap_or(&[]).to_vec())
                };
                self.buf.drain(..=lf);
                self.state = State::Framing(Frame::default());
                result
            }
            None if self.buf.len() > self.limits.max_line => {
                let mut d = Discard {
                    literal_left: 0,
                    line: AnnounceTracker::default(),
                    report: None,
                };
                // Nothing here has a line end, so this only drops bytes.
                let _ = discard(&mut self.buf, &mut d);
                self.state = State::Discarding(d);
                LineResult::TooLong
            }
            None => {
                self.state = State::Framing(Frame {
                    searched: self.buf.len(),
                    ..Frame::default()
                });
                LineResult::Incomplete
            }
        }
    }

    /// The command ends at `lf`: parse it and drop its bytes.
    fn complete(&mut self, lf: usize) -> Decoded {
        let bytes = self.buf.get(..=lf).unwrap_or(&[]);
        let parsed = command::parse(bytes, &self.limits);
        self.buf.drain(..=lf);
        // A big APPEND must not leave its capacity behind for the life of
        // the connection.
        if self.buf.capacity() > 2 * self.limits.max_line.max(4096) {
            self.buf.shrink_to(self.limits.max_line);
        }
        self.state = State::Framing(Frame::default());
        match parsed {
            Ok(cmd) => Decoded::Command(cmd),
            Err(err) => Decoded::Error(err),
        }
    }

    /// Switches to discarding the current line of an overlong command; the
    /// error is reported when that line ends.
    fn reject_long_line(&mut self, line_start: usize) {
        let tag = tag_of_partial(&self.buf, self.limits.max_line);
        self.buf.drain(..line_start.min(self.buf.len()));
        self.state = State::Discarding(Discard {
            literal_left: 0,
            line: AnnounceTracker::default(),
            report: Some(DecodeError {
                tag,
                kind: DecodeErrorKind::LineTooLong {
                    limit: self.limits.max_line,
                },
                recovery: Recovery::Continue,
            }),
        });
    }

    /// A line ending at `lf` announced a literal. Accepts it (returning
    /// `NeedContinuation` for a synchronising one, `None` to keep framing)
    /// or rejects the command before any of the data is buffered.
    fn literal_announced(&mut self, announced: Announcement, lf: usize) -> Option<Decoded> {
        let State::Framing(frame) = &mut self.state else {
            return None;
        };
        let append = is_append(&self.buf);
        let limit = if append {
            self.limits.max_append_literal
        } else {
            self.limits.max_literal
        };
        let data_end = announced
            .size
            .and_then(|n| usize::try_from(n).ok())
            .and_then(|n| n.checked_add(lf + 1));
        let rejection = match (announced.size, data_end) {
            // Refused before the client sends it rather than after.
            _ if announced.kind == LiteralKind::Binary && !append => {
                Some(DecodeErrorKind::Literal8NotAllowed)
            }
            (None, _) => Some(DecodeErrorKind::LiteralSizeOverflow),
            (Some(size), _) if size > u64::from(limit) => {
                Some(DecodeErrorKind::LiteralTooBig { size, limit })
            }
            (Some(size), _) if frame.literal_total + size > u64::from(limit) => {
                Some(DecodeErrorKind::CommandTooBig { limit })
            }
            (Some(size), _)
                if announced.sync == Sync::NonSync
                    && self.policy == LiteralPolicy::Minus
                    && size > LITERAL_MINUS_MAX =>
            {
                Some(DecodeErrorKind::NonSyncLiteralTooBig { size })
            }
            (Some(size), Some(end)) => {
                frame.literal_total += size;
                frame.literal_end = Some(end);
                return match announced.sync {
                    Sync::Sync => Some(Decoded::NeedContinuation),
                    Sync::NonSync => None,
                };
            }
            // Only on targets where a u32-sized literal overflows usize.
            (Some(size), None) => Some(DecodeErrorKind::LiteralTooBig { size, limit }),
        };
        let kind = rejection?;
        let tag = tag_of_partial(&self.buf, self.limits.max_line);
        self.buf.drain(..=lf);
        // RFC 7888 §4/§5: a non-synchronising literal arrives whether we
        // want it or not. Skip exactly its size (and the rest of the
        // command); if the size is unreadable the stream is lost.
        let (state, recovery) = match (announced.sync, announced.size) {
            (Sync::Sync, _) => (State::Framing(Frame::default()), Recovery::Continue),
            (Sync::NonSync, Some(size)) => (
                State::Discarding(Discard {
                    literal_left: size,
                    line: AnnounceTracker::default(),
                    report: None,
                }),
                Recovery::Continue,
            ),
            (Sync::NonSync, None) => (State::Framing(Frame::default()), Recovery::Close),
        };
        self.state = state;
        Some(Decoded::Error(DecodeError {
            tag,
            kind,
            recovery,
        }))
    }
}

/// Drops bytes of a rejected command from the front of `buf`: literal
/// data first, then up to the end of the line. A line ending in another
/// non-synchronising literal continues the command, so that literal is
/// skipped too; a synchronising one ends it (the client waits for a `+`
/// that never comes, having seen the BAD).
fn discard(buf: &mut Vec<u8>, d: &mut Discard) -> DiscardStep {
    loop {
        if d.literal_left > 0 {
            let n = usize::try_from(d.literal_left).map_or(buf.len(), |left| left.min(buf.len()));
            buf.drain(..n);
            d.literal_left -= n as u64;
            if d.literal_left > 0 {
                return DiscardStep::Pending;
            }
        }
        let Some(lf) = buf.iter().position(|&b| b == b'\n') else {
            for &b in buf.iter() {
                d.line.push(b);
            }
            buf.clear();
            return DiscardStep::Pending;
        };
        for &b in buf.get(..lf).unwrap_or(&[]) {
            d.line.push(b);
        }
        buf.drain(..=lf);
        let announced = d.line.end_line();
        if let Some(mut err) = d.report.take() {
            if announced.is_some() {
                err.recovery = Recovery::Close;
            }
            return DiscardStep::Finished(Some(err));
        }
        match announced {
            Some(Announcement {
                sync: Sync::NonSync,
                size: Some(size),
                ..
            }) => d.literal_left = size,
            Some(Announcement {
                sync: Sync::NonSync,
                size: None,
                ..
            }) => {
                return DiscardStep::Finished(Some(DecodeError {
                    tag: None,
                    kind: DecodeErrorKind::LiteralSizeOverflow,
                    recovery: Recovery::Close,
                }));
            }
            _ => return DiscardStep::Finished(None),
        }
    }
}
