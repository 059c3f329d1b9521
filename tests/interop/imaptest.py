"""Helpers shared by the interoperability scripts: logging in with imaplib,
APPEND with LITERAL+ and MULTIAPPEND (imaplib has neither), parsing FETCH
data into Python values, and failing with a clear message.

imaplib has no API for sending a whole command with non-synchronising
literals, so `send_raw` uses its private `_new_tag`, `tagged_commands` and
`_get_tagged_response`; they have been stable since Python 3.0.
"""
import imaplib
import re
import socket
import sys
import time


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run_main(main):
    """Runs `main`, turning a Failure into `FAIL: ...` and exit status 1."""
    try:
        main()
    except Failure as e:
        print(f"FAIL: {e}", flush=True)
        sys.exit(1)


class Phases:
    """Prints how long each phase took, so a slow run shows where."""

    def __init__(self):
        self.start = self.last = time.monotonic()

    def done(self, what):
        now = time.monotonic()
        print(f"  {now - self.last:6.2f}s  {what}", flush=True)
        self.last = now

    def total(self):
        return time.monotonic() - self.start


def connect(host, port, user, password):
    imap = imaplib.IMAP4(host, int(port), timeout=60)
    # imaplib writes a synchronising literal and its closing CRLF in two
    # sends; without TCP_NODELAY the second waits out the peer's delayed ACK
    # (~40 ms per APPEND on Linux).
    imap.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    typ, data = imap.login(user, password)
    check(typ == "OK", f"LOGIN: {typ} {data}")
    typ, data = imap.capability()
    check(typ == "OK", f"CAPABILITY: {typ} {data}")
    caps = set(data[0].decode().upper().split())
    return imap, caps


def ok(result, what):
    typ, data = result
    check(typ == "OK", f"{what}: {typ} {data}")
    return data


def send_raw(imap, command: bytes):
    """Sends `TAG command` in one write (literals must be LITERAL+) and
    returns (status, text of the tagged reply)."""
    tag = imap._new_tag()
    imap.tagged_commands[tag] = None
    imap.send(tag + b" " + command + b"\r\n")
    typ, data = imap._get_tagged_response(tag)
    return typ, data


def literal_plus(data: bytes) -> bytes:
    return b"{%d+}\r\n" % len(data) + data


def parse_uid_set(text: str) -> list:
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition(":")
        lo, hi = int(lo), int(hi or lo)
        out.extend(range(min(lo, hi), max(lo, hi) + 1))
    return out


def code(text, name):
    """The arguments of response code `[name ...]` in a status text, or None."""
    if isinstance(text, (list, tuple)):
        text = b" ".join(t if isinstance(t, bytes) else b"" for t in text)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    m = re.search(r"\[" + name + r"(?: ([^\]]*))?\]", text, re.IGNORECASE)
    return None if m is None else (m.group(1) or "")


def append_uid(text):
    """(uidvalidity, [uids]) from an APPENDUID code, or None."""
    args = code(text, "APPENDUID")
    if args is None:
        return None
    validity, uids = args.split()
    return int(validity), parse_uid_set(uids)


def append_message_arg(data: bytes, flags=None, date=None) -> bytes:
    arg = b""
    if flags:
        arg += b"(" + " ".join(flags).encode() + b") "
    if date:
        arg += b'"' + date.encode() + b'" '
    return arg + literal_plus(data)


def quote(name: str) -> bytes:
    return b'"' + name.replace("\\", "\\\\").replace('"', '\\"').encode() + b'"'


def append_corpus(imap, caps, mailbox, samples, flags_of=lambda s: None, batch=50):
    """APPENDs `samples` in order and returns their UIDs in the same order
    (from APPENDUID), with MULTIAPPEND batches when advertised, else one
    LITERAL+ APPEND each (a synchronising literal costs a round trip)."""
    check("LITERAL+" in caps or "LITERAL-" in caps, f"LITERAL+ or LITERAL- advertised: {caps}")
    # LITERAL- allows non-synchronising literals up to 4096 bytes only.
    if "LITERAL+" not in caps:
        return [append_one(imap, caps, mailbox, s.data, flags_of(s)) for s in samples]
    step = batch if "MULTIAPPEND" in caps else 1
    uids = []
    for start in range(0, len(samples), step):
        chunk = samples[start : start + step]
        args = b" ".join(append_message_arg(s.data, flags_of(s)) for s in chunk)
        typ, data = send_raw(imap, b"APPEND " + quote(mailbox) + b" " + args)
        check(typ == "OK", f"APPEND of corpus messages {chunk[0].index}..{chunk[-1].index}: {typ} {data}")
        got = append_uid(data)
        check(got is not None, f"APPENDUID in the APPEND reply: {data}")
        check(len(got[1]) == len(chunk), f"APPENDUID names {len(chunk)} UIDs: {data}")
        uids.extend(got[1])
    return uids


def append_one(imap, caps, mailbox, data, flags=None, date=None):
    """One APPEND through imaplib's own append() (synchronising literal)."""
    flag_text = "(" + " ".join(flags) + ")" if flags else None
    typ, reply = imap.append(quote(mailbox).decode(), flag_text, date, data)
    check(typ == "OK", f"APPEND: {typ} {reply}")
    got = append_uid(reply)
    check(got is not None and len(got[1]) == 1, f"APPENDUID with one UID: {reply}")
    return got[1][0]


# --- IMAP data parsing -----------------------------------------------------


class ParseError(Exception):
    pass


def wire(data) -> bytes:
    """imaplib's response list back into the bytes that were on the wire:
    a (prefix, literal) tuple is `prefix CRLF literal`, lines joined by CRLF."""
    out = []
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            out.append(item[0] + b"\r\n" + item[1])
        else:
            out.append(item + b"\r\n")
    return b"".join(out)


class Parser:
    def __init__(self, buf: bytes):
        self.buf = buf
        self.pos = 0

    def peek(self):
        return self.buf[self.pos : self.pos + 1]

    def skip_space(self):
        while self.peek() in (b" ", b"\r", b"\n"):
            self.pos += 1

    def at_end(self):
        self.skip_space()
        return self.pos >= len(self.buf)

    def value(self):
        self.skip_space()
        c = self.peek()
        if c == b"(":
            self.pos += 1
            items = []
            while True:
                self.skip_space()
                if self.peek() == b")":
                    self.pos += 1
                    return items
                if not self.peek():
                    raise ParseError("unterminated list")
                items.append(self.value())
        if c == b'"':
            return self.quoted()
        if c in (b"{", b"~"):
            return self.literal()
        return self.atom()

    def quoted(self):
        self.pos += 1
        out = bytearray()
        while True:
            c = self.peek()
            if not c:
                raise ParseError("unterminated quoted string")
            self.pos += 1
            if c == b"\\":
                out += self.peek()
                self.pos += 1
            elif c == b'"':
                return bytes(out)
            else:
                out += c

    def literal(self):
        m = re.compile(rb"~?\{(\d+)\+?\}\r\n").match(self.buf, self.pos)
        if not m:
            raise ParseError(f"bad literal at {self.buf[self.pos:self.pos + 20]!r}")
        n = int(m.group(1))
        start = m.end()
        self.pos = start + n
        return self.buf[start : start + n]

    def atom(self):
        start = self.pos
        depth = 0
        while self.pos < len(self.buf):
            c = self.buf[self.pos : self.pos + 1]
            if c == b"[":
                depth += 1
            elif c == b"]":
                depth -= 1
            elif depth == 0 and c in (b" ", b"(", b")", b"\r", b"\n"):
                break
            self.pos += 1
        tok = self.buf[start : self.pos]
        if not tok:
            raise ParseError(f"empty atom at {self.buf[start:start + 20]!r}")
        return None if tok.upper() == b"NIL" else Atom(tok)


class Atom(bytes):
    """An unquoted token, kept apart from strings so NIL/atoms/strings differ."""


def parse_fetch(data):
    """imaplib FETCH data → [(seq, {ITEM: value})], item names upper-cased."""
    p = Parser(wire(data))
    out = []
    while not p.at_end():
        seq = p.value()
        if not isinstance(seq, Atom) or not seq.isdigit():
            raise ParseError(f"FETCH without a number: {seq!r}")
        items = p.value()
        if not isinstance(items, list) or len(items) % 2:
            raise ParseError(f"FETCH {seq} items: {items!r}")
        out.append((int(seq), {bytes(k).upper().decode(): v for k, v in zip(items[::2], items[1::2])}))
    return out


def by_uid(fetches):
    return {int(items["UID"]): items for _, items in fetches}


def flags(items):
    return {f.decode() for f in items.get("FLAGS", [])} - {"\\Recent"}
