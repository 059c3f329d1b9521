//! FETCH in bounded batches: a big FETCH answers through `Session::resume`,
//! one batch at a time, with the same bytes a single answer would have;
//! the tagged reply and the mailbox's updates come only with the last
//! batch; `\Seen` is set batch by batch; a LOGOUT or a shutdown in the
//! middle ends it cleanly. Also the partial-fetch and VANISHED cases a
//! client can make expensive.

use dormouse_proto::encode::{EncodeOptions, Utf8Mode, encode_response};
use dormouse_proto::parse::parse_command;
use dormouse_proto::{Command, Data, FetchData, Response, StatusResponse};
use dormouse_session::{Next, Outcome, Session, StateKind};

use crate::fetch_support::{Msg, T0, seed};
use crate::selected_fixture::{Client, Fixture};

/// What the session holds back in literal data per batch, as documented
/// in `fetch_pending` (256 KiB).
const BATCH_BYTES: usize = 256 * 1024;

/// The bytes of message `i` of [`big_mailbox`]: `size` octets, distinct
/// per message, CRLF lines.
fn body(i: usize, size: usize) -> Vec<u8> {
    let mut out = format!("Subject: message {i}\r\n\r\n").into_bytes();
    let line = format!("line of message {i:05} ..................................\r\n");
    while out.len() + line.len() <= size {
        out.extend_from_slice(line.as_bytes());
    }
    out.resize(size - 2, b'x');
    out.extend_from_slice(b"\r\n");
    out
}

/// `count` messages of `size` octets in INBOX, selected by a new client.
fn big_mailbox(count: usize, size: usize) -> (Fixture, Client, Vec<Vec<u8>>) {
    let fx = Fixture::new();
    let bodies: Vec<Vec<u8>> = (0..count).map(|i| body(i, size)).collect();
    seed(
        &fx,
        "INBOX",
        bodies.iter().map(|b| Msg::new(b.clone(), T0)).collect(),
    );
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    (fx, c, bodies)
}

fn command(line: &str) -> Command {
    match parse_command(format!("{line}\r\n").as_bytes()) {
        Ok(command) => command,
        Err(e) => panic!("test command {line:?} does not parse: {e:?}"),
    }
}

fn wire(responses: &[Response]) -> Vec<u8> {
    let opts = EncodeOptions {
        utf8: Utf8Mode::Ascii,
    };
    let mut out = Vec::new();
    for response in responses {
        encode_response(response, opts, &mut out);
    }
    out
}

fn is_tagged(response: &Response) -> bool {
    matches!(
        response,
        Response::Status(StatusResponse { tag: Some(_), .. })
    )
}

/// Runs `line` and resumes it to its end; every outcome, in order.
fn batches(session: &mut Session, line: &str) -> Vec<Outcome> {
    let mut out = vec![session.handle(command(line))];
    while out.last().is_some_and(|o| o.next == Next::More) {
        assert!(session.is_unfinished());
        out.push(session.resume());
        assert!(out.len() < 10_000, "resume never ends");
    }
    assert!(!session.is_unfinished());
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fetch_of_a_big_mailbox_comes_in_bounded_batches_with_the_same_bytes() {
    let (_fx, mut c, bodies) = big_mailbox(300, 10 * 1024);
    let outcomes = batches(&mut c.session, "f FETCH 1:* BODY.PEEK[]");
    // 300 × 10 KiB is about 3 MiB: a dozen batches of 256 KiB.
    let total: usize = bodies.iter().map(Vec::len).sum();
    assert!(
        outcomes.len() >= total / (BATCH_BYTES + 10 * 1024),
        "{} batches",
        outcomes.len()
    );
    assert!(outcomes.len() <= total / BATCH_BYTES + 2);
    for (i, o) in outcomes.iter().enumerate() {
        let last = i + 1 == outcomes.len();
        assert_eq!(o.next, if last { Next::Continue } else { Next::More });
        // Only the last batch ends the command.
        assert_eq!(o.responses.iter().any(is_tagged), last, "batch {i}");
        // A batch stops once it reaches the budget: one message over it at
        // most.
        let bytes = wire(&o.responses).len();
        assert!(bytes <= BATCH_BYTES + 11 * 1024, "batch {i}: {bytes} bytes");
    }
    let mut expected = Vec::new();
    for (i, b) in bodies.iter().enumerate() {
        expected
            .extend_from_slice(format!("* {} FETCH (BODY[] {{{}}}\r\n", i + 1, b.len()).as_bytes());
        expected.extend_from_slice(b);
        expected.extend_from_slice(b")\r\n");
    }
    expected.extend_from_slice(b"f OK FETCH completed\r\n");
    let got: Vec<u8> = outcomes.iter().flat_map(|o| wire(&o.responses)).collect();
    assert!(got == expected, "the batches differ from one whole answer");
}

#[test]
fn many_small_messages_are_batched_by_count() {
    let (_fx, mut c, _) = big_mailbox(600, 200);
    let outcomes = batches(&mut c.session, "u UID FETCH 1:* (FLAGS)");
    // 256 messages a batch.
    assert_eq!(outcomes.len(), 3);
    let counts: Vec<usize> = outcomes.iter().map(|o| o.responses.len()).collect();
    assert_eq!(counts, vec![256, 256, 88 + 1]);
    let last = outcomes
        .last()
        .map(|o| wire(&o.responses))
        .unwrap_or_default();
    assert!(
        text(&last)
            .ends_with("* 600 FETCH (UID 600 FLAGS (\\Recent))\r\nu OK UID FETCH completed\r\n")
    );
}

#[test]
fn a_body_fetch_sets_seen_batch_by_batch_and_reports_it() {
    let (fx, mut c, _) = big_mailbox(60, 20 * 1024);
    let outcomes = batches(&mut c.session, "f FETCH 1:* (BODY[TEXT]<0.10> FLAGS)");
    assert_eq!(outcomes.len(), 1, "partials count what they keep");
    let outcomes = batches(&mut c.session, "g FETCH 1:* RFC822");
    assert!(outcomes.len() > 3);
    let all = text(
        &outcomes
            .iter()
            .flat_map(|o| wire(&o.responses))
            .collect::<Vec<u8>>(),
    );
    // Already seen by `f`: no implicit FLAGS now.
    assert!(!all.contains("FLAGS"), "{}", &all[..200]);
    let mut other = fx.client();
    other.ok("o EXAMINE INBOX");
    let flags = other.ok("o2 FETCH 1:* FLAGS");
    assert_eq!(flags.len(), 60);
    assert!(flags.iter().all(|l| l.contains("\\Seen")), "{flags:?}");

    // A fresh mailbox: RFC822 sets \Seen batch by batch, and reports FLAGS
    // at the end of each message's answer.
    let (fx, mut c, _) = big_mailbox(60, 20 * 1024);
    let first = c.session.handle(command("g FETCH 1:* RFC822"));
    assert_eq!(first.next, Next::More);
    let mut other = fx.client();
    other.ok("o EXAMINE INBOX");
    assert_eq!(
        other.ok("o2 FETCH 1,60 FLAGS"),
        vec!["* 1 FETCH (FLAGS (\\Seen))", "* 60 FETCH (FLAGS ())"],
        "only the first batch is marked so far"
    );
    let mut outcomes = vec![first];
    while outcomes.last().is_some_and(|o| o.next == Next::More) {
        outcomes.push(c.session.resume());
    }
    assert!(outcomes.len() > 3);
    let mut fetches = 0;
    for r in outcomes.iter().flat_map(|o| o.responses.iter()) {
        if let Response::Data(Data::Fetch { items, .. }) = r {
            fetches += 1;
            assert!(matches!(
                items.last(),
                Some(FetchData::Flags(f)) if f.len() == 2
            ));
        }
    }
    assert_eq!(fetches, 60);
    let flags = other.ok("o3 FETCH 1:* FLAGS");
    assert!(flags.iter().all(|l| l.contains("\\Seen")), "{flags:?}");
}

#[test]
fn updates_wait_for_the_last_batch_and_expunges_wait_for_the_end() {
    let (fx, mut c, _) = big_mailbox(100, 10 * 1024);
    let first = c.session.handle(command("f FETCH 1:* BODY.PEEK[]"));
    assert_eq!(first.next, Next::More);
    // Meanwhile another session expunges message 100 and adds one.
    let mut other = fx.client();
    other.ok("o1 SELECT INBOX");
    other.ok("o2 STORE 100 +FLAGS.SILENT (\\Deleted)");
    other.ok("o3 EXPUNGE");
    fx.append_plain("INBOX", 1);
    let mut outcomes = vec![first];
    while outcomes.last().is_some_and(|o| o.next == Next::More) {
        outcomes.push(c.session.resume());
    }
    let lines: Vec<String> = outcomes.iter().map(|o| text(&wire(&o.responses))).collect();
    let Some((last, earlier)) = lines.split_last() else {
        panic!("no outcome");
    };
    assert!(earlier.iter().all(|b| !b.contains("EXISTS")));
    // FETCH uses sequence numbers: EXISTS, but no EXPUNGE yet, and the
    // expunged message is skipped (RFC 9051 §7.5.1).
    assert!(!last.contains("EXPUNGE\r\n"), "{last}");
    assert!(!last.contains("* 100 FETCH"));
    let tail = "* 101 EXISTS\r\n* 101 RECENT\r\n\
        f OK [EXPUNGEISSUED] Some messages were already expunged.\r\n";
    assert!(
        last.ends_with(tail),
        "{}",
        &last[last.len().saturating_sub(300)..]
    );
    assert_eq!(
        c.run("n NOOP"),
        vec!["* 100 EXPUNGE", "n OK NOOP completed"]
    );
}

#[test]
fn a_command_sent_without_resuming_gets_the_rest_first() {
    let (_fx, mut c, bodies) = big_mailbox(100, 10 * 1024);
    let first = c.session.handle(command("f FETCH 1:* BODY.PEEK[]"));
    assert_eq!(first.next, Next::More);
    let logout = c.session.handle(command("z LOGOUT"));
    assert_eq!(logout.next, Next::Close);
    let got = text(&wire(&logout.responses));
    let last_fetch = format!("* 100 FETCH (BODY[] {{{}}}\r\n", bodies[99].len());
    let at = got.find(&last_fetch).unwrap_or(usize::MAX);
    let ok = got.find("f OK FETCH completed").unwrap_or(0);
    assert!(at < ok, "the FETCH ends before LOGOUT runs");
    assert!(
        got.ends_with("f OK FETCH completed\r\n* BYE Logging out\r\nz OK LOGOUT completed\r\n"),
        "{}",
        &got[got.len().saturating_sub(200)..]
    );
    assert_eq!(c.session.state(), StateKind::Logout);
}

#[test]
fn shutdown_in_the_middle_drops_the_rest() {
    let (_fx, mut c, _) = big_mailbox(100, 10 * 1024);
    assert_eq!(
        c.session.handle(command("f FETCH 1:* BODY.PEEK[]")).next,
        Next::More
    );
    let bye = c.session.shutdown();
    assert!(text(&wire(&[bye])).starts_with("* BYE "));
    assert!(!c.session.is_unfinished());
    let after = c.session.resume();
    assert!(after.responses.is_empty());
    assert_eq!(after.next, Next::Close);
}

#[test]
fn overlapping_partials_are_sliced_and_split_into_bounded_answers() {
    let (_fx, mut c, bodies) = big_mailbox(2, 10 * 1024);
    let body = &bodies[0];
    // A byte at a time: 3000 one-octet items, in one response.
    let items: Vec<String> = (0..3000).map(|i| format!("BODY.PEEK[]<{i}.1>")).collect();
    let outcomes = batches(&mut c.session, &format!("p FETCH 1 ({})", items.join(" ")));
    assert_eq!(outcomes.len(), 1);
    let responses = outcomes.iter().flat_map(|o| o.responses.iter());
    let fetches: Vec<&Vec<FetchData>> = responses
        .filter_map(|r| match r {
            Response::Data(Data::Fetch { items, .. }) => Some(items),
            _ => None,
        })
        .collect();
    assert_eq!(fetches.len(), 1);
    let bytes: Vec<(u32, Vec<u8>)> = fetches
        .iter()
        .flat_map(|items| items.iter())
        .filter_map(|item| match item {
            FetchData::BodySection {
                origin: Some(o),
                data: Some(d),
                ..
            } => Some((*o, d.clone())),
            _ => None,
        })
        .collect();
    let expected: Vec<(u32, Vec<u8>)> = (0..3000u32)
        .map(|i| {
            (
                i,
                body.get(i as usize..i as usize + 1)
                    .unwrap_or_default()
                    .to_vec(),
            )
        })
        .collect();
    assert!(bytes == expected, "one-octet partials differ");

    // 100 whole-message partials: 1 MB for one message. The answer is cut
    // into FETCH responses of about 256 KiB, each repeating the UID.
    let items: Vec<String> = (0..100)
        .map(|i| format!("BODY.PEEK[]<{i}.20000>"))
        .collect();
    let outcomes = batches(
        &mut c.session,
        &format!("u UID FETCH 1 ({})", items.join(" ")),
    );
    assert!(outcomes.len() >= 4, "{} batches", outcomes.len());
    let mut seen_items = 0;
    for o in &outcomes {
        assert!(wire(&o.responses).len() < 2 * BATCH_BYTES);
        for r in &o.responses {
            if let Response::Data(Data::Fetch { seq, items }) = r {
                assert_eq!(seq.get(), 1);
                assert!(matches!(items.first(), Some(FetchData::Uid(u)) if u.get() == 1));
                for item in items {
                    if let FetchData::BodySection {
                        origin: Some(o),
                        data: Some(d),
                        ..
                    } = item
                    {
                        let o = *o as usize;
                        assert_eq!(d.as_slice(), &body[o..]);
                        seen_items += 1;
                    }
                }
            }
        }
    }
    assert_eq!(seen_items, 100);
}

#[test]
fn vanished_with_a_set_repeated_thousands_of_times() {
    let fx = Fixture::new();
    fx.append_plain("INBOX", 400);
    let base = fx.highest_modseq("INBOX");
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    // Every other message expunged: 200 gaps.
    let odd: Vec<String> = (0..200).map(|i| (2 * i + 1).to_string()).collect();
    c.ok(&format!(
        "d UID STORE {} +FLAGS.SILENT (\\Deleted)",
        odd.join(",")
    ));
    c.ok("x EXPUNGE");
    let mut q = fx.client();
    q.ok("q1 ENABLE QRESYNC");
    q.ok("q2 SELECT INBOX");
    let set = vec!["1:*"; 12_000].join(",");
    let got = q.run(&format!(
        "q3 UID FETCH {set} (FLAGS) (CHANGEDSINCE {base} VANISHED)"
    ));
    let expected = format!("* VANISHED (EARLIER) {}", odd.join(","));
    assert_eq!(got.first(), Some(&expected));
    // The survivors did not change since `base`.
    assert_eq!(
        got.get(1).map(String::as_str),
        Some("q3 OK UID FETCH completed")
    );
    assert_eq!(got.len(), 2);
    // Overlapping, reversed and repeated ranges name the same UIDs.
    let set = vec!["9:5,1:3,4"; 5_000].join(",");
    let got = q.run(&format!(
        "q4 UID FETCH {set} (FLAGS) (CHANGEDSINCE {base} VANISHED)"
    ));
    assert_eq!(
        got.first().map(String::as_str),
        Some("* VANISHED (EARLIER) 1,3,5,7,9")
    );
}
