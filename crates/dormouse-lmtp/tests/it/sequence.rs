//! Command order and the commands around a transaction: LHLO's reply,
//! HELO/EHLO refused (RFC 2033 §4.1), 503 for commands out of order, 500
//! for unknown ones, RSET, NOOP, VRFY, QUIT.

use crate::harness::{Run, codes, lines, settings};

#[test]
fn greeting_and_lhlo_advertise_the_extensions() {
    let mut run = Run::new(settings(12345));
    let out = run.send(b"LHLO mta.example\r\n");
    assert_eq!(
        lines(&out),
        [
            "220 lmtp.test dormouse LMTP ready",
            "250-lmtp.test",
            "250-PIPELINING",
            "250-ENHANCEDSTATUSCODES",
            "250-8BITMIME",
            "250 SIZE 12345",
        ]
    );
}

#[test]
fn helo_and_ehlo_are_refused_with_500() {
    let mut run = Run::greeted();
    let out = run.send(b"HELO mta\r\nEHLO mta\r\nMAIL FROM:<a@b>\r\n");
    assert_eq!(codes(&out), ["500", "500", "503"]);
    assert!(lines(&out)[0].starts_with("500 5.5.1 "), "{out}");
}

#[test]
fn commands_out_of_order_get_503() {
    let mut run = Run::greeted();
    let out = run.send(b"MAIL FROM:<a@b>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
    assert_eq!(codes(&out), ["503", "503", "503"]);
    assert!(
        lines(&out).iter().all(|l| l.starts_with("503 5.5.1 ")),
        "{out}"
    );
    let out = run
        .send(b"LHLO x\r\nRCPT TO:<alice@example.org>\r\nMAIL FROM:<a@b>\r\nMAIL FROM:<a@b>\r\n");
    assert_eq!(codes(&out), ["250", "503", "250", "503"]);
}

#[test]
fn data_without_an_accepted_recipient_is_refused() {
    let mut run = Run::greeted();
    let out = run.send(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\n");
    assert_eq!(codes(&out), ["250", "250", "550", "503"]);
    assert!(!run.session.in_data());
}

#[test]
fn rset_ends_the_transaction_and_lhlo_does_too() {
    let mut run = Run::greeted();
    let out =
        run.send(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@example.org>\r\nRSET\r\nDATA\r\n");
    assert_eq!(codes(&out), ["250", "250", "250", "250", "503"]);
    let out = run.send(b"MAIL FROM:<a@b>\r\nLHLO x\r\nRCPT TO:<alice@example.org>\r\n");
    assert_eq!(codes(&out), ["250", "250", "503"]);
}

#[test]
fn noop_vrfy_unknown_and_unimplemented_commands() {
    let mut run = Run::greeted();
    let out = run.send(b"NOOP\r\nVRFY alice\r\nFROB\r\nSTARTTLS\r\nAUTH PLAIN\r\n\r\n");
    assert_eq!(
        lines(&out),
        [
            "250 2.0.0 OK",
            "252 2.3.3 Try RCPT instead",
            "500 5.5.1 Unknown command",
            "502 5.5.1 STARTTLS is not implemented",
            "502 5.5.1 AUTH is not implemented",
            "500 5.5.1 Unknown command",
        ]
    );
    assert!(!run.closed);
}

#[test]
fn quit_says_goodbye_and_closes_without_reading_further() {
    let mut run = Run::greeted();
    let out = run.send(b"QUIT\r\nNOOP\r\n");
    assert_eq!(lines(&out), ["221 2.0.0 lmtp.test Closing connection"]);
    assert!(run.closed);
}

#[test]
fn too_many_protocol_errors_close_the_connection() {
    let mut run = Run::greeted();
    let out = run.send(&b"BOGUS\r\n".repeat(25));
    assert_eq!(codes(&out).len(), 21, "{out}");
    assert!(out.ends_with("421 4.7.0 Too many errors\r\n"), "{out}");
    assert!(run.closed);
}

#[test]
fn unknown_users_do_not_count_as_errors() {
    let mut run = Run::greeted();
    let mut input = b"LHLO x\r\nMAIL FROM:<a@b>\r\n".to_vec();
    for i in 0..40 {
        input.extend_from_slice(format!("RCPT TO:<ghost{i}@x>\r\n").as_bytes());
    }
    let out = run.send(&input);
    assert_eq!(codes(&out).iter().filter(|c| **c == "550").count(), 40);
    assert!(!run.closed);
}
