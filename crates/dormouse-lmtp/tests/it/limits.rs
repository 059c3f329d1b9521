//! Every bound: message size (declared and actual), line length,
//! recipients per transaction, parameters of extensions not offered, and
//! the input the session holds on to.

use dormouse_lmtp::Settings;

use crate::harness::{Run, codes, lines, settings};

fn transaction(run: &mut Run) {
    let out = run.send(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
    assert_eq!(codes(&out), ["250", "250", "250", "250", "354"]);
}

#[test]
fn an_oversize_message_gets_552_per_recipient_and_nothing_is_stored() {
    let mut run = Run::greeted_with(settings(100));
    transaction(&mut run);
    let mut body = vec![b'x'; 5000];
    body.extend_from_slice(b"\r\n.\r\n");
    let out = run.send_in_chunks(&body, 512);
    assert_eq!(
        lines(&out),
        [
            "552 5.3.4 <alice@example.org> Message size exceeds fixed maximum message size",
            "552 5.3.4 <bob@example.org> Message size exceeds fixed maximum message size",
        ]
    );
    assert!(run.stored.is_empty());
    // The connection goes on; the next message fits.
    transaction(&mut run);
    let out = run.send(b"small\r\n.\r\n");
    assert_eq!(codes(&out), ["250", "250"]);
    assert_eq!(run.stored.len(), 2);
}

#[test]
fn a_message_of_exactly_the_limit_is_accepted() {
    let mut run = Run::greeted_with(settings(9));
    transaction(&mut run);
    let out = run.send(b"1234567\r\n.\r\n");
    assert_eq!(codes(&out), ["250", "250"]);
    let mut run = Run::greeted_with(settings(8));
    transaction(&mut run);
    let out = run.send(b"1234567\r\n.\r\n");
    assert_eq!(codes(&out), ["552", "552"]);
}

#[test]
fn declared_size_over_the_limit_is_refused_at_mail() {
    let mut run = Run::new(settings(1000));
    let out = run.send(
        b"LHLO x\r\nMAIL FROM:<a@b> SIZE=1001\r\nMAIL FROM:<a@b> SIZE=1000 BODY=8BITMIME\r\n",
    );
    assert_eq!(codes(&out), ["220", "250", "552", "250"]);
    assert!(out.contains("552 5.3.4 "), "{out}");
}

#[test]
fn parameters_of_extensions_not_offered_get_555() {
    let mut run = Run::greeted();
    let out = run.send(
        b"LHLO x\r\nMAIL FROM:<a@b> SMTPUTF8\r\nMAIL FROM:<a@b> BODY=BINARYMIME\r\n\
          MAIL FROM:<a@b> RET=FULL\r\nMAIL FROM:<a@b> XFOO=1\r\nMAIL FROM:<a@b> BODY=7BIT\r\n\
          RCPT TO:<alice@example.org> NOTIFY=NEVER\r\nRCPT TO:<alice@example.org> ORCPT=rfc822;alice@x\r\n",
    );
    assert_eq!(
        codes(&out),
        ["250", "555", "555", "555", "555", "250", "555", "555"]
    );
    assert!(
        out.contains("\r\n555 5.5.4 Unsupported parameter SMTPUTF8\r\n"),
        "{out}"
    );
}

#[test]
fn an_overlong_line_is_refused_and_its_tail_is_not_a_command() {
    let mut run = Run::greeted();
    let mut line = b"NOOP ".to_vec();
    line.extend(std::iter::repeat_n(b'a', 10_000));
    // The tail after the bound says QUIT: it must not be obeyed.
    line.extend_from_slice(b" QUIT\r\nQUIT\r\n");
    let out = run.send_in_chunks(&line, 1000);
    assert_eq!(
        lines(&out),
        [
            "500 5.5.2 Line too long",
            "221 2.0.0 lmtp.test Closing connection"
        ]
    );
}

#[test]
fn recipients_per_transaction_are_bounded() {
    let mut run = Run::new(Settings {
        max_recipients: 3,
        ..settings(1000)
    });
    let out = run.send(
        b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<user1@example.org>\r\nRCPT TO:<user2@example.org>\r\n\
          RCPT TO:<user3@example.org>\r\nRCPT TO:<user4@example.org>\r\nDATA\r\nbody\r\n.\r\n",
    );
    assert_eq!(
        codes(&out),
        [
            "220", "250", "250", "250", "250", "250", "452", "354", "250", "250", "250"
        ]
    );
    assert!(out.contains("452 4.5.3 Too many recipients"), "{out}");
    assert_eq!(run.stored.len(), 3);
}

#[test]
fn held_input_stays_bounded_whatever_the_client_sends() {
    let mut run = Run::greeted_with(settings(64 * 1024));
    // A line that never ends.
    for _ in 0..1000 {
        run.send(&[b'a'; 4096]);
        assert!(run.session.buffered() <= 8192, "{}", run.session.buffered());
    }
    run.send(b"\r\n");
    // A message that never ends is dropped once over the bound.
    transaction(&mut run);
    for _ in 0..1000 {
        run.send(&[b'b'; 4096]);
        assert_eq!(run.session.buffered(), 0);
    }
    let out = run.send(b"\r\n.\r\n");
    assert_eq!(codes(&out), ["552", "552"]);
}
