//! PIPELINING (RFC 2920) and RFC 2033's per-recipient DATA replies: any
//! number of commands in one packet, or one command over many packets,
//! get the same replies in the same order.

use crate::harness::{Run, codes, lines, settings};

const ENVELOPE: &[u8] = b"LHLO mta.test\r\nMAIL FROM:<sender@example.net>\r\n\
RCPT TO:<alice@example.org>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n";

const BODY: &[u8] = b"Subject: hi\r\n\r\nhello\r\n.\r\n";

#[test]
fn a_pipelined_envelope_is_answered_in_order_with_one_reply_per_recipient() {
    let mut run = Run::greeted();
    let out = run.send(ENVELOPE);
    assert_eq!(codes(&out), ["250", "250", "250", "550", "250", "354"]);
    assert!(
        out.contains("550 5.1.1 <nobody@example.org> User unknown\r\n"),
        "{out}"
    );
    let out = run.send(BODY);
    // Two accepted recipients, two replies, in RCPT order.
    assert_eq!(
        lines(&out),
        [
            "250 2.0.0 <alice@example.org> Saved",
            "250 2.0.0 <bob@example.org> Saved"
        ]
    );
    assert_eq!(run.stored.len(), 2);
}

#[test]
fn byte_at_a_time_gives_the_same_replies_as_one_packet() {
    let mut whole = Vec::new();
    whole.extend_from_slice(ENVELOPE);
    whole.extend_from_slice(BODY);
    whole.extend_from_slice(b"QUIT\r\n");
    let mut one = Run::new(settings(1000));
    let mut bytes = Run::new(settings(1000));
    let a = one.send(&whole);
    let b = bytes.send_in_chunks(&whole, 1);
    assert_eq!(a, b);
    assert_eq!(one.stored, bytes.stored);
    assert!(one.closed && bytes.closed);
}

#[test]
fn commands_after_the_final_dot_wait_for_the_delivery_replies() {
    let mut run = Run::greeted();
    run.send(ENVELOPE);
    let out = run.send(b"Subject: x\r\n\r\n.\r\nNOOP\r\nQUIT\r\n");
    assert_eq!(codes(&out), ["250", "250", "250", "221"]);
    assert!(lines(&out)[2].starts_with("250 2.0.0 OK"), "{out}");
    assert!(run.closed);
}

#[test]
fn fifty_recipients_get_fifty_replies_in_rcpt_order() {
    let mut run = Run::greeted();
    let mut input = b"LHLO mta\r\nMAIL FROM:<>\r\n".to_vec();
    for i in 1..=50 {
        input.extend_from_slice(format!("RCPT TO:<user{i}@example.org>\r\n").as_bytes());
    }
    input.extend_from_slice(b"DATA\r\n");
    let out = run.send(&input);
    assert_eq!(codes(&out).len(), 53);
    let out = run.send(b"Subject: many\r\n\r\nbody\r\n.\r\n");
    let expected: Vec<String> = (1..=50)
        .map(|i| format!("250 2.0.0 <user{i}@example.org> Saved"))
        .collect();
    assert_eq!(lines(&out), expected);
    let names: Vec<&str> = run.stored.iter().map(|s| s.account.name.as_str()).collect();
    let expected: Vec<String> = (1..=50).map(|i| format!("user{i}")).collect();
    assert_eq!(names, expected);
}
