//! SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4): every key,
//! CHARSET, the ESEARCH forms of RFC 4731 and RFC 9051, SEARCHRES (RFC
//! 5182), MODSEQ (RFC 7162) and WITHIN (RFC 5032).

use dormouse_storage::SystemFlags;

use crate::fetch_support::{DAY, Msg, T0, eml, seed, text};
use crate::selected_fixture::{Client, Fixture, lines};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Six varied messages, INTERNALDATEs 14-Nov-2023 to 18-Nov-2023 (UTC) and
/// one from an hour ago:
/// 1 plain.eml        \Seen $Work          sent 7-Feb-1994
/// 2 encoded_words    \Answered \Flagged   sent 1-Jul-2003
/// 3 alternative      \Deleted             no Date:
/// 4 rfc3501.eml      \Draft               sent 17-Jul-1996, 6325 octets
/// 5 missing_date     (none)               no Date:, In-Reply-To
/// 6 hand-made        (none)               sent 1-Mar-2024, Bcc
fn fixture() -> Fixture {
    let fx = Fixture::new();
    let six = text(
        &[
            ("From", "Carol <carol@example.net>"),
            ("To", "Dave <dave@example.net>"),
            ("Bcc", "hidden@example.net"),
            ("Subject", "[list] Re: Quarterly numbers"),
            ("Date", "Fri, 1 Mar 2024 10:00:00 +0000"),
            ("Message-ID", "<six@example.net>"),
        ],
        "The numbers are attached.\r\nRegards, Carol\r\n",
    );
    seed(
        &fx,
        "INBOX",
        vec![
            Msg::new(eml("plain"), T0)
                .flags(SystemFlags::SEEN)
                .keyword("$Work"),
            Msg::new(eml("encoded_words"), T0 + DAY)
                .flags(SystemFlags::ANSWERED.union(SystemFlags::FLAGGED)),
            Msg::new(eml("alternative"), T0 + 2 * DAY).flags(SystemFlags::DELETED),
            Msg::new(eml("rfc3501"), T0 + 3 * DAY).flags(SystemFlags::DRAFT),
            Msg::new(eml("missing_date"), T0 + 4 * DAY),
            Msg::new(six, now() - 3600),
        ],
    );
    fx
}

fn selected(fx: &Fixture) -> Client {
    let mut c = fx.client();
    c.ok("s SELECT INBOX");
    c
}

/// The `* SEARCH` line for `keys`.
fn search(c: &mut Client, keys: &str) -> String {
    let got = c.ok(&format!("t SEARCH {keys}"));
    assert_eq!(got.len(), 1, "SEARCH {keys}: {got:?}");
    got.into_iter().next().unwrap_or_default()
}

#[test]
fn flag_and_keyword_keys() {
    let fx = fixture();
    let mut c = selected(&fx);
    for (keys, want) in [
        ("ALL", "* SEARCH 1 2 3 4 5 6"),
        ("SEEN", "* SEARCH 1"),
        ("UNSEEN", "* SEARCH 2 3 4 5 6"),
        ("ANSWERED", "* SEARCH 2"),
        ("UNANSWERED", "* SEARCH 1 3 4 5 6"),
        ("FLAGGED", "* SEARCH 2"),
        ("UNFLAGGED", "* SEARCH 1 3 4 5 6"),
        ("DELETED", "* SEARCH 3"),
        ("UNDELETED", "* SEARCH 1 2 4 5 6"),
        ("DRAFT", "* SEARCH 4"),
        ("UNDRAFT", "* SEARCH 1 2 3 5 6"),
        ("KEYWORD $Work", "* SEARCH 1"),
        ("KEYWORD $work", "* SEARCH 1"),
        ("UNKEYWORD $Work", "* SEARCH 2 3 4 5 6"),
        ("KEYWORD $Nothing", "* SEARCH"),
    ] {
        assert_eq!(search(&mut c, keys), want, "{keys}");
    }
}

#[test]
fn recent_new_and_old_depend_on_the_session() {
    let fx = fixture();
    let mut first = selected(&fx);
    let mut second = selected(&fx);
    assert_eq!(search(&mut first, "RECENT"), "* SEARCH 1 2 3 4 5 6");
    assert_eq!(search(&mut first, "NEW"), "* SEARCH 2 3 4 5 6");
    assert_eq!(search(&mut first, "OLD"), "* SEARCH");
    assert_eq!(search(&mut second, "RECENT"), "* SEARCH");
    assert_eq!(search(&mut second, "NEW"), "* SEARCH");
    assert_eq!(search(&mut second, "OLD"), "* SEARCH 1 2 3 4 5 6");
}

#[test]
fn size_and_date_keys() {
    let fx = fixture();
    let mut c = selected(&fx);
    for (keys, want) in [
        ("LARGER 6324", "* SEARCH 4"),
        ("LARGER 6325", "* SEARCH"),
        ("SMALLER 166", "* SEARCH 1 5"),
        ("SMALLER 165", "* SEARCH 5"),
        ("SMALLER 105", "* SEARCH"),
        // INTERNALDATE days are UTC days: 14-Nov-2023 22:13:20 +0000.
        ("BEFORE 15-Nov-2023", "* SEARCH 1"),
        ("BEFORE 14-Nov-2023", "* SEARCH"),
        ("ON 16-Nov-2023", "* SEARCH 3"),
        ("SINCE 17-Nov-2023", "* SEARCH 4 5 6"),
        ("SINCE 1-Jan-2100", "* SEARCH"),
        // SENT* use the Date: header's own day; no Date: matches nothing.
        ("SENTBEFORE 1-Jan-2000", "* SEARCH 1 4"),
        ("SENTON 7-Feb-1994", "* SEARCH 1"),
        ("SENTON 17-Jul-1996", "* SEARCH 4"),
        ("SENTSINCE 1-Jul-2003", "* SEARCH 2 6"),
        ("NOT SENTSINCE 1-Jan-1900", "* SEARCH 3 5"),
        // RFC 5032 WITHIN.
        ("YOUNGER 7200", "* SEARCH 6"),
        ("OLDER 7200", "* SEARCH 1 2 3 4 5"),
        ("OLDER 1", "* SEARCH 1 2 3 4 5 6"),
    ] {
        assert_eq!(search(&mut c, keys), want, "{keys}");
    }
}

#[test]
fn header_and_text_keys_match_decoded_text_case_insensitively() {
    let fx = fixture();
    let mut c = selected(&fx);
    for (keys, want) in [
        ("FROM alice", "* SEARCH 1 5"),
        ("FROM \"ANDRÉ pirard\"", "* SEARCH 2"),
        ("FROM example.com", "* SEARCH 1 3 5"),
        ("TO \"jörg\"", "* SEARCH 2"),
        ("TO bob", "* SEARCH 1"),
        ("CC klensin", "* SEARCH 4"),
        ("BCC hidden", "* SEARCH 6"),
        ("SUBJECT \"CAFÉ\"", "* SEARCH 2"),
        ("SUBJECT \"über plain\"", "* SEARCH 2"),
        ("SUBJECT quarterly", "* SEARCH 6"),
        ("HEADER Message-ID \"\"", "* SEARCH 1 4 6"),
        ("HEADER IN-REPLY-TO parent@", "* SEARCH 5"),
        ("HEADER X-Missing \"\"", "* SEARCH"),
        ("BODY \"how are\"", "* SEARCH 1"),
        // Quoted-printable ISO-8859-1, decoded.
        ("BODY \"crème\"", "* SEARCH 2"),
        // HTML reduced to its text: the markup is not searched.
        ("BODY \"version café\"", "* SEARCH 3"),
        ("BODY <b>", "* SEARCH"),
        ("BODY Hello", "* SEARCH 1"),
        ("TEXT Hello", "* SEARCH 1"),
        ("TEXT pirard", "* SEARCH 2"),
        ("TEXT \"regards, carol\"", "* SEARCH 6"),
        ("TEXT B27397-0100000", "* SEARCH 4"),
    ] {
        assert_eq!(search(&mut c, keys), want, "{keys}");
    }
}

#[test]
fn sets_and_boolean_structure() {
    let fx = fixture();
    let mut c = selected(&fx);
    for (keys, want) in [
        ("2:4", "* SEARCH 2 3 4"),
        ("4:2,6", "* SEARCH 2 3 4 6"),
        ("*", "* SEARCH 6"),
        ("5:*", "* SEARCH 5 6"),
        // Beyond the mailbox matches nothing rather than failing.
        ("7:9", "* SEARCH"),
        ("UID 3:*", "* SEARCH 3 4 5 6"),
        ("UID 1,6", "* SEARCH 1 6"),
        ("OR SEEN FLAGGED", "* SEARCH 1 2"),
        ("NOT SEEN", "* SEARCH 2 3 4 5 6"),
        ("(UNSEEN UNDELETED) NOT DRAFT", "* SEARCH 2 5 6"),
        (
            "OR (SEEN FROM alice) (BODY \"crème\" NOT SEEN)",
            "* SEARCH 1 2",
        ),
        ("NOT (OR DELETED DRAFT) 1:5", "* SEARCH 1 2 5"),
        ("OR FROM carol OR DRAFT BCC nobody", "* SEARCH 4 6"),
        ("1:3 SEEN", "* SEARCH 1"),
    ] {
        assert_eq!(search(&mut c, keys), want, "{keys}");
    }
}

#[test]
fn uid_search_answers_with_uids() {
    let fx = fixture();
    let mut c = selected(&fx);
    c.ok("a1 STORE 1 +FLAGS.SILENT (\\Deleted)");
    c.ok("a2 EXPUNGE");
    assert_eq!(
        c.run("a3 UID SEARCH UNSEEN UNDELETED"),
        lines(&["* SEARCH 2 4 5 6", "a3 OK UID SEARCH completed"])
    );
    assert_eq!(
        c.run("a4 SEARCH UNSEEN UNDELETED"),
        lines(&["* SEARCH 1 2 3 4", "a4 OK SEARCH completed"])
    );
}

#[test]
fn charsets() {
    let fx = fixture();
    let mut c = selected(&fx);
    assert_eq!(
        c.run("a1 SEARCH CHARSET UTF-8 FROM \"andré\""),
        lines(&["* SEARCH 2", "a1 OK SEARCH completed"])
    );
    assert_eq!(
        c.run("a2 SEARCH CHARSET us-ascii SUBJECT hello"),
        lines(&["* SEARCH 1", "a2 OK SEARCH completed"])
    );
    // RFC 9051 §6.4.4's example, with our list of charsets.
    assert_eq!(
        c.run("a3 SEARCH CHARSET WHATEVER TEXT \"string not in mailbox\""),
        lines(&["a3 NO [BADCHARSET (UTF-8 US-ASCII)] The specified charset is not supported"])
    );
}

#[test]
fn rfc_4731_esearch_examples() {
    let fx = fixture();
    let mut c = selected(&fx);
    assert_eq!(
        c.run("A282 SEARCH RETURN (MIN COUNT) UNSEEN UNDELETED"),
        lines(&[
            "* ESEARCH (TAG \"A282\") MIN 2 COUNT 4",
            "A282 OK SEARCH completed"
        ])
    );
    assert_eq!(
        c.run("A283 SEARCH RETURN () UNSEEN UNDELETED"),
        lines(&[
            "* ESEARCH (TAG \"A283\") ALL 2,4:6",
            "A283 OK SEARCH completed"
        ])
    );
    assert_eq!(
        c.run("A284 SEARCH RETURN (MIN MAX ALL) TEXT \"string not in mailbox\""),
        lines(&["* ESEARCH (TAG \"A284\")", "A284 OK SEARCH completed"])
    );
    assert_eq!(
        c.run("A285 SEARCH RETURN (COUNT) TEXT \"string not in mailbox\""),
        lines(&[
            "* ESEARCH (TAG \"A285\") COUNT 0",
            "A285 OK SEARCH completed"
        ])
    );
    assert_eq!(
        c.run("A286 UID SEARCH RETURN (MAX ALL COUNT MIN) 2:*"),
        lines(&[
            "* ESEARCH (TAG \"A286\") UID MIN 2 MAX 6 ALL 2:6 COUNT 5",
            "A286 OK UID SEARCH completed"
        ])
    );
}

#[test]
fn imap4rev2_search_without_return_answers_esearch_all() {
    let fx = fixture();
    let mut c = fx.client();
    c.ok("e ENABLE IMAP4rev2");
    c.ok("s SELECT INBOX");
    assert_eq!(
        c.run("A284 SEARCH TEXT \"string not in mailbox\""),
        lines(&["* ESEARCH (TAG \"A284\")", "A284 OK SEARCH completed"])
    );
    assert_eq!(
        c.run("A285 UID SEARCH FLAGGED"),
        lines(&[
            "* ESEARCH (TAG \"A285\") UID ALL 2",
            "A285 OK UID SEARCH completed"
        ])
    );
}

#[test]
fn rfc_5182_saved_results() {
    let fx = fixture();
    let mut c = selected(&fx);
    // RFC 5182 §2.1: SAVE alone answers with the tagged OK only.
    assert_eq!(
        c.run("A282 SEARCH RETURN (SAVE) UNSEEN UNDELETED NOT FROM \"Smith\""),
        lines(&["A282 OK SEARCH completed"])
    );
    assert_eq!(
        c.run("A283 FETCH $ (UID FLAGS)"),
        lines(&[
            "* 2 FETCH (UID 2 FLAGS (\\Answered \\Flagged \\Recent))",
            "* 4 FETCH (UID 4 FLAGS (\\Draft \\Recent))",
            "* 5 FETCH (UID 5 FLAGS (\\Recent))",
            "* 6 FETCH (UID 6 FLAGS (\\Recent))",
            "A283 OK FETCH completed",
        ])
    );
    // `$` as a search key, in seq and UID form.
    assert_eq!(search(&mut c, "$ NOT DRAFT"), "* SEARCH 2 5 6");
    assert_eq!(search(&mut c, "UID $ FLAGGED"), "* SEARCH 2");
    // With MIN/MAX and no ALL/COUNT, only those are saved.
    assert_eq!(
        c.run("A284 SEARCH RETURN (MIN MAX SAVE) UNSEEN"),
        lines(&[
            "* ESEARCH (TAG \"A284\") MIN 2 MAX 6",
            "A284 OK SEARCH completed"
        ])
    );
    assert_eq!(search(&mut c, "$"), "* SEARCH 2 6");
    // With COUNT, all of them.
    assert_eq!(
        c.run("A285 UID SEARCH RETURN (COUNT SAVE) OR SEEN DELETED"),
        lines(&[
            "* ESEARCH (TAG \"A285\") UID COUNT 2",
            "A285 OK UID SEARCH completed"
        ])
    );
    assert_eq!(search(&mut c, "$"), "* SEARCH 1 3");
    // `$` in the SEARCH that saves means the previous result.
    c.ok("A286 SEARCH RETURN (SAVE) $ SEEN");
    assert_eq!(search(&mut c, "ALL $"), "* SEARCH 1");
    // A failed SEARCH ... SAVE leaves `$` empty.
    assert_eq!(
        c.run("A287 SEARCH RETURN (SAVE) CHARSET KOI8-R FROM x"),
        lines(&["A287 NO [BADCHARSET (UTF-8 US-ASCII)] The specified charset is not supported"])
    );
    assert_eq!(
        c.run("A288 FETCH $ UID"),
        lines(&["A288 OK FETCH completed"])
    );
}

#[test]
fn modseq_key_reports_the_highest_modseq_of_the_result() {
    let fx = fixture();
    let mut c = selected(&fx);
    let before = fx.highest_modseq("INBOX");
    c.ok("a1 STORE 2,5 +FLAGS.SILENT ($Checked)");
    let after = fx.highest_modseq("INBOX");
    assert_eq!(
        c.run(&format!("a2 SEARCH MODSEQ {}", before + 1)),
        lines(&[
            &format!("* OK [HIGHESTMODSEQ {after}] Highest"),
            &format!("* SEARCH 2 5 (MODSEQ {after})"),
            "a2 OK SEARCH completed",
        ])
    );
    assert_eq!(
        c.run(&format!(
            "a3 SEARCH MODSEQ \"/flags/\\\\Seen\" all {}",
            after + 1
        )),
        lines(&["* SEARCH", "a3 OK SEARCH completed"])
    );
    assert_eq!(
        c.run(&format!(
            "a4 UID SEARCH RETURN (MIN COUNT) MODSEQ {}",
            before + 1
        )),
        lines(&[
            &format!("* ESEARCH (TAG \"a4\") UID MIN 2 COUNT 2 MODSEQ {after}"),
            "a4 OK UID SEARCH completed",
        ])
    );
}

#[test]
fn messages_expunged_by_another_session_are_reported_as_such() {
    let fx = fixture();
    let mut c = selected(&fx);
    let mut other = selected(&fx);
    other.ok("o1 STORE 1 +FLAGS.SILENT (\\Deleted)");
    other.ok("o2 UID EXPUNGE 1");
    assert_eq!(
        c.run("a1 SEARCH DELETED"),
        lines(&[
            "* SEARCH 3",
            "a1 OK [EXPUNGEISSUED] SEARCH completed, some messages were already expunged",
        ])
    );
}

/// The fixture, selected, with every message file then removed behind the
/// store's back: the first command sees the index as it was; the next sync
/// finds the files gone and expunges them.
fn without_files() -> Client {
    let fx = fixture();
    let c = selected(&fx);
    for dir in ["cur", "new"] {
        for entry in std::fs::read_dir(fx.store.root().join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    c
}

#[test]
fn keys_the_index_answers_do_not_read_message_files() {
    for (command, want) in [
        (
            "a SEARCH OR SEEN (LARGER 1000 UID 4:*) SINCE 1-Jan-2000",
            "* SEARCH 1 4",
        ),
        // An OR that the flags decide needs no file for its other half.
        ("a SEARCH OR SEEN BODY anything 1", "* SEARCH 1"),
        (
            "a SORT (ARRIVAL REVERSE SIZE) UTF-8 UNSEEN",
            "* SORT 2 3 4 5 6",
        ),
    ] {
        let mut c = without_files();
        let got = c.run(command);
        assert_eq!(got.first().map(String::as_str), Some(want), "{command}");
        assert!(
            got.last().is_some_and(|l| !l.contains("EXPUNGEISSUED")),
            "{command}: {got:?}"
        );
    }
    // Text keys do need the files, which are gone.
    let mut c = without_files();
    assert_eq!(
        c.run("a SEARCH BODY anything"),
        lines(&[
            "* SEARCH",
            "a OK [EXPUNGEISSUED] SEARCH completed, some messages were already expunged",
        ])
    );
}
