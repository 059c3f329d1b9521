#!/usr/bin/env python3
"""Mailbox and message commands against a running dormouse, driven by
Python's imaplib over the 1,000-message corpus of make_corpus.py.

APPENDs the corpus (a few with flags and INTERNALDATE through imaplib's own
append, the rest with LITERAL+ or MULTIAPPEND), then checks: SELECT counts,
UID FETCH of UID/FLAGS/RFC822.SIZE/INTERNALDATE against the CRLF-normalised
corpus, BODY.PEEK[] and section bytes exactly, \\Seen after BODY[],
ENVELOPE and BODYSTRUCTURE against what each message holds, SEARCH with
exact UID sets, STORE, COPY (COPYUID), MOVE, EXPUNGE and UID EXPUNGE with
the right sequence renumbering, LIST and STATUS.

Usage: imaplib_mailbox.py HOST PORT USER PASSWORD
Exits 1 with `FAIL: ...` on the first mismatch.
"""
import imaplib
import re
import sys
import time

# The sibling modules below are imported from the source tree; keep it
# free of __pycache__.
sys.dont_write_bytecode = True
import make_corpus as mc  # noqa: E402
from imaptest import (
    Phases,
    append_corpus,
    append_one,
    by_uid,
    check,
    code,
    connect,
    flags,
    ok,
    parse_fetch,
    parse_uid_set,
    quote,
    run_main,
    send_raw,
)

SEP = "."
ROOT = "Interop"
CORPUS = f"{ROOT}{SEP}Corpus"
COPIES = f"{ROOT}{SEP}Copies"
MOVED = f"{ROOT}{SEP}Moved"
# "Interop.Café" in modified UTF-7 (RFC 3501 §5.1.3).
CAFE = f"{ROOT}{SEP}Caf&AOk-"

# The first few messages go through imaplib.append with flags and a date.
WITH_FLAGS = 12


def initial_flags(s):
    if s.index >= WITH_FLAGS:
        return set()
    return [{"\\Seen"}, {"\\Flagged", "$Interop"}, set(), {"\\Seen", "\\Answered"}][s.index % 4]


def internal_date(s):
    return mc.BASE_TIME + s.index * 3600 + 17


def main():
    host, port, user, password = sys.argv[1:5]
    phases = Phases()
    corpus = mc.corpus()
    phases.done(f"generated {len(corpus)} messages, {sum(len(s.canonical) for s in corpus)} bytes")
    imap, caps = connect(host, port, user, password)

    typ, data = imap.list('""', '""')
    check(typ == "OK" and data and data[0], f'LIST "" "": {typ} {data}')
    m = re.match(rb'\(.*?\) "(.)"', data[0])
    check(m is not None and m.group(1).decode() == SEP, f"hierarchy separator {SEP!r}: {data}")
    for name in (ROOT, CORPUS, COPIES, MOVED, CAFE):
        ok(imap.create(quote(name).decode()), f"CREATE {name}")
    phases.done("LIST, CREATE")

    uids = append_all(imap, caps, corpus)
    sample_of = {u: s for u, s in zip(uids, corpus)}
    uid_of = {s.index: u for u, s in zip(uids, corpus)}
    phases.done(f"APPEND {len(corpus)} ({'MULTIAPPEND' if 'MULTIAPPEND' in caps else 'one per command'})")

    uidvalidity = select(imap, CORPUS, len(corpus), max(uids) + 1)
    check_listing(imap, corpus, uid_of)
    phases.done("SELECT, UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE Message-ID)")

    check_bodies(imap, corpus, uid_of)
    phases.done("BODY.PEEK[] / sections / \\Seen")

    check_structure(imap, corpus, uid_of)
    phases.done("ENVELOPE, BODYSTRUCTURE")

    check_search(imap, corpus, uid_of, sample_of)
    phases.done("SEARCH")

    live = list(uids)  # UIDs in sequence order
    check_store(imap, corpus, uid_of)
    phases.done("STORE")

    check_copy(imap, caps, corpus, uid_of, uidvalidity)
    live = check_move(imap, caps, corpus, uid_of, live)
    phases.done("COPY, MOVE")

    live = check_expunge(imap, caps, live)
    phases.done("EXPUNGE, UID EXPUNGE")

    check_list_status(imap, live, uidvalidity)
    phases.done("LIST, STATUS")

    ok(imap.close(), "CLOSE")
    typ, data = imap.logout()
    check(typ == "BYE", f"LOGOUT: {typ} {data}")
    print(f"imaplib mailbox test ok in {phases.total():.1f}s")


def append_all(imap, caps, corpus):
    uids = []
    for s in corpus[:WITH_FLAGS]:
        date = imaplib.Time2Internaldate(internal_date(s))
        uids.append(append_one(imap, caps, CORPUS, s.data, sorted(initial_flags(s)), date))
    uids += append_corpus(imap, caps, CORPUS, corpus[WITH_FLAGS:])
    check(len(set(uids)) == len(uids), "APPENDUIDs are distinct")
    check(uids == sorted(uids), "APPENDUIDs ascend in the order of the APPENDs")
    return uids


def select(imap, mailbox, exists, uidnext):
    typ, data = imap.select(quote(mailbox).decode())
    check(typ == "OK", f"SELECT {mailbox}: {typ} {data}")
    check(int(data[0]) == exists, f"SELECT {mailbox}: EXISTS {data[0]!r}, expected {exists}")
    validity = imap.untagged_responses.get("UIDVALIDITY", [None])[-1]
    check(validity is not None, "SELECT sends UIDVALIDITY")
    got_next = imap.untagged_responses.get("UIDNEXT", [None])[-1]
    check(got_next is not None and int(got_next) == uidnext, f"SELECT UIDNEXT {got_next}, expected {uidnext}")
    return int(validity)


def check_listing(imap, corpus, uid_of):
    data = ok(
        imap.uid("FETCH", "1:*", "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"),
        "UID FETCH 1:*",
    )
    fetched = parse_fetch(data)
    check(len(fetched) == len(corpus), f"UID FETCH 1:* returned {len(fetched)} messages, expected {len(corpus)}")
    seqs = [seq for seq, _ in fetched]
    check(seqs == list(range(1, len(corpus) + 1)), "UID FETCH 1:* answers sequence numbers 1..N in order")
    items = by_uid(fetched)
    for s in corpus:
        got = items.get(uid_of[s.index])
        check(got is not None, f"message {s.index}: UID {uid_of[s.index]} missing from UID FETCH 1:*")
        size = int(got["RFC822.SIZE"])
        check(size == len(s.canonical), f"message {s.index}: RFC822.SIZE {size}, expected {len(s.canonical)}")
        header = got.get("BODY[HEADER.FIELDS (MESSAGE-ID)]") or b""
        check(
            header.strip() == f"Message-ID: {s.message_id}".encode(),
            f"message {s.index}: BODY[HEADER.FIELDS (MESSAGE-ID)] {header!r}",
        )
        check(flags(got) == initial_flags(s), f"message {s.index}: FLAGS {flags(got)}, expected {initial_flags(s)}")
        if s.index < WITH_FLAGS:
            when = imaplib.Internaldate2tuple(b'INTERNALDATE "' + got["INTERNALDATE"] + b'"')
            check(
                when is not None and int(time.mktime(when)) == internal_date(s),
                f"message {s.index}: INTERNALDATE {got['INTERNALDATE']!r}, expected {imaplib.Time2Internaldate(internal_date(s))}",
            )


def fetch_one(imap, uid, items):
    fetched = parse_fetch(ok(imap.uid("FETCH", str(uid), items), f"UID FETCH {uid} {items}"))
    mine = [i for _, i in fetched if int(i.get("UID", 0)) == uid]
    check(len(mine) >= 1, f"UID FETCH {uid} {items}: no FETCH for that UID in {fetched!r}"[:500])
    merged = {}
    for i in mine:
        merged.update(i)
    return merged


def mime_part(canonical: bytes, n: int, mime=False):
    """Bytes of top-level part n (1-based) of a multipart message, as
    BODY[n] (body only) or BODY[n.MIME] (its header) should return them."""
    header, _, body = canonical.partition(b"\r\n\r\n")
    boundary = re.search(rb'boundary="([^"]+)"', header).group(1)
    delim = b"\r\n--" + boundary
    pieces = (b"\r\n" + body).split(delim)
    # pieces[0] is the preamble, then each part starts with CRLF.
    part = pieces[n][2:]
    part_header, sep, part_body = part.partition(b"\r\n\r\n")
    return part_header + sep if mime else part_body


def check_bodies(imap, corpus, uid_of):
    sample = [s for s in corpus if s.index % 37 == 0 or s.index % 10 == 3 and s.index < 100 or len(s.canonical) > 60_000]
    uid_list = ",".join(str(uid_of[s.index]) for s in sample)
    fetched = by_uid(parse_fetch(ok(imap.uid("FETCH", uid_list, "(UID BODY.PEEK[] FLAGS)"), "UID FETCH BODY.PEEK[]")))
    for s in sample:
        got = fetched.get(uid_of[s.index])
        check(got is not None, f"message {s.index}: no BODY.PEEK[] answer")
        body = got.get("BODY[]")
        if body != s.canonical:
            at = next((i for i, (a, b) in enumerate(zip(body or b"", s.canonical)) if a != b), min(len(body or b""), len(s.canonical)))
            check(
                False,
                f"message {s.index} ({s.kind}): BODY[] differs at byte {at}: got {(body or b'')[max(0, at - 40):at + 40]!r}, "
                f"expected {s.canonical[max(0, at - 40):at + 40]!r} (got {len(body or b'')} bytes, expected {len(s.canonical)})",
            )
        check("\\Seen" not in flags(got) or "\\Seen" in initial_flags(s), f"message {s.index}: BODY.PEEK[] set \\Seen")

    # Partial fetch, header, text.
    s = corpus[100]
    got = fetch_one(imap, uid_of[s.index], "(UID BODY.PEEK[]<100.50> BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
    check(got.get("BODY[]<100>") == s.canonical[100:150], f"BODY.PEEK[]<100.50>: {got.get('BODY[]<100>')!r}")
    header, sep, text = s.canonical.partition(b"\r\n\r\n")
    check(got.get("BODY[HEADER]") == header + sep, f"BODY.PEEK[HEADER] of message {s.index}")
    check(got.get("BODY[TEXT]") == text, f"BODY.PEEK[TEXT] of message {s.index}")

    # Sections of multipart messages.
    for s in corpus[:60]:
        if s.kind not in ("alternative", "attachment", "nested"):
            continue
        for n in (1, 2):
            got = fetch_one(imap, uid_of[s.index], f"(UID BODY.PEEK[{n}] BODY.PEEK[{n}.MIME])")
            check(got.get(f"BODY[{n}]") == mime_part(s.canonical, n), f"message {s.index} ({s.kind}): BODY[{n}] differs")
            check(
                got.get(f"BODY[{n}.MIME]") == mime_part(s.canonical, n, mime=True),
                f"message {s.index} ({s.kind}): BODY[{n}.MIME] {got.get(f'BODY[{n}.MIME]')!r}",
            )

    # A non-PEEK BODY[] sets \Seen and says so in the same response.
    s = next(s for s in corpus if not initial_flags(s) and s.index > 500)
    got = fetch_one(imap, uid_of[s.index], "(UID BODY[] FLAGS)")
    check(got.get("BODY[]") == s.canonical, f"message {s.index}: BODY[] differs")
    again = fetch_one(imap, uid_of[s.index], "(UID FLAGS)")
    check("\\Seen" in flags(again), f"message {s.index}: \\Seen after BODY[]: {flags(again)}")
    ok(imap.uid("STORE", str(uid_of[s.index]), "-FLAGS.SILENT", "(\\Seen)"), "STORE -FLAGS.SILENT \\Seen")


def addr(a):
    """An ENVELOPE address → 'mailbox@host' (or the group marker)."""
    name, _, mailbox, host = a
    if host is None:
        return f"group:{mailbox.decode() if mailbox else ''}"
    return f"{mailbox.decode()}@{host.decode()}"


def check_structure(imap, corpus, uid_of):
    sample = [s for s in corpus if s.index % 25 < 9 or s.kind == "recipients"][:300]
    uid_list = ",".join(str(uid_of[s.index]) for s in sample)
    fetched = by_uid(parse_fetch(ok(imap.uid("FETCH", uid_list, "(UID ENVELOPE BODYSTRUCTURE)"), "UID FETCH ENVELOPE BODYSTRUCTURE")))
    for s in sample:
        got = fetched.get(uid_of[s.index])
        check(got is not None, f"message {s.index}: no ENVELOPE/BODYSTRUCTURE answer")
        env, bs = got.get("ENVELOPE"), got.get("BODYSTRUCTURE")
        check(isinstance(env, list) and len(env) == 10, f"message {s.index}: ENVELOPE has 10 fields: {env!r}")
        date, subject, from_, sender, reply_to, to, cc, bcc, in_reply_to, message_id = env
        check((date is not None) == s.has_date, f"message {s.index}: ENVELOPE date {date!r}, has Date: {s.has_date}")
        check(subject and f"[{s.index:04d}]".encode() in subject or subject and b"=?" in subject,
              f"message {s.index}: ENVELOPE subject {subject!r}")
        check(message_id == s.message_id.encode(), f"message {s.index}: ENVELOPE message-id {message_id!r}")
        want_from = re.search(rb"^From: .*?<([^>]+)>|^From: (\S+@\S+)", s.canonical, re.M)
        want = (want_from.group(1) or want_from.group(2)).decode()
        check(from_ and [addr(a) for a in from_] == [want], f"message {s.index}: ENVELOPE from {from_!r}, expected {want}")
        # RFC 3501 §7.4.2: sender and reply-to default to from.
        check(sender == from_ and reply_to == from_, f"message {s.index}: ENVELOPE sender/reply-to default to from")
        if s.kind == "recipients":
            count = len(re.findall(rb"guest\d{3}@", s.canonical.split(b"\r\nCc:")[0]))
            check(to and len(to) == count, f"message {s.index}: ENVELOPE to has {len(to or [])} addresses, expected {count}")
            cc_list = [addr(a) for a in cc or []]
            check(
                cc_list == ["group:Tea Party", "march.hare@teaparty.example", "dormouse@teaparty.example", "group:"],
                f"message {s.index}: ENVELOPE cc group {cc_list}",
            )
            check([addr(a) for a in bcc or []] == ["group:undisclosed-recipients", "group:"], f"message {s.index}: ENVELOPE bcc {bcc!r}")
        check_bodystructure(s, bs)


def check_bodystructure(s, bs):
    check(isinstance(bs, list) and bs, f"message {s.index}: BODYSTRUCTURE is a list: {bs!r}")
    if s.kind in ("alternative", "attachment", "nested"):
        parts = [p for p in bs if isinstance(p, list)]
        subtype = next((x for x in bs if isinstance(x, bytes)), b"")
        want = b"ALTERNATIVE" if s.kind == "alternative" else b"MIXED"
        check(subtype.upper() == want, f"message {s.index}: multipart subtype {subtype!r}, expected {want!r}")
        check(len(parts) >= 2, f"message {s.index}: {len(parts)} parts in BODYSTRUCTURE")
        if s.kind == "nested":
            inner = parts[1]
            check(bytes(inner[0]).upper() == b"MESSAGE" and bytes(inner[1]).upper() == b"RFC822",
                  f"message {s.index}: part 2 is message/rfc822: {inner[:2]!r}")
            check(isinstance(inner[7], list) and len(inner[7]) == 10, f"message {s.index}: message/rfc822 part carries an ENVELOPE")
            check(inner[7][9] == f"<inner.{s.index}.{mc.DEFAULT_SEED}@interop.dormouse.test>".encode(),
                  f"message {s.index}: inner ENVELOPE message-id {inner[7][9]!r}")
        if s.kind == "attachment":
            att = parts[1]
            check(bytes(att[0]).upper() == b"APPLICATION" and bytes(att[1]).upper() == b"OCTET-STREAM",
                  f"message {s.index}: part 2 type {att[:2]!r}")
            check(bytes(att[5]).upper() == b"BASE64", f"message {s.index}: part 2 encoding {att[5]!r}")
            size = len(mime_part(s.canonical, 2))
            check(int(att[6]) == size, f"message {s.index}: part 2 size {att[6]!r}, expected {size}")
    else:
        check(bytes(bs[0]).upper() == b"TEXT" and bytes(bs[1]).upper() == b"PLAIN", f"message {s.index}: type {bs[:2]!r}")
        body = s.canonical.partition(b"\r\n\r\n")[2]
        check(int(bs[6]) == len(body), f"message {s.index}: body size {bs[6]!r}, expected {len(body)}")
        lines = body.count(b"\r\n")
        check(int(bs[7]) == lines, f"message {s.index}: body lines {bs[7]!r}, expected {lines}")


def uid_search(imap, *criteria, literal=None):
    if literal is not None:
        imap.literal = literal
    data = ok(imap.uid("SEARCH", *criteria), f"UID SEARCH {' '.join(criteria)}")
    return {int(x) for x in b" ".join(d for d in data if d).split()}


def check_search(imap, corpus, uid_of, sample_of):
    def tagged(tag):
        return {uid_of[s.index] for s in corpus if tag in s.tags}

    everything = set(uid_of.values())
    cases = [
        (("SUBJECT", mc.SUBJECT_SEARCH), None, tagged("subject-token")),
        (("FROM", f'"{mc.FROM_SEARCH}"'), None, tagged("from-token")),
        (("TEXT", mc.TEXT_SEARCH), None, tagged(mc.TEXT_TOKEN)),
        (("BODY", mc.TEXT_TOKEN), None, tagged(mc.TEXT_TOKEN)),
        (("NOT", "TEXT", mc.TEXT_TOKEN), None, everything - tagged(mc.TEXT_TOKEN)),
        (("OR", "SUBJECT", mc.SUBJECT_SEARCH, "FROM", f'"{mc.FROM_SEARCH}"'), None,
         tagged("subject-token") | tagged("from-token")),
        (("CHARSET", "UTF-8", "SUBJECT"), mc.UTF8_SUBJECT_TOKEN.encode(), tagged("subject-utf8")),
        (("CHARSET", "UTF-8", "SUBJECT"), mc.LATIN1_SUBJECT_TOKEN.encode(), tagged("subject-latin1")),
        (("HEADER", "Message-ID", f'"<corpus.421.{mc.DEFAULT_SEED}@"'), None, {uid_of[421]}),
        (("SUBJECT", '"[0777]"'), None, {uid_of[777]}),
        (("LARGER", "60000"), None, {uid_of[s.index] for s in corpus if len(s.canonical) > 60000}),
        (("SMALLER", "1000"), None, {uid_of[s.index] for s in corpus if len(s.canonical) < 1000}),
        (("SEEN",), None, {uid_of[s.index] for s in corpus if "\\Seen" in initial_flags(s)}),
        (("KEYWORD", "$Interop"), None, {uid_of[s.index] for s in corpus if "$Interop" in initial_flags(s)}),
        (("UID", f"{uid_of[10]}:{uid_of[19]}", "UNFLAGGED"), None,
         {uid_of[i] for i in range(10, 20) if "\\Flagged" not in initial_flags(corpus[i])}),
    ]
    for criteria, literal, want in cases:
        check(want, f"SEARCH {criteria} has a non-empty expected set")
        got = uid_search(imap, *criteria, literal=literal)
        what = " ".join(criteria) + (f" {{{literal.decode()}}}" if literal else "")
        check(got == want, f"UID SEARCH {what}: {len(got)} UIDs, expected {len(want)}; "
                           f"extra {sorted(sample_of[u].index for u in got - want if u in sample_of)[:10]}, "
                           f"missing messages {sorted(sample_of[u].index for u in want - got)[:10]}")
    # Sequence-number SEARCH answers the sequence numbers (all present).
    data = ok(imap.search(None, "ALL"), "SEARCH ALL")
    got = [int(x) for x in data[0].split()]
    check(got == list(range(1, len(corpus) + 1)), f"SEARCH ALL: {len(got)} numbers")


def check_store(imap, corpus, uid_of):
    picked = [uid_of[s.index] for s in corpus if s.index % 50 == 20]
    data = ok(imap.uid("STORE", ",".join(map(str, picked)), "+FLAGS", "(\\Flagged)"), "UID STORE +FLAGS \\Flagged")
    answered = by_uid(parse_fetch(data))
    check(set(answered) == set(picked), f"STORE +FLAGS answers a FETCH with UID per message: {sorted(answered)} vs {picked}")
    check(all("\\Flagged" in flags(i) for i in answered.values()), "STORE +FLAGS answers the new FLAGS")
    want = set(picked) | {uid_of[s.index] for s in corpus if "\\Flagged" in initial_flags(s)}
    check(uid_search(imap, "FLAGGED") == want, "UID SEARCH FLAGGED after STORE")

    # -FLAGS.SILENT answers no FETCH for the messages changed.
    imap.untagged_responses.pop("FETCH", None)
    ok(imap.uid("STORE", str(picked[0]), "-FLAGS.SILENT", "(\\Flagged)"), "UID STORE -FLAGS.SILENT")
    leftover = imap.untagged_responses.pop("FETCH", [])
    check(not leftover, f"-FLAGS.SILENT sent FETCH: {leftover}")
    got = fetch_one(imap, picked[0], "(UID FLAGS)")
    check("\\Flagged" not in flags(got), f"\\Flagged removed: {flags(got)}")
    # FLAGS replaces, keywords included.
    ok(imap.uid("STORE", str(picked[1]), "FLAGS", "(\\Answered Interop-Kw)"), "UID STORE FLAGS")
    got = fetch_one(imap, picked[1], "(UID FLAGS)")
    check(flags(got) == {"\\Answered", "Interop-Kw"}, f"STORE FLAGS replaced the flags: {flags(got)}")


def check_copy(imap, caps, corpus, uid_of, uidvalidity):
    picked = [s for s in corpus if "subject-token" in s.tags]
    src = [uid_of[s.index] for s in picked]
    # imaplib's uid() returns untagged data only; the COPYUID is in the tagged OK.
    typ, data = send_raw(imap, b"UID COPY " + ",".join(map(str, src)).encode() + b" " + quote(COPIES))
    check(typ == "OK", f"UID COPY: {typ} {data}")
    copyuid = code(data, "COPYUID")
    if "UIDPLUS" in caps:
        check(copyuid is not None, f"COPYUID in the UID COPY reply: {data}")
    if copyuid is not None:
        _, from_set, to_set = copyuid.split()
        check(sorted(parse_uid_set(from_set)) == sorted(src), f"COPYUID source set {from_set}")
        check(len(parse_uid_set(to_set)) == len(src), f"COPYUID destination set {to_set}")
    status = status_of(imap, COPIES, "(MESSAGES UIDNEXT)")
    check(status.get("MESSAGES") == len(src), f"STATUS {COPIES}: {status}")
    # Check the copies from a second connection so the selected mailbox stays.
    ids = message_ids(imap.host, imap.port, COPIES)
    check(ids == {s.message_id for s in picked}, f"{COPIES} holds the copied messages: {len(ids)} ids")


def message_ids(host, port, mailbox):
    user, password = sys.argv[3], sys.argv[4]
    other, _ = connect(host, port, user, password)
    ok(other.select(quote(mailbox).decode(), readonly=True), f"EXAMINE {mailbox}")
    data = ok(other.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"), f"FETCH Message-IDs in {mailbox}")
    ids = set()
    for _, items in parse_fetch(data):
        header = items.get("BODY[HEADER.FIELDS (MESSAGE-ID)]", b"")
        ids.add(header.decode().split(":", 1)[1].strip())
    other.logout()
    return ids


def status_of(imap, mailbox, items):
    data = ok(imap.status(quote(mailbox).decode(), items), f"STATUS {mailbox} {items}")
    m = re.search(rb"\((.*)\)", data[0])
    check(m is not None, f"STATUS reply {data}")
    words = m.group(1).split()
    return {k.decode().upper(): int(v) for k, v in zip(words[::2], words[1::2])}


def apply_expunges(live, data):
    """Removes each EXPUNGE n in order, renumbering as RFC 9051 §7.5.1 says."""
    for n in data or []:
        seq = int(n)
        check(1 <= seq <= len(live), f"EXPUNGE {seq} with {len(live)} messages")
        del live[seq - 1]
    return live


def check_move(imap, caps, corpus, uid_of, live):
    if "MOVE" not in caps:
        print("  note: MOVE not advertised; not tested")
        return live
    picked = [s for s in corpus if "from-token" in s.tags]
    src = [uid_of[s.index] for s in picked]
    imap.untagged_responses.pop("EXPUNGE", None)
    typ, data = send_raw(imap, b"UID MOVE " + ",".join(map(str, src)).encode() + b" " + quote(MOVED))
    check(typ == "OK", f"UID MOVE: {typ} {data}")
    untagged_ok = imap.untagged_responses.pop("OK", [])
    if "UIDPLUS" in caps:
        # RFC 6851 §4.3 and RFC 9051 §6.4.8 want COPYUID in an untagged OK
        # before the expunges; mbsync and imaplib read it from either place.
        check(
            any(code(t, "COPYUID") for t in untagged_ok) or code(data, "COPYUID"),
            f"UID MOVE answers COPYUID: {untagged_ok} {data}",
        )
    live = apply_expunges(list(live), imap.untagged_responses.pop("EXPUNGE", []))
    check(set(live) == set(uid_of.values()) - set(src), f"MOVE expunged exactly the moved messages ({len(live)} left)")
    check(status_of(imap, MOVED, "(MESSAGES)").get("MESSAGES") == len(src), f"{MOVED} has {len(src)} messages")
    check(message_ids(imap.host, imap.port, MOVED) == {s.message_id for s in picked}, f"{MOVED} holds the moved messages")
    return live


def check_expunge(imap, caps, live):
    gone = [live[i] for i in (0, 1, 100, 500, len(live) - 1)]
    ok(imap.uid("STORE", ",".join(map(str, gone)), "+FLAGS.SILENT", "(\\Deleted)"), "UID STORE \\Deleted")
    typ, data = imap.expunge()
    check(typ == "OK", f"EXPUNGE: {typ} {data}")
    check(len([d for d in data if d]) == len(gone), f"EXPUNGE sent {len(data)} untagged EXPUNGE, expected {len(gone)}")
    live = apply_expunges(list(live), data)
    check(sorted(live) == sorted(set(live)) and not set(gone) & set(live), "EXPUNGE removed exactly the \\Deleted messages")
    check_sequence(imap, live)

    if "UIDPLUS" in caps:
        marked = live[10:13]
        ok(imap.uid("STORE", ",".join(map(str, marked)), "+FLAGS.SILENT", "(\\Deleted)"), "UID STORE \\Deleted")
        imap.untagged_responses.pop("EXPUNGE", None)
        ok(imap.uid("EXPUNGE", str(marked[1])), "UID EXPUNGE")
        live = apply_expunges(list(live), imap.untagged_responses.pop("EXPUNGE", []))
        check(marked[1] not in live and marked[0] in live and marked[2] in live, "UID EXPUNGE removed only the named UID")
        ok(imap.uid("STORE", f"{marked[0]},{marked[2]}", "-FLAGS.SILENT", "(\\Deleted)"), "UID STORE -\\Deleted")
        check_sequence(imap, live)
    else:
        print("  note: UIDPLUS not advertised; UID EXPUNGE not tested")
    return live


def check_sequence(imap, live):
    data = ok(imap.fetch("1:*", "(UID)"), "FETCH 1:* (UID)")
    got = [int(i["UID"]) for _, i in sorted(parse_fetch(data), key=lambda x: x[0])]
    check(got == live, f"sequence numbers after expunge: {len(got)} messages, expected {len(live)}")


def check_list_status(imap, live, uidvalidity):
    data = ok(imap.list('""', quote(ROOT + "*").decode()), "LIST")
    names = set()
    for line in data:
        m = re.match(rb'\(([^)]*)\) (?:"[^"]*"|NIL) (.*)$', line)
        check(m is not None, f"LIST line {line!r}")
        names.add(m.group(2).strip(b'"').decode())
    want = {ROOT, CORPUS, COPIES, MOVED, CAFE}
    check(names == want, f"LIST \"\" {ROOT}*: {sorted(names)}, expected {sorted(want)}")
    data = ok(imap.list('""', "%"), "LIST %")
    root = [line for line in data if line.endswith(ROOT.encode()) or line.endswith(f'"{ROOT}"'.encode())]
    check(root and b"\\HasChildren" in root[0], f"LIST % shows {ROOT} with \\HasChildren: {root}")
    check(any(line.upper().endswith(b"INBOX") or line.upper().endswith(b'"INBOX"') for line in data), f"LIST % shows INBOX: {data}")

    status = status_of(imap, CORPUS, "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
    check(status.get("MESSAGES") == len(live), f"STATUS MESSAGES {status}, expected {len(live)}")
    check(status.get("UIDVALIDITY") == uidvalidity, f"STATUS UIDVALIDITY {status}")
    check(status.get("UIDNEXT", 0) > max(live), f"STATUS UIDNEXT {status}")
    unseen = uid_search(imap, "UNSEEN")
    check(status.get("UNSEEN") == len(unseen), f"STATUS UNSEEN {status}, SEARCH UNSEEN finds {len(unseen)}")


if __name__ == "__main__":
    run_main(main)
