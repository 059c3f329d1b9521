//! Issue #3: a Maildir in Dovecot's on-disk format (built here from the
//! documented format: `dovecot-uidlist` v3, `dovecot-keywords`, flags and
//! keyword letters in file names, a `.Folder` with `maildirfolder`) is
//! served as it is: the same UIDVALIDITY, UIDs, flags and keywords, with no
//! migration step.

use std::fs;
use std::path::Path;

use crate::server::Server;

fn message(subject: &str) -> String {
    format!("From: a@example.org\nSubject: {subject}\n\nbody of {subject}\n")
}

fn write_maildir(root: &Path) {
    for sub in ["cur", "new", "tmp", ".Work/cur", ".Work/new", ".Work/tmp"] {
        fs::create_dir_all(root.join(sub)).expect("maildir dirs");
    }
    fs::write(root.join(".Work/maildirfolder"), "").expect("maildirfolder");
    // Keyword letters: a = $Forwarded, b = Project-X. In the uidlist the
    // name is the file's base (`,S=` included; Dovecot's wiki also shows
    // lines that still carry a `:2,` suffix).
    fs::write(root.join("dovecot-keywords"), "0 $Forwarded\n1 Project-X\n").expect("keywords");
    fs::write(
        root.join("dovecot-uidlist"),
        "3 V1234567 N400 G0123456789abcdef0123456789abcdef\n\
         100 :1700000000.M1P1.host\n\
         205 S46 W50 :1700000001.M2P1.host,S=46\n\
         310 :1700000002.M3P1.host:2,\n",
    )
    .expect("uidlist");
    let files = [
        ("1700000000.M1P1.host:2,S", "one"),
        ("1700000001.M2P1.host,S=46:2,FSa", "two"),
        ("1700000002.M3P1.host:2,RTb", "three"),
    ];
    for (name, subject) in files {
        fs::write(root.join("cur").join(name), message(subject)).expect("message");
    }
    // Delivered by an MTA after Dovecot last ran: no UID yet.
    fs::write(root.join("new/1700000100.M9P9.host"), message("four")).expect("new");
    fs::write(
        root.join(".Work/cur/1700000003.M4P1.host:2,"),
        message("work"),
    )
    .expect("work");
}

#[test]
fn a_dovecot_maildir_is_served_with_its_uids_and_keywords() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    fs::create_dir_all(&data).expect("data");
    fs::write(data.join("users"), "alice:{PLAIN}wonderland::::::\n").expect("users");
    write_maildir(&data.join("mail/alice"));

    let server = Server::start(&data);
    let mut c = server.connect();
    c.command("l", "LOGIN alice wonderland").expect("login");
    let select = c.command("s", "SELECT INBOX").expect("select");
    assert!(
        select.iter().any(|l| l.contains("[UIDVALIDITY 1234567]")),
        "{select:?}"
    );
    assert!(select.iter().any(|l| l == "* 4 EXISTS\r\n"), "{select:?}");
    let fetch = c.command("f", "UID FETCH 1:* (UID FLAGS)").expect("fetch");
    let flags_of = |uid: u32| -> String {
        fetch
            .iter()
            .find(|l| l.contains(&format!("UID {uid} ")) || l.contains(&format!("UID {uid})")))
            .cloned()
            .unwrap_or_else(|| panic!("UID {uid} missing: {fetch:?}"))
    };
    assert!(flags_of(100).contains("\\Seen"));
    let two = flags_of(205);
    assert!(
        two.contains("\\Seen") && two.contains("\\Flagged") && two.contains("$Forwarded"),
        "{two}"
    );
    let three = flags_of(310);
    assert!(
        three.contains("\\Answered") && three.contains("\\Deleted") && three.contains("Project-X"),
        "{three}"
    );
    // The newcomer gets the next free UID, not one below Dovecot's N400.
    let newest = fetch
        .iter()
        .filter_map(|l| {
            l.split("UID ")
                .nth(1)?
                .split([' ', ')'])
                .next()?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    assert!(
        newest >= 400,
        "new file got UID {newest}, below Dovecot's next UID 400"
    );
    // The body is served with CRLF line ends though the file has LF.
    let body = c
        .command("b", "UID FETCH 205 BODY.PEEK[TEXT]")
        .expect("body");
    assert!(body.iter().any(|l| l == "body of two\r\n"), "{body:?}");
    let list = c.command("li", "LIST \"\" \"*\"").expect("list");
    assert!(list.iter().any(|l| l.ends_with(" Work\r\n")), "{list:?}");
}
