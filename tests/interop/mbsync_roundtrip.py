#!/usr/bin/env python3
"""mbsync (isync) against a running dormouse: the 1,000-message corpus of
make_corpus.py goes down to a local Maildir and changes go both ways.

1. APPENDs the corpus to a new mailbox (some messages \\Seen or \\Flagged)
   and runs mbsync: the Maildir must hold every message, byte for byte
   modulo line endings, with the flags in the file names.
2. Changes the Maildir (10 messages marked seen, 5 files deleted, 3 marked
   trashed, one new file in new/) and the server (4 messages flagged, 2
   expunged, one appended), runs mbsync again, and checks that both sides
   now hold exactly the expected messages and flags.
3. Runs mbsync a third time and checks that nothing moves: no message is
   uploaded twice and no flag changes.

Usage: mbsync_roundtrip.py HOST PORT USER PASSWORD
Exits 1 with `FAIL: ...` on the first mismatch; when mbsync itself fails,
the end of its protocol log (`mbsync -Dns`) is printed. With
INTEROP_LOG_DIR set, the logs of every mbsync run are copied there.
"""
import email.message
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The sibling modules below are imported from the source tree; keep it
# free of __pycache__.
sys.dont_write_bytecode = True
import make_corpus as mc  # noqa: E402
from imaptest import Failure, Phases, append_corpus, by_uid, check, connect, flags, ok, parse_fetch, run_main

MAILBOX = "Roundtrip"
# Sub-mailboxes created on one side during the test, which mbsync must
# create on the other (`Create Both`, `Patterns`).
NEAR_FOLDER = "Near"
FAR_FOLDER = "Far"
CHANNEL = "interop"
# Maildir info letters (https://cr.yp.to/proto/maildir.html) and the IMAP
# flags mbsync maps them to.
LETTER = {"\\Draft": "D", "\\Flagged": "F", "\\Answered": "R", "\\Seen": "S", "\\Deleted": "T"}


def initial_flags(s):
    out = set()
    if s.index % 20 == 1:
        out.add("\\Seen")
    if s.index % 33 == 2:
        out.add("\\Flagged")
    return out


def main():
    host, port, user, password = sys.argv[1:5]
    mbsync = shutil.which("mbsync")
    check(mbsync is not None, "mbsync not found: install isync (`apt-get install isync`); CI installs it in .ci/run")
    phases = Phases()
    corpus = mc.corpus()
    phases.done(f"generated {len(corpus)} messages")

    imap, caps = connect(host, port, user, password)
    ok(imap.create(MAILBOX), f"CREATE {MAILBOX}")
    append_corpus(imap, caps, MAILBOX, corpus, flags_of=lambda s: sorted(initial_flags(s)))
    phases.done(f"APPEND {len(corpus)}")

    with tempfile.TemporaryDirectory(prefix="dormouse-mbsync-") as tmp:
        sync = Mbsync(mbsync, tmp, host, port, user, password)
        maildir = os.path.join(tmp, "mail", MAILBOX)

        ok(imap.select(MAILBOX), f"SELECT {MAILBOX}")
        sync.run("first sync")
        expected = {s.message_id: (s.canonical, initial_flags(s)) for s in corpus}
        check_maildir(maildir, expected)
        phases.done("mbsync down: 1,000 messages, flags")

        # Local changes.
        local = maildir_files(maildir)
        plain = sorted(mid for mid, (_, f) in local.items() if not f)
        seen_locally, deleted_locally, trashed_locally = plain[:10], plain[10:15], plain[15:18]
        for mid in seen_locally:
            set_local_flags(maildir, local[mid], {"\\Seen"})
        for mid in deleted_locally:
            os.unlink(os.path.join(maildir, local[mid][0]))
        for mid in trashed_locally:
            set_local_flags(maildir, local[mid], {"\\Deleted"})
        new_local = new_message("near", "Written into the local Maildir")
        write_new(maildir, new_local)
        # A new local folder: mbsync must CREATE it on the server.
        near_sub = new_message("near-folder", "In a folder made on the local side")
        write_new(os.path.join(maildir, NEAR_FOLDER), near_sub)

        # Server changes.
        server_flagged, server_expunged = plain[20:24], plain[24:26]
        uids = uid_map(imap)
        ok(imap.uid("STORE", ",".join(str(uids[m]) for m in server_flagged), "+FLAGS.SILENT", "(\\Flagged)"), "STORE \\Flagged")
        ok(imap.uid("STORE", ",".join(str(uids[m]) for m in server_expunged), "+FLAGS.SILENT", "(\\Deleted)"), "STORE \\Deleted")
        ok(imap.expunge(), "EXPUNGE")
        new_far = new_message("far", "Appended to the server")
        ok(imap.append(MAILBOX, None, None, new_far), "APPEND")
        ok(imap.close(), "CLOSE")
        # A new server mailbox: mbsync must create it in the Maildir.
        far_sub = new_message("far-folder", "In a mailbox made on the server")
        ok(imap.create(f"{MAILBOX}.{FAR_FOLDER}"), "CREATE")
        ok(imap.append(f"{MAILBOX}.{FAR_FOLDER}", "(\\Flagged)", None, far_sub), "APPEND")

        for mid in seen_locally:
            expected[mid] = (expected[mid][0], {"\\Seen"})
        for mid in server_flagged:
            expected[mid] = (expected[mid][0], {"\\Flagged"})
        for mid in deleted_locally + trashed_locally + server_expunged:
            del expected[mid]
        expected[message_id(new_local)] = (new_local, set())
        expected[message_id(new_far)] = (new_far, set())
        folders = {
            NEAR_FOLDER: {message_id(near_sub): (near_sub, set())},
            FAR_FOLDER: {message_id(far_sub): (far_sub, {"\\Flagged"})},
        }
        phases.done("changes on both sides")

        sync.run("second sync")
        check_server(imap, MAILBOX, expected, "after the second sync")
        check_maildir(maildir, expected)
        for folder, want in folders.items():
            check_server(imap, f"{MAILBOX}.{folder}", want, "after the second sync")
            check_maildir(os.path.join(maildir, folder), want)
        phases.done("mbsync both ways: flags, deletions, new messages, new mailboxes")

        names = [MAILBOX] + [f"{MAILBOX}.{f}" for f in folders]
        before = [status(imap, name) for name in names]
        sync.run("third sync")
        after = [status(imap, name) for name in names]
        check(before == after, f"a sync with nothing to do changed the server: STATUS {before} -> {after}")
        check_server(imap, MAILBOX, expected, "after the third sync")
        check_maildir(maildir, expected)
        phases.done("mbsync again: nothing moves")

    imap.logout()
    print(f"mbsync round trip ok in {phases.total():.1f}s")


def write_new(maildir, data):
    """Drops a message into a Maildir's new/ as a mail client would,
    creating the Maildir if needed; Maildir files hold LF line endings."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    with open(os.path.join(maildir, "new", "1700000000.interop_1.localhost"), "wb") as f:
        f.write(data.replace(b"\r\n", b"\n"))


class Mbsync:
    def __init__(self, binary, tmp, host, port, user, password):
        self.binary = binary
        self.tmp = tmp
        self.runs = 0
        pass_file = os.path.join(tmp, "password")
        with open(pass_file, "w") as f:
            f.write(password)
        os.makedirs(os.path.join(tmp, "mail"))
        self.rc = os.path.join(tmp, "mbsyncrc")
        with open(self.rc, "w") as f:
            f.write(
                f"""IMAPAccount dormouse
Host {host}
Port {port}
User {user}
PassCmd "cat {pass_file}"
SSLType None
AuthMechs LOGIN
Timeout 120

IMAPStore far
Account dormouse

MaildirStore near
Path {tmp}/mail/
Inbox {tmp}/mail/INBOX
SubFolders Verbatim

Channel {CHANNEL}
Far :far:
Near :near:
Patterns {MAILBOX} {MAILBOX}/*
Create Both
Expunge Both
SyncState *
"""
            )

    def run(self, what):
        self.runs += 1
        log = os.path.join(self.tmp, f"mbsync-{self.runs}.log")
        with open(log, "wb") as out:
            # -Dns: the IMAP exchange (without message bodies) and the
            # sync decisions, for the report when something goes wrong.
            proc = subprocess.run(
                [self.binary, "-c", self.rc, "-Dns", "-a"], stdout=out, stderr=subprocess.STDOUT, timeout=300,
                env={**os.environ, "HOME": self.tmp},
            )
        with open(log, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        keep = os.environ.get("INTEROP_LOG_DIR")
        if keep:
            shutil.copy(log, keep)
        # Only protocol answers count as NO/BAD: mbsync's log also prints
        # random TUIDs such as "NO/E5v9UokmA", which a bare word match
        # would flag.
        problems = [
            line
            for line in text.splitlines()
            if (re.search(r"^(\d+|\*) (NO|BAD)\b", line) or re.search(r"\b(Error|error)\b", line))
            and "IMAP Warning" not in line
        ]
        if proc.returncode != 0 or problems:
            tail = "\n".join(text.splitlines()[-60:])
            raise Failure(
                f"{what}: mbsync exited {proc.returncode}; suspicious lines:\n"
                + "\n".join(problems[:20])
                + f"\n--- last lines of {log} ---\n{tail}"
            )


def new_message(side, text):
    msg = email.message.EmailMessage()
    msg["From"] = "Dormouse <dormouse@teaparty.example>"
    msg["To"] = "alice@wonderland.example"
    msg["Subject"] = f"Round trip from the {side} side"
    msg["Date"] = "Thu, 29 Feb 2024 12:00:00 +0000"
    msg["Message-ID"] = f"<roundtrip.{side}@interop.dormouse.test>"
    msg.set_content(f"{text}.\nTwinkle, twinkle, little bat.\n")
    return mc.crlf(msg.as_bytes())


def message_id(data: bytes) -> str:
    m = re.search(rb"^Message-ID: *(<[^>]+>)", data, re.M | re.I)
    check(m is not None, f"no Message-ID in {data[:300]!r}")
    return m.group(1).decode()


def without_tuid(data: bytes) -> bytes:
    """mbsync adds an X-TUID header to the messages it uploads, to find
    their UIDs; it is not part of the message."""
    return re.sub(rb"^X-TUID: [^\r\n]*\r\n", b"", data, flags=re.M)


def maildir_files(maildir):
    """Message-ID → (path relative to the Maildir, IMAP flags)."""
    out = {}
    for sub in ("cur", "new"):
        for name in os.listdir(os.path.join(maildir, sub)):
            with open(os.path.join(maildir, sub, name), "rb") as f:
                head = f.read()
            mid = message_id(mc.crlf(head))
            check(mid not in out, f"Maildir holds {mid} twice: {out.get(mid)} and {sub}/{name}")
            info = name.partition(":2,")[2]
            out[mid] = (f"{sub}/{name}", {flag for flag, letter in LETTER.items() if letter in info})
    return out


def set_local_flags(maildir, entry, add):
    rel, current = entry
    base = os.path.basename(rel).partition(":2,")[0]
    letters = "".join(sorted(LETTER[f] for f in current | add))
    os.rename(os.path.join(maildir, rel), os.path.join(maildir, "cur", f"{base}:2,{letters}"))


def check_maildir(maildir, expected):
    local = maildir_files(maildir)
    missing = sorted(set(expected) - set(local))
    extra = sorted(set(local) - set(expected))
    check(not missing and not extra, f"local Maildir: {len(local)} messages, expected {len(expected)}; missing {missing[:5]}, extra {extra[:5]}")
    for mid, (rel, got_flags) in local.items():
        data, want_flags = expected[mid]
        with open(os.path.join(maildir, rel), "rb") as f:
            got = without_tuid(mc.crlf(f.read()))
        check(got == data, f"local {rel} ({mid}) differs from the message on the server: {len(got)} vs {len(data)} bytes")
        check(got_flags == want_flags, f"local {rel} ({mid}): flags {sorted(got_flags)}, expected {sorted(want_flags)}")


def uid_map(imap):
    data = ok(imap.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"), "UID FETCH Message-IDs")
    out = {}
    for _, items in parse_fetch(data):
        out[message_id(items["BODY[HEADER.FIELDS (MESSAGE-ID)]"])] = int(items["UID"])
    return out


def check_server(imap, mailbox, expected, when):
    typ, data = imap.select(mailbox)
    check(typ == "OK", f"SELECT {mailbox} {when}: {typ} {data}")
    check(int(data[0]) == len(expected), f"{when}: {mailbox} holds {int(data[0])} messages, expected {len(expected)}")
    fetched = parse_fetch(ok(imap.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"), "UID FETCH"))
    seen_ids = {}
    for _, items in fetched:
        mid = message_id(items["BODY[HEADER.FIELDS (MESSAGE-ID)]"])
        check(mid not in seen_ids, f"{when}: the server holds {mid} twice (UIDs {seen_ids.get(mid)} and {items['UID']})")
        seen_ids[mid] = int(items["UID"])
        check(mid in expected, f"{when}: the server holds {mid}, which should be gone")
        check(flags(items) == expected[mid][1], f"{when}: {mid} has FLAGS {sorted(flags(items))}, expected {sorted(expected[mid][1])}")
    missing = set(expected) - set(seen_ids)
    check(not missing, f"{when}: missing on the server: {sorted(missing)[:5]}")
    # Uploaded messages arrive whole.
    for mid in set(expected) & {"<roundtrip.near@interop.dormouse.test>", "<roundtrip.near-folder@interop.dormouse.test>"}:
        items = by_uid(parse_fetch(ok(imap.uid("FETCH", str(seen_ids[mid]), "(UID BODY.PEEK[])"), "UID FETCH BODY[]")))
        body = without_tuid(items[seen_ids[mid]]["BODY[]"])
        check(body == expected[mid][0], f"{when}: the uploaded message differs: {body!r} vs {expected[mid][0]!r}")
    ok(imap.close(), "CLOSE")


def status(imap, mailbox):
    data = ok(imap.status(mailbox, "(MESSAGES UIDNEXT UNSEEN)"), f"STATUS {mailbox}")
    return data[0].decode()


if __name__ == "__main__":
    run_main(main)
