#!/usr/bin/env python3
"""Logs in to a running dormouse with Python's imaplib and checks the
CAPABILITY, NAMESPACE, ID and LOGOUT replies a real client depends on.

Usage: imaplib_login.py HOST PORT USER PASSWORD
Exits non-zero with a message on the first wrong reply.
"""
import imaplib
import sys


def check(cond, what):
    if not cond:
        sys.exit(f"FAIL: {what}")


def main():
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    imap = imaplib.IMAP4(host, port, timeout=10)
    pre = set(imap.capabilities)
    check("IMAP4REV1" in pre, f"IMAP4rev1 advertised before login: {pre}")
    check("AUTH=PLAIN" in pre, f"AUTH=PLAIN advertised on loopback: {pre}")
    check("LOGINDISABLED" not in pre, f"LOGINDISABLED absent on loopback: {pre}")

    typ, data = imap.login(user, password)
    check(typ == "OK", f"LOGIN: {typ} {data}")

    typ, data = imap.capability()
    check(typ == "OK", f"CAPABILITY: {typ}")
    post = set(data[0].decode().upper().split())
    for cap in ("IMAP4REV1", "IMAP4REV2", "NAMESPACE", "ID", "ENABLE"):
        check(cap in post, f"{cap} in post-login CAPABILITY: {post}")
    check("AUTH=PLAIN" not in post, f"no AUTH= after login: {post}")

    typ, data = imap.namespace()
    check(typ == "OK", f"NAMESPACE: {typ}")
    check(data[0] == b'(("" ".")) NIL NIL', f"NAMESPACE data: {data}")

    typ, data = imap.xatom("ID", '("name" "imaplib-test")')
    check(typ == "OK", f"ID: {typ} {data}")
    ident = imap.untagged_responses.get("ID", [b""])[0].decode()
    check('"name" "dormouse"' in ident, f"ID reply names the server: {ident!r}")

    typ, data = imap.logout()
    check(typ == "BYE", f"LOGOUT: {typ} {data}")
    print("imaplib: login, CAPABILITY, NAMESPACE, ID, LOGOUT ok")


if __name__ == "__main__":
    main()
