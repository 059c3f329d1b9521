//! What gets stored: dot-unstuffed bodies behind Return-Path and
//! Delivered-To, for the account the directory found (detail included),
//! and the replies for recipients that cannot be served.

use dormouse_lmtp::RecipientResult;

use crate::harness::{Account, Run, codes, lines};

#[test]
fn the_stored_copy_is_unstuffed_with_trace_headers_per_recipient() {
    let mut run = Run::greeted();
    run.send(
        b"LHLO x\r\nMAIL FROM:<sender@example.net> BODY=8BITMIME\r\n\
          RCPT TO:<alice+work@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n",
    );
    let out = run.send(b"Subject: dots\r\n\r\n..leading\r\n...\r\n.\r\n");
    assert_eq!(codes(&out), ["250", "250"]);
    let body = "Subject: dots\r\n\r\n.leading\r\n..\r\n";
    assert_eq!(
        String::from_utf8_lossy(&run.stored[0].message),
        format!(
            "Return-Path: <sender@example.net>\r\nDelivered-To: alice+work@example.org\r\n{body}"
        )
    );
    assert_eq!(
        String::from_utf8_lossy(&run.stored[1].message),
        format!("Return-Path: <sender@example.net>\r\nDelivered-To: bob@example.org\r\n{body}")
    );
    assert_eq!(
        run.stored[0].account,
        Account {
            name: "alice".into(),
            detail: Some("work".into())
        }
    );
}

#[test]
fn a_bounce_has_an_empty_return_path() {
    let mut run = Run::greeted();
    run.send(b"LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nx\r\n.\r\n");
    assert!(run.stored[0].message.starts_with(b"Return-Path: <>\r\n"));
}

#[test]
fn full_addresses_match_before_local_parts_and_only_the_domain_is_case_folded() {
    let mut run = Run::greeted();
    let out = run.send(
        b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<carol@EXAMPLE.org>\r\n\
          RCPT TO:<Carol@example.org>\r\nRCPT TO:<carol@other.org>\r\n",
    );
    assert_eq!(codes(&out), ["250", "250", "250", "550", "550"]);
    assert!(
        out.contains("550 5.1.1 <Carol@example.org> User unknown"),
        "{out}"
    );
}

#[test]
fn a_failed_lookup_is_a_temporary_error() {
    let mut run = Run::greeted();
    let out = run.send(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<down@x>\r\n");
    assert_eq!(
        lines(&out).last(),
        Some(&"451 4.3.0 <down@x> Temporary internal error")
    );
}

#[test]
fn storage_failures_defer_each_recipient() {
    let mut run = Run::greeted();
    run.result = RecipientResult::Deferred;
    run.send(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
    let out = run.send(b"x\r\n.\r\n");
    assert_eq!(
        lines(&out),
        [
            "451 4.3.0 <alice@example.org> Temporary internal error",
            "451 4.3.0 <bob@example.org> Temporary internal error"
        ]
    );
}

#[test]
fn many_transactions_on_one_connection_leave_nothing_behind() {
    let mut run = Run::greeted();
    run.send(b"LHLO x\r\n");
    for i in 0..200 {
        let out = run.send(
            format!(
                "MAIL FROM:<a@b>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nmessage {i}\r\n.\r\n"
            )
            .as_bytes(),
        );
        assert_eq!(codes(&out), ["250", "250", "354", "250"]);
        assert_eq!(run.session.buffered(), 0);
    }
    assert_eq!(run.stored.len(), 200);
    assert!(run.stored[199].message.ends_with(b"message 199\r\n"));
}

#[test]
fn a_message_cut_off_before_its_final_dot_is_never_delivered() {
    let mut run = Run::greeted();
    run.send(b"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
    let out = run.send(b"Subject: half\r\n\r\nfirst half\r\n.");
    assert_eq!(out, "");
    assert!(run.session.in_data());
    assert!(run.stored.is_empty());
}
