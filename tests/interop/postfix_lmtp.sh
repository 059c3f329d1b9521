#!/usr/bin/env bash
# Postfix delivers to dormouse through its LMTP client (issue #4).
#
# Starts `dormouse serve` on loopback with one user, alice, and a private
# Postfix instance (its own config, queue and data directories in a temp
# dir; /etc/postfix and any system Postfix are left alone) whose smtpd
# accepts mail for example.test and hands it to dormouse over LMTP. Then:
#   1. a message sent to alice@example.test through Postfix's SMTP port
#      arrives in alice's INBOX (read over IMAP) with its body intact,
#      Postfix's Received: header and dormouse's Return-Path/Delivered-To;
#   2. a message from alice to nobody@example.test is refused by dormouse
#      at RCPT (550 5.1.1); Postfix logs it as bounced and its bounce
#      (null sender) comes back to alice's INBOX;
#   3. with dormouse listening on a UNIX socket instead and Postfix using
#      lmtp:unix:PATH, a third message reaches alice the same way.
#
# Usage: tests/interop/postfix_lmtp.sh [PATH/TO/dormouse]
# Without an argument it uses $DORMOUSE, else the newer of
# target/release/dormouse and target/debug/dormouse (under $CARGO_TARGET_DIR
# when that is set).
# Needs root (Postfix's master starts as root and drops to the `postfix`
# user) and Debian's postfix package; python3 sends and reads the mail.
# Exit status: 0 PASS, 1 FAIL, 77 skipped (no postfix, or not root).
# DORMOUSE_KEEP_TMP=1 keeps the temp dir (configs, logs, mail) for a look.
set -euo pipefail

SKIP=77
USER_NAME=alice
PASSWORD=through-the-looking-glass
DOMAIN=example.test
# Postfix's queue and data directories live here, and its daemons run as
# the `postfix` user, so every directory on the path must be searchable by
# that user: /tmp is, a TMPDIR under /root may not be.
TMP_PARENT=/tmp

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
started=$(date +%s.%N)

say() { printf 'postfix_lmtp: %s\n' "$*"; }
skip() {
    say "SKIP: $*"
    exit "$SKIP"
}
elapsed() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.1f}s")' "$started" "$(date +%s.%N)"; }

# --- preconditions ---------------------------------------------------------

[[ -x /usr/sbin/postfix ]] ||
    skip "Postfix is not installed (Debian: DEBIAN_FRONTEND=noninteractive apt-get install postfix; .ci/run does this)"
[[ $(id -u) -eq 0 ]] ||
    skip "must run as root: Postfix's master daemon starts as root and drops to the postfix user"
{ getent passwd postfix && getent group postdrop; } >/dev/null ||
    skip "the postfix user or postdrop group is missing; is the postfix package fully installed?"
command -v python3 >/dev/null || skip "python3 is needed to send and read the mail"

bin=${1:-${DORMOUSE:-}}
if [[ -z $bin ]]; then
    target=${CARGO_TARGET_DIR:-$repo/target}
    # The newer of the two, so a stale release build does not hide a
    # fresh debug one.
    for candidate in "$target/release/dormouse" "$target/debug/dormouse"; do
        if [[ -x $candidate && ( -z $bin || $candidate -nt $bin ) ]]; then
            bin=$candidate
        fi
    done
fi
[[ -n $bin && -x $bin ]] || {
    say "FAIL: no dormouse binary: pass its path, or run \`cargo build --release\` first"
    exit 1
}

# --- teardown on every exit path -------------------------------------------

work=$(mktemp -d "$TMP_PARENT/dormouse-postfix.XXXXXX")
chmod 755 "$work"
pf_conf=$work/postfix/etc
dormouse_pid=
postfix_started=

cleanup() {
    local status=$?
    set +e
    if [[ -n $postfix_started ]]; then
        /usr/sbin/postfix -c "$pf_conf" stop >/dev/null 2>&1 ||
            /usr/sbin/postfix -c "$pf_conf" abort >/dev/null 2>&1
    fi
    if [[ -n $dormouse_pid ]]; then
        kill -TERM "$dormouse_pid" 2>/dev/null
        wait "$dormouse_pid" 2>/dev/null
    fi
    if ((status != 0 && status != SKIP)); then
        say "--- Postfix log ($work/postfix/maillog) ---"
        tail -n 40 "$work/postfix/maillog" 2>/dev/null
        say "--- dormouse stderr ---"
        tail -n 40 "$work/dormouse.err" 2>/dev/null
    fi
    if [[ -n ${DORMOUSE_KEEP_TMP:-} ]]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    say "FAIL: $*" >&2
    exit 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- dormouse --------------------------------------------------------------

mkdir -p "$work/dormouse"
printf '%s:{PLAIN}%s::::::\n' "$USER_NAME" "$PASSWORD" >"$work/dormouse/users"
cat >"$work/dormouse.toml" <<EOF
data_dir = "$work/dormouse"
users_file = "users"

[listen]
imap = "127.0.0.1:0"
lmtp = "127.0.0.1:0"

[log]
level = "info"
EOF

# start_dormouse [--lmtp ADDR|PATH]: starts the server and sets imap_addr
# and lmtp_addr from its "listening" line.
start_dormouse() {
    "$bin" serve --config "$work/dormouse.toml" "$@" >"$work/dormouse.out" 2>>"$work/dormouse.err" &
    dormouse_pid=$!
    local listening=
    for _ in $(seq 300); do
        listening=$(grep -m1 'listening' "$work/dormouse.out" || true)
        [[ -n $listening ]] && break
        kill -0 "$dormouse_pid" 2>/dev/null || fail "dormouse exited before listening"
        sleep 0.1
    done
    [[ -n $listening ]] || fail "dormouse printed no \"listening\" line within 30 s"
    # "dormouse VERSION listening: imap ADDR lmtp ADDR|PATH"
    imap_addr=$(sed -nE 's/.* imap ([0-9.]+:[0-9]+)( .*)?$/\1/p' <<<"$listening")
    lmtp_addr=$(sed -nE 's/.* lmtp ([^ ]+)( .*)?$/\1/p' <<<"$listening")
    [[ -n $imap_addr ]] || fail "no IMAP address in: $listening"
    [[ -n $lmtp_addr ]] || fail "no LMTP address in: $listening (does this dormouse serve LMTP?)"
    say "dormouse: imap $imap_addr, lmtp $lmtp_addr ($(elapsed))"
}

stop_dormouse() {
    kill -TERM "$dormouse_pid"
    local status=0
    wait "$dormouse_pid" || status=$?
    dormouse_pid=
    ((status == 0)) || fail "dormouse exited with status $status on SIGTERM"
}

# --- a private Postfix instance --------------------------------------------

smtp_port=$(free_port)
mkdir -p "$pf_conf" "$work/postfix/queue" "$work/postfix/data"
chown postfix "$work/postfix/data"

# No chroot anywhere (column 5 is "n"): the queue is in a temp dir, and a
# chroot would need copies of /etc files in it. Only the services this test
# uses; postlog writes maillog_file, so no syslog daemon is needed.
cat >"$pf_conf/master.cf" <<EOF
127.0.0.1:$smtp_port inet n - n - - smtpd
pickup    unix  n - n 60  1 pickup
cleanup   unix  n - n -   0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -   - trivial-rewrite
bounce    unix  - - n -   0 bounce
defer     unix  - - n -   0 bounce
trace     unix  - - n -   0 bounce
verify    unix  - - n -   1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -   - proxymap
showq     unix  n - n -   - showq
error     unix  - - n -   - error
retry     unix  - - n -   - error
discard   unix  - - n -   - discard
lmtp      unix  - - n -   - lmtp
anvil     unix  - - n -   1 anvil
scache    unix  - - n -   1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF

# example.test is a virtual mailbox domain whose transport is dormouse's
# LMTP listener. virtual_mailbox_maps is left empty so that Postfix accepts
# every recipient and dormouse decides who exists: that is what makes the
# unknown user a 550 from LMTP rather than a reject at Postfix's RCPT.
# Everything else goes to the error transport: nothing leaves this host.
cat >"$pf_conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $work/postfix/queue
data_directory = $work/postfix/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $work/postfix/maillog
maillog_file_prefixes = $work
myhostname = mx.$DOMAIN
mydomain = $DOMAIN
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps =
default_transport = error:this test instance delivers only to dormouse
EOF

# start_postfix NEXTHOP: starts Postfix with virtual_transport = NEXTHOP.
# `postfix start` creates the queue directories and checks the
# installation itself, so there is no separate `postfix check`.
start_postfix() {
    /usr/sbin/postconf -c "$pf_conf" -e "virtual_transport = $1"
    postfix_started=1
    /usr/sbin/postfix -c "$pf_conf" start >"$work/postfix-start.out" 2>&1 ||
        fail "postfix start: $(cat "$work/postfix-start.out")"
    say "postfix $(/usr/sbin/postconf -c "$pf_conf" -h mail_version): smtpd 127.0.0.1:$smtp_port -> $1 ($(elapsed))"
}

stop_postfix() {
    /usr/sbin/postfix -c "$pf_conf" stop >/dev/null 2>&1 || fail "postfix stop failed"
    postfix_started=
}

# --- the mail: sent through Postfix, read back over IMAP -------------------

cat >"$work/mail.py" <<'PY'
"""mail.py STEP SMTP_PORT IMAP_ADDR USER PASSWORD DOMAIN: one step of the
test, sending through Postfix and checking the result in INBOX."""
import imaplib
import re
import smtplib
import sys
import time
import uuid
from email.message import EmailMessage

step, smtp_port, imap_addr, user, password, domain = sys.argv[1:]
imap_host, imap_port = imap_addr.rsplit(":", 1)
alice = f"{user}@{domain}"
TIMEOUT = 30.0


def fail(why):
    print(f"postfix_lmtp: FAIL: {why}", file=sys.stderr)
    sys.exit(1)


def send(sender, rcpt, subject, body):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = rcpt
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", int(smtp_port), timeout=TIMEOUT) as smtp:
        refused = smtp.send_message(msg, from_addr=sender, to_addrs=[rcpt])
    if refused:
        fail(f"Postfix refused {rcpt}: {refused}")


def wait_for(count):
    """Waits, as a mail client would, in one session with INBOX selected
    and a NOOP every 0.2 s, until INBOX holds `count` messages; returns
    the text of message `count` and the last EXISTS seen."""
    imap = imaplib.IMAP4(imap_host, int(imap_port), timeout=TIMEOUT)
    try:
        imap.login(user, password)
        typ, data = imap.select("INBOX")
        if typ != "OK":
            fail(f"SELECT INBOX: {typ} {data}")
        deadline = time.monotonic() + TIMEOUT
        while True:
            exists = int(imap.untagged_responses.get("EXISTS", [b"0"])[-1])
            if exists >= count:
                break
            if time.monotonic() > deadline:
                fail(f"INBOX held {exists} messages, not {count}, after {TIMEOUT:.0f} s")
            time.sleep(0.2)
            imap.noop()
        typ, data = imap.fetch(str(count), "(BODY.PEEK[])")
        if typ != "OK":
            fail(f"FETCH {count}: {typ} {data}")
        return data[0][1].decode("utf-8", "replace"), exists
    finally:
        imap.logout()


def header_block(raw):
    return re.split(r"\r?\n\r?\n", raw, maxsplit=1)[0]


def require(cond, what, raw):
    if not cond:
        fail(f"{what}; the message was:\n{raw}")


def deliver_to_alice(count, how):
    """Sends an ordinary message to alice; checks it is message `count`,
    with its body and the trace headers of both Postfix and dormouse."""
    token = uuid.uuid4().hex
    t0 = time.monotonic()
    send("hatter@sender.test", alice, "tea at six", f"Twinkle, twinkle, little bat.\n{token}\n")
    raw, exists = wait_for(count)
    took = time.monotonic() - t0
    headers = header_block(raw)
    require(exists == count, f"INBOX has {exists} messages, expected {count}", raw)
    require(token in raw, "the body's token is missing", raw)
    require(re.search(r"^Return-Path: <hatter@sender\.test>\r?$", headers, re.M),
            "no Return-Path: <hatter@sender.test> (dormouse's, from MAIL FROM)", raw)
    require(re.search(rf"^Delivered-To: <?{re.escape(alice)}>?\r?$", headers, re.M),
            f"no Delivered-To: {alice} (dormouse's, from RCPT TO)", raw)
    require(re.search(rf"^Received: .*\n?.*by mx\.{re.escape(domain)} \(Postfix\)", headers, re.M),
            "no Received: header from Postfix", raw)
    require(headers.index("Return-Path:") < headers.index("Received:"),
            "Return-Path is not above Postfix's Received:", raw)
    print(f"postfix_lmtp: delivered to {alice} over LMTP ({how}) and read over IMAP in {took:.1f}s")


def bounce_from_nobody():
    """dormouse's 550 5.1.1 for an unknown user makes Postfix bounce the
    message, and the bounce comes back to alice as message 2."""
    t0 = time.monotonic()
    send(alice, f"nobody@{domain}", "to nobody", "Nobody will read this.\n")
    raw, exists = wait_for(2)
    took = time.monotonic() - t0
    headers = header_block(raw)
    require(exists == 2, f"INBOX has {exists} messages, expected 2", raw)
    require(re.search(r"^Return-Path: <>\r?$", headers, re.M),
            "the bounce has no null Return-Path", raw)
    require(re.search(r"^From: .*MAILER-DAEMON@", headers, re.M | re.I),
            "message 2 is not from MAILER-DAEMON", raw)
    require(f"nobody@{domain}" in raw and "5.1.1" in raw,
            "the bounce does not name nobody@ and 5.1.1", raw)
    print(f"postfix_lmtp: unknown recipient bounced (5.1.1) back to {alice} in {took:.1f}s")


if step == "tcp":
    deliver_to_alice(1, "TCP")
    bounce_from_nobody()
elif step == "unix":
    deliver_to_alice(3, "UNIX socket")
else:
    fail(f"unknown step {step}")
PY

mail_step() {
    PYTHONDONTWRITEBYTECODE=1 python3 "$work/mail.py" "$1" "$smtp_port" "$imap_addr" "$USER_NAME" "$PASSWORD" "$DOMAIN"
}

# 1 and 2: LMTP over TCP.
start_dormouse
start_postfix "lmtp:inet:$lmtp_addr"
mail_step tcp
log=$work/postfix/maillog
bounced=$(grep -E "to=<nobody@$DOMAIN>.*status=bounced" "$log" || true)
[[ -n $bounced ]] || fail "Postfix's log has no status=bounced for nobody@$DOMAIN"
grep -q '5\.1\.1' <<<"$bounced" || fail "the bounce in Postfix's log is not 5.1.1: $bounced"
grep -F "to=<$USER_NAME@$DOMAIN>, relay=${lmtp_addr%:*}[${lmtp_addr%:*}]:${lmtp_addr##*:}," "$log" |
    grep -q 'status=sent' ||
    fail "Postfix's log has no status=sent to $USER_NAME@$DOMAIN via $lmtp_addr"
say "Postfix log: $(sed -E 's/.*(status=bounced.*)/\1/' <<<"$bounced" | head -n1)"

# 3: LMTP over a UNIX socket. Postfix is restarted rather than reloaded:
# after a reload an old trivial-rewrite may still resolve to the TCP
# address for a moment, and a deferred message is retried only minutes
# later.
stop_postfix
stop_dormouse
socket=$work/lmtp.sock
start_dormouse --lmtp "$socket"
[[ $lmtp_addr == "$socket" ]] || fail "dormouse listens for LMTP on $lmtp_addr, not $socket"
[[ -S $socket ]] || fail "$socket is not a socket"
start_postfix "lmtp:unix:$socket"
mail_step unix
grep -qE "to=<$USER_NAME@$DOMAIN>, relay=[^ ]*lmtp\.sock.*status=sent" "$log" ||
    fail "Postfix's log has no status=sent to $USER_NAME@$DOMAIN via $socket"

say "PASS ($(elapsed))"
