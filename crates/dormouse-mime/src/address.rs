//! RFC 5322 address lists as the IMAP envelope shows them: raw phrases (an
//! encoded-word stays encoded), group start and end markers, source routes.
//! mail-parser decodes names, which the envelope must not, hence this small
//! tolerant parser. It follows Dovecot's `message_address_parse`: a comment
//! names an address that has no phrase, and missing pieces become
//! `MISSING_MAILBOX` / `MISSING_DOMAIN` so that a host is never NIL outside
//! a group marker.

use dormouse_proto::Address;

const MISSING_MAILBOX: &[u8] = b"MISSING_MAILBOX";
const MISSING_DOMAIN: &[u8] = b"MISSING_DOMAIN";

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// An atom, or a quoted string's unescaped content.
    Word(Vec<u8>),
    /// A quoted string: kept apart so that `"a b"@x` keeps its space.
    Quoted(Vec<u8>),
    DomainLiteral(Vec<u8>),
    Comment(Vec<u8>),
    Special(u8),
}

fn is_special(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'@' | b',' | b';' | b':' | b'\\' | b'"' | b'.' | b'[' | b']'
    )
}

/// Splits an (unfolded or folded) header value into tokens. Unterminated
/// quotes, comments and literals run to the end of the value.
fn tokenize(value: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'"' => {
                let (content, next) = delimited(value, i + 1, b'"');
                tokens.push(Token::Quoted(content));
                i = next;
            }
            b'[' => {
                let (content, next) = delimited(value, i + 1, b']');
                let mut literal = Vec::with_capacity(content.len() + 2);
                literal.push(b'[');
                literal.extend_from_slice(&content);
                literal.push(b']');
                tokens.push(Token::DomainLiteral(literal));
                i = next;
            }
            b'(' => {
                let (content, next) = comment(value, i + 1);
                tokens.push(Token::Comment(content));
                i = next;
            }
            _ if is_special(b) => {
                tokens.push(Token::Special(b));
                i += 1;
            }
            _ => {
                let start = i;
                while value
                    .get(i)
                    .is_some_and(|&c| !is_special(c) && !c.is_ascii_whitespace())
                {
                    i += 1;
                }
                tokens.push(Token::Word(
                    value.get(start..i).unwrap_or_default().to_vec(),
                ));
            }
        }
    }
    tokens
}

/// The content up to an unescaped `close`, unescaping `\x`, and the index
/// after `close`. Folding inside is removed.
fn delimited(value: &[u8], mut i: usize, close: u8) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    while let Some(&b) = value.get(i) {
        i += 1;
        match b {
            b'\\' => {
                if let Some(&next) = value.get(i) {
                    out.push(next);
                    i += 1;
                }
            }
            b'\r' | b'\n' => {}
            _ if b == close => return (out, i),
            _ => out.push(b),
        }
    }
    (out, i)
}

/// A comment, nested comments included, counted rather than recursed so
/// that `((((…` cannot exhaust the stack.
fn comment(value: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 1usize;
    while let Some(&b) = value.get(i) {
        i += 1;
        match b {
            b'\\' => {
                if let Some(&next) = value.get(i) {
                    out.push(next);
                    i += 1;
                }
            }
            b'(' => {
                depth += 1;
                out.push(b);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (out, i);
                }
                out.push(b);
            }
            b'\r' | b'\n' => {}
            _ => out.push(b),
        }
    }
    (out, i)
}

/// Parses an address-list header value into envelope addresses.
pub(crate) fn parse_list(value: &[u8]) -> Vec<Address> {
    let tokens = tokenize(value);
    let mut out = Vec::new();
    let mut in_group = false;
    let mut i = 0;
    while i < tokens.len() {
        let start = i;
        while tokens
            .get(i)
            .is_some_and(|t| !matches!(t, Token::Special(b',' | b';' | b':' | b'<')))
        {
            i += 1;
        }
        let run = tokens.get(start..i).unwrap_or_default();
        match tokens.get(i) {
            Some(Token::Special(b':')) if !in_group => {
                out.push(Address {
                    mailbox: Some(phrase(run)),
                    ..Address::default()
                });
                in_group = true;
                i += 1;
            }
            Some(Token::Special(b'<')) => {
                let (addr, next) = angle_addr(&tokens, i + 1, run);
                out.push(addr);
                i = next;
            }
            _ => {
                if run.iter().any(|t| !matches!(t, Token::Comment(_))) {
                    out.push(addr_spec(run));
                }
                match tokens.get(i) {
                    Some(Token::Special(b';')) if in_group => {
                        out.push(Address::default());
                        in_group = false;
                    }
                    _ => {}
                }
                i += 1;
            }
        }
    }
    if in_group {
        out.push(Address::default());
    }
    out
}

/// `[phrase] < [route:] local@domain >`, starting just after `<`. Returns
/// the address and the index after `>` (or the end).
fn angle_addr(tokens: &[Token], mut i: usize, phrase_run: &[Token]) -> (Address, usize) {
    let start = i;
    while tokens
        .get(i)
        .is_some_and(|t| !matches!(t, Token::Special(b'>')))
    {
        i += 1;
    }
    let inner = tokens.get(start..i).unwrap_or_default();
    let name = phrase(phrase_run);
    let (adl, spec) = split_route(inner);
    let mut addr = addr_spec(spec);
    addr.adl = adl;
    addr.name = (!name.is_empty()).then_some(name);
    (addr, i + 1)
}

/// `@a,@b:rest` → (`@a,@b`, rest). Without a route, everything is the spec.
fn split_route(inner: &[Token]) -> (Option<Vec<u8>>, &[Token]) {
    let first_real = inner.iter().find(|t| !matches!(t, Token::Comment(_)));
    if first_real != Some(&Token::Special(b'@')) {
        return (None, inner);
    }
    let Some(colon) = inner.iter().position(|t| t == &Token::Special(b':')) else {
        return (None, inner);
    };
    let mut route = Vec::new();
    for token in inner.get(..colon).unwrap_or_default() {
        match token {
            Token::Word(w) | Token::DomainLiteral(w) => route.extend_from_slice(w),
            Token::Special(b'@') => route.push(b'@'),
            Token::Special(b'.') => route.push(b'.'),
            Token::Special(b',') => route.push(b','),
            _ => {}
        }
    }
    (Some(route), inner.get(colon + 1..).unwrap_or_default())
}

/// `local@domain` from a run of tokens. The last comment names the address
/// (`user@host (Real Name)`), as in Dovecot.
fn addr_spec(run: &[Token]) -> Address {
    let at = run.iter().position(|t| t == &Token::Special(b'@'));
    let (local, domain) = match at {
        Some(at) => (
            run.get(..at).unwrap_or_default(),
            Some(run.get(at + 1..).unwrap_or_default()),
        ),
        None => (run, None),
    };
    let mailbox = joined(local);
    let host = domain.map(joined).filter(|d| !d.is_empty());
    let name = run.iter().rev().find_map(|t| match t {
        Token::Comment(c) if !c.is_empty() => Some(c.clone()),
        _ => None,
    });
    Address {
        name,
        adl: None,
        mailbox: Some(if mailbox.is_empty() {
            MISSING_MAILBOX.to_vec()
        } else {
            mailbox
        }),
        host: Some(host.unwrap_or_else(|| MISSING_DOMAIN.to_vec())),
    }
}

/// Words and dots glued together without whitespace, comments dropped: the
/// form of a local part or a domain.
fn joined(run: &[Token]) -> Vec<u8> {
    let mut out = Vec::new();
    for token in run {
        match token {
            Token::Word(w) | Token::Quoted(w) | Token::DomainLiteral(w) => out.extend_from_slice(w),
            Token::Special(b) if *b != b'@' => out.push(*b),
            _ => {}
        }
    }
    out
}

/// A display phrase: words separated by one space, quotes removed, comments
/// dropped, encoded-words left as they are.
fn phrase(run: &[Token]) -> Vec<u8> {
    let mut out = Vec::new();
    for token in run {
        match token {
            Token::Word(w) | Token::Quoted(w) | Token::DomainLiteral(w) => {
                if !out.is_empty() {
                    out.push(b' ');
                }
                out.extend_from_slice(w);
            }
            // obs-phrase allows dots: `John Q. Public`.
            Token::Special(b'.') => out.push(b'.'),
            _ => {}
        }
    }
    out
}
