#!/usr/bin/env python3
"""Deterministic corpus of varied MIME messages for the interoperability
tests, built with nothing but Python's stdlib `email` package.

Message i is a pure function of (i, seed). The kinds cycle through plain
7-bit text, UTF-8 and ISO-8859-1 subjects and bodies (encoded-words,
quoted-printable, base64, raw 8-bit), multipart/alternative, multipart/mixed
with binary attachments (a few of 100-200 KB), nested message/rfc822, long
folded headers with many recipients and groups, and a missing Date. Every
tenth message keeps bare LF line endings (what a Maildir holds), the rest
use CRLF.

Some messages carry planted tokens so that SEARCH results can be checked
exactly; `Sample.tags` says which. The filler vocabulary never contains a
token, so a token appears in exactly the messages tagged with it.

Usage: make_corpus.py OUTDIR [COUNT [SEED]]   (writes OUTDIR/NNNN.eml)
"""
import os
import random
import re
import sys
from dataclasses import dataclass, field
from email import charset as email_charset
from email import encoders
from email.generator import BytesGenerator
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.message import Message
from email.policy import compat32
from email.utils import formataddr, formatdate
from io import BytesIO

DEFAULT_COUNT = 1000
DEFAULT_SEED = 20240229

# Planted tokens, with the search string a test uses for each. The search
# strings differ in case from the planted text to exercise case-insensitive
# matching.
SUBJECT_TOKEN = "Marmalade"
SUBJECT_SEARCH = "marmalade"
UTF8_SUBJECT_TOKEN = "Grüße"
LATIN1_SUBJECT_TOKEN = "Café"
FROM_TOKEN = "hatter@teaparty.example"
FROM_SEARCH = "Hatter@TeaParty"
TEXT_TOKEN = "treacle"
TEXT_SEARCH = "TREACLE"

VOCAB = (
    "alice rabbit queen hearts croquet flamingo caterpillar mushroom cheshire "
    "grin tea party march hare duchess pepper baby pig mock turtle gryphon "
    "lobster quadrille tarts knave jury trial looking glass hole garden roses "
    "painted white red watch waistcoat bottle drink cake eat curious door key "
    "tiny golden pool tears mouse dodo caucus race thimble bill lizard chimney "
    "pigeon serpent eggs footman fish frog cook soup"
).split()
UTF8_WORDS = ["naïve", "façade", "Ärger", "Übermut", "smörgåsbord", "déjà", "Zoë", "Øre", "ĉapelo"]
LATIN1_WORDS = ["crème", "brûlée", "señor", "garçon", "Müller", "Åsa", "fiancée", "piñata"]
NAMES = [
    ("Alice Liddell", "alice@wonderland.example"),
    ("White Rabbit", "rabbit@wonderland.example"),
    ("Queen of Hearts", "queen@castle.example"),
    ("Cheshire Cat", "cat@duchess.example"),
    ("Mock Turtle", "turtle@seaside.example"),
    ("Bill the Lizard", "bill@chimney.example"),
    ("Zoë Ünal", "zoe@unicode.example"),
    ("François Bérard", "francois@latin.example"),
]

KINDS = (
    "plain",
    "utf8_qp",
    "latin1",
    "alternative",
    "attachment",
    "nested",
    "recipients",
    "no_date",
    "utf8_8bit",
)

# 2024-02-29T00:00:00Z; dates spread over the following year.
BASE_TIME = 1709164800


@dataclass
class Sample:
    index: int
    kind: str
    message_id: str
    data: bytes
    tags: set = field(default_factory=set)
    has_date: bool = True

    @property
    def canonical(self) -> bytes:
        """The message as an IMAP server must serve it: CRLF line endings."""
        return crlf(self.data)


def crlf(data: bytes) -> bytes:
    return re.sub(rb"\r?\n", b"\r\n", data)


def charset(name: str, body: str) -> email_charset.Charset:
    """A charset whose body encoding is `body` ("qp", "base64" or "8bit")."""
    cs = email_charset.Charset(name)
    cs.header_encoding = email_charset.QP
    cs.body_encoding = {"qp": email_charset.QP, "base64": email_charset.BASE64, "8bit": None}[body]
    return cs


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def paragraph(rng: random.Random, lines: int) -> str:
    return "\n".join(words(rng, rng.randint(6, 12)) for _ in range(lines)) + "\n"


def text_part(body: str, cs_name: str, encoding: str, subtype: str = "plain") -> MIMEText:
    part = MIMEText("", subtype, "us-ascii")
    del part["Content-Transfer-Encoding"]
    part.set_payload(body, charset(cs_name, encoding))
    return part


def gen_body(rng: random.Random, sample_tags: set, extra: str = "") -> str:
    body = paragraph(rng, rng.randint(3, 25)) + extra
    if TEXT_TOKEN in sample_tags:
        body += f"The dormouse would like some {TEXT_TOKEN} please.\n"
    return body


def build(index: int, rng: random.Random, kind: str, tags: set, seed: int) -> Message:
    if kind == "plain":
        msg = Message()
        msg.set_payload(gen_body(rng, tags))
    elif kind == "utf8_qp":
        msg = text_part(gen_body(rng, tags, " ".join(rng.sample(UTF8_WORDS, 4)) + "\n"), "utf-8", "qp")
    elif kind == "utf8_8bit":
        msg = text_part(gen_body(rng, tags, " ".join(rng.sample(UTF8_WORDS, 3)) + "\n"), "utf-8", "8bit")
    elif kind == "latin1":
        encoding = rng.choice(["qp", "8bit", "base64"])
        msg = text_part(gen_body(rng, tags, " ".join(rng.sample(LATIN1_WORDS, 3)) + "\n"), "iso-8859-1", encoding)
    elif kind == "alternative":
        msg = MIMEMultipart("alternative", boundary=f"=_alt_{seed}_{index}")
        text = gen_body(rng, tags)
        msg.attach(text_part(text, "utf-8", "qp"))
        html = "<html><body>" + "".join(f"<p>{line}</p>\n" for line in text.splitlines()) + "</body></html>\n"
        msg.attach(text_part(html, "utf-8", "base64", "html"))
    elif kind == "attachment":
        msg = MIMEMultipart("mixed", boundary=f"=_mix_{seed}_{index}")
        msg.attach(text_part(gen_body(rng, tags), "us-ascii", "8bit"))
        # A few large attachments; most are small.
        size = rng.randint(60_000, 150_000) if index % 135 == 4 else rng.randint(200, 12_000)
        blob = rng.randbytes(size)
        att = MIMEApplication(blob, "octet-stream")
        att.add_header("Content-Disposition", "attachment", filename=f"blob-{index}.bin")
        msg.attach(att)
        if index % 2:
            png = MIMENonMultipart("image", "png")
            png.set_payload(b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(50, 3000)))
            encoders.encode_base64(png)
            png.add_header("Content-Disposition", "inline", filename="pic.png")
            msg.attach(png)
    elif kind == "nested":
        inner = MIMEMultipart("alternative", boundary=f"=_inner_{seed}_{index}")
        inner["From"] = formataddr(NAMES[index % len(NAMES)])
        inner["To"] = "alice@wonderland.example"
        inner["Subject"] = "Inner " + words(rng, 4)
        inner["Date"] = formatdate(BASE_TIME - 86400 * (index % 300), localtime=False)
        inner["Message-ID"] = f"<inner.{index}.{seed}@interop.dormouse.test>"
        inner.attach(text_part(paragraph(rng, 4), "utf-8", "qp"))
        inner.attach(text_part("<p>" + words(rng, 10) + "</p>\n", "utf-8", "qp", "html"))
        msg = MIMEMultipart("mixed", boundary=f"=_outer_{seed}_{index}")
        msg.attach(text_part(gen_body(rng, tags, "Forwarded message below.\n"), "us-ascii", "8bit"))
        msg.attach(MIMEMessage(inner))
    elif kind in ("recipients", "no_date"):
        msg = text_part(gen_body(rng, tags), "us-ascii", "8bit")
    else:
        raise ValueError(kind)
    return msg


def subject_for(index: int, rng: random.Random, kind: str, tags: set):
    """A Subject header value: a str, or a Header of encoded-word chunks."""
    label = f"[{index:04d}] {words(rng, rng.randint(2, 6))}"
    if "subject-utf8" in tags:
        h = Header(f"{label} {UTF8_SUBJECT_TOKEN}", "utf-8")
    elif "subject-latin1" in tags:
        h = Header(label + " ", "us-ascii")
        h.append(f"{LATIN1_SUBJECT_TOKEN} {rng.choice(LATIN1_WORDS)}", "iso-8859-1")
    elif kind == "utf8_qp":
        h = Header(f"{label} {rng.choice(UTF8_WORDS)}", "utf-8")
    elif kind == "latin1":
        h = Header(label + " ", "us-ascii")
        h.append(rng.choice(LATIN1_WORDS), "iso-8859-1")
    elif kind == "recipients":
        # A long subject the generator folds over several lines.
        h = label + " " + words(rng, 30)
    else:
        h = label
    if "subject-token" in tags:
        if isinstance(h, Header):
            h.append(f" {SUBJECT_TOKEN}", "utf-8")
        else:
            h = f"{h} {SUBJECT_TOKEN}"
    return h


def tags_for(index: int) -> set:
    tags = set()
    if index % 53 == 7:
        tags.add("subject-token")
    if index % 71 == 13:
        tags.add("subject-utf8")
    elif index % 67 == 17:
        tags.add("subject-latin1")
    if index % 61 == 11:
        tags.add("from-token")
    if index % 47 == 5:
        tags.add(TEXT_TOKEN)
    return tags


def make_sample(index: int, seed: int = DEFAULT_SEED) -> Sample:
    rng = random.Random(seed * 1_000_003 + index)
    kind = KINDS[index % len(KINDS)]
    tags = tags_for(index)
    msg = build(index, rng, kind, tags, seed)

    # Headers go first in the file: build a fresh list in a stable order.
    headers = []
    if "from-token" in tags:
        headers.append(("From", formataddr(("The Hatter", FROM_TOKEN))))
    else:
        name, addr = NAMES[rng.randrange(len(NAMES))]
        if name.isascii():
            headers.append(("From", formataddr((name, addr))))
        else:
            headers.append(("From", formataddr((str(Header(name, "utf-8").encode()), addr))))
    if kind == "recipients":
        many = ", ".join(f"guest{n:03d}@party{n % 7}.example" for n in range(rng.randint(30, 60)))
        headers.append(("To", many))
        headers.append(("Cc", "Tea Party: march.hare@teaparty.example, dormouse@teaparty.example;"))
        headers.append(("Bcc", "undisclosed-recipients:;"))
        refs = " ".join(f"<ref.{index}.{n}@interop.dormouse.test>" for n in range(12))
        headers.append(("References", refs))
        headers.append(("X-Long-Header", words(rng, 60)))
    else:
        name, addr = NAMES[rng.randrange(len(NAMES))]
        headers.append(("To", formataddr((name, addr)) if name.isascii() else addr))
    headers.append(("Subject", subject_for(index, rng, kind, tags)))
    has_date = kind != "no_date"
    if has_date:
        headers.append(("Date", formatdate(BASE_TIME + rng.randrange(365 * 86400), localtime=False)))
    message_id = f"<corpus.{index}.{seed}@interop.dormouse.test>"
    headers.append(("Message-ID", message_id))

    mime_headers = [(k, v) for k, v in msg.items()]
    for k in list(msg.keys()):
        del msg[k]
    for k, v in headers + mime_headers:
        msg[k] = v

    linesep = "\n" if index % 10 == 3 else "\r\n"
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, maxheaderlen=78, policy=compat32.clone(linesep=linesep)).flatten(msg)
    data = out.getvalue()
    if not data.endswith(linesep.encode()):
        data += linesep.encode()
    return Sample(index=index, kind=kind, message_id=message_id, data=data, tags=tags, has_date=has_date)


def corpus(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list:
    return [make_sample(i, seed) for i in range(count)]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_COUNT
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_SEED
    os.makedirs(outdir, exist_ok=True)
    for s in corpus(count, seed):
        with open(os.path.join(outdir, f"{s.index:04d}.eml"), "wb") as f:
            f.write(s.data)
    print(f"wrote {count} messages to {outdir}")


if __name__ == "__main__":
    main()
