//! The DATA phase: `smtp-proto`'s receiver undoes dot-stuffing and finds
//! the terminating CRLF.CRLF (bare LFs end nothing, which defeats SMTP
//! smuggling); this wrapper adds the size bound. A message over the bound
//! is read to its end and thrown away, never held.

use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver};

pub(crate) enum Progress {
    /// The end has not arrived; all input given was consumed.
    More,
    /// The end arrived; here is the unstuffed message.
    Done(Vec<u8>),
    /// The end arrived, and the message was over the bound.
    TooBig,
}

enum Receiver {
    Keeping(DataReceiver),
    Discarding(DummyDataReceiver),
}

pub(crate) struct Body {
    receiver: Receiver,
    data: Vec<u8>,
    max: usize,
}

impl Body {
    /// `expected` is the client's SIZE= declaration (0 when absent), used
    /// only to size the buffer once.
    pub fn new(max: usize, expected: usize) -> Body {
        let mut receiver = DataReceiver::new();
        // The receiver spots a line start by the CRLF it saw last, and a
        // new one has seen none: without this the body's first line would
        // be neither unstuffed nor recognised as the final dot. The CRLF
        // that ended the DATA command is the one it missed.
        let mut primer = Vec::new();
        receiver.ingest(&mut b"\r\n".iter(), &mut primer);
        Body {
            receiver: Receiver::Keeping(receiver),
            data: Vec::with_capacity(expected.min(max)),
            max,
        }
    }

    /// Consumes a prefix of `input`; returns its length and what it meant.
    pub fn ingest(&mut self, input: &[u8]) -> (usize, Progress) {
        match &mut self.receiver {
            Receiver::Keeping(receiver) => {
                // Up to two bytes over the bound are let in: the receiver
                // holds the CR of a final ".\r" until it sees the LF, so a
                // message of exactly `max` bytes passes through `max + 1`.
                let room = self
                    .max
                    .saturating_add(2)
                    .saturating_sub(self.data.len())
                    .max(1);
                let slice = input.get(..room.min(input.len())).unwrap_or(input);
                let mut bytes = slice.iter();
                let done = receiver.ingest(&mut bytes, &mut self.data);
                let used = slice.len() - bytes.as_slice().len();
                if done {
                    if self.data.len() > self.max {
                        self.data = Vec::new();
                        return (used, Progress::TooBig);
                    }
                    return (used, Progress::Done(std::mem::take(&mut self.data)));
                }
                if self.data.len() > self.max.saturating_add(1) {
                    self.receiver = Receiver::Discarding(DummyDataReceiver::new_data(receiver));
                    self.data = Vec::new();
                }
                (used, Progress::More)
            }
            Receiver::Discarding(receiver) => {
                let mut bytes = input.iter();
                let done = receiver.ingest(&mut bytes);
                let used = input.len() - bytes.as_slice().len();
                if done {
                    (used, Progress::TooBig)
                } else {
                    (used, Progress::More)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `chunks` one by one; the message and the bytes left over.
    fn receive(max: usize, chunks: &[&[u8]]) -> (Option<Result<Vec<u8>, ()>>, Vec<u8>) {
        let mut body = Body::new(max, 0);
        let mut rest = Vec::new();
        let mut result = None;
        for chunk in chunks {
            let mut input: &[u8] = chunk;
            if result.is_some() {
                rest.extend_from_slice(input);
                continue;
            }
            while !input.is_empty() && result.is_none() {
                let (used, progress) = body.ingest(input);
                input = &input[used..];
                match progress {
                    Progress::More => {}
                    Progress::Done(data) => result = Some(Ok(data)),
                    Progress::TooBig => result = Some(Err(())),
                }
            }
            rest.extend_from_slice(input);
        }
        (result, rest)
    }

    #[test]
    fn unstuffs_dots_including_on_the_first_line() {
        let (msg, rest) = receive(100, &[b"..a\r\nb\r\n..\r\n.c\r\n.\r\nQUIT\r\n"]);
        assert_eq!(msg, Some(Ok(b".a\r\nb\r\n.\r\nc\r\n".to_vec())));
        assert_eq!(rest, b"QUIT\r\n");
    }

    #[test]
    fn an_empty_message_ends_at_once() {
        let (msg, rest) = receive(100, &[b".\r\nNOOP\r\n"]);
        assert_eq!(msg, Some(Ok(Vec::new())));
        assert_eq!(rest, b"NOOP\r\n");
    }

    #[test]
    fn the_end_may_be_split_across_reads() {
        let (msg, _) = receive(100, &[b"hi\r", b"\n.", b"\r", b"\n"]);
        assert_eq!(msg, Some(Ok(b"hi\r\n".to_vec())));
    }

    #[test]
    fn bare_lf_dot_does_not_end_the_message() {
        let (msg, _) = receive(100, &[b"a\n.\nb\r\n.\r\n"]);
        assert_eq!(msg, Some(Ok(b"a\n.\nb\r\n".to_vec())));
    }

    #[test]
    fn size_bound_is_exact_and_oversize_input_is_read_to_its_end() {
        let exact = b"0123456\r\n.\r\n";
        assert_eq!(receive(9, &[exact]).0, Some(Ok(b"0123456\r\n".to_vec())));
        assert_eq!(receive(8, &[exact]).0, Some(Err(())));
        let big = vec![b'x'; 10_000];
        let (msg, rest) = receive(100, &[&big, b"\r\n.\r\n", b"RSET\r\n"]);
        assert_eq!(msg, Some(Err(())));
        assert_eq!(rest, b"RSET\r\n");
    }
}
