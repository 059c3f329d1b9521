//! The benchmark's mail: varied, deterministic RFC 5322 messages of about
//! 1–4 KB (a quarter of them multipart) written straight into a Maildir's
//! `cur/` under Dovecot-style names (`<secs>.M<usec>P<pid>.<host>,S=<size>:2,<flags>`)
//! with the internal date as the file's mtime. It writes no index, uidlist
//! or keywords file: the server must build its index from the files, as it
//! would for a Maildir it is pointed at for the first time.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The word every `SEARCH_SHARE`-th subject carries, and that the search
/// figures look for. No other word in the corpus contains it.
pub const SEARCH_WORD: &str = "Budget";
/// One subject in this many carries `SEARCH_WORD`.
const SEARCH_SHARE: u64 = 50;
/// Internal dates spread over three years from 2023-01-01T00:00:00Z: a
/// fixed start (not "now"), because a date's length steers how much body
/// text follows, and so every later message.
const START_SECS: u64 = 1_672_531_200;
const SPAN_SECS: u64 = 3 * 365 * 24 * 3600;

const WORDS: &[&str] = &[
    "meeting",
    "report",
    "draft",
    "schedule",
    "review",
    "project",
    "update",
    "status",
    "notes",
    "agenda",
    "minutes",
    "release",
    "build",
    "server",
    "invoice",
    "order",
    "shipping",
    "account",
    "password",
    "reset",
    "welcome",
    "newsletter",
    "weekly",
    "monthly",
    "summary",
    "question",
    "answer",
    "holiday",
    "travel",
    "booking",
    "ticket",
    "support",
    "request",
    "feedback",
    "survey",
    "photos",
    "family",
    "dinner",
    "lunch",
    "coffee",
    "garden",
    "kitchen",
    "office",
    "migration",
    "database",
    "backup",
    "restore",
    "deadline",
    "contract",
    "proposal",
    "quote",
    "payment",
    "receipt",
    "delivery",
    "warehouse",
    "training",
    "workshop",
    "conference",
    "slides",
    "the",
    "and",
    "for",
    "with",
    "about",
    "from",
    "next",
    "last",
    "this",
    "our",
    "your",
    "new",
];
const NAMES: &[(&str, &str)] = &[
    ("Alice Martin", "alice.martin"),
    ("Bob Dupont", "bob"),
    ("Chen Wei", "chen.wei"),
    ("Dana O'Neil", "dana"),
    ("\"Eriksson, Erik\"", "erik.eriksson"),
    ("=?UTF-8?Q?Fran=C3=A7oise_L=C3=A9ger?=", "francoise"),
    ("Gopal Rao", "grao"),
    ("Hanna Schmidt", "hanna.schmidt"),
    ("Ivan Petrov", "ipetrov"),
    ("=?UTF-8?B?5bGx55Sw5aSq6YOO?=", "yamada"),
    ("Notifications", "no-reply"),
    ("Support Team", "support"),
];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "mail.example.org",
    "lists.example.com",
    "corp.example",
    "shop.example.net",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// splitmix64: deterministic, so every run writes the same corpus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        &items[i]
    }
}

/// RFC 5322 date-time in UTC for seconds since the epoch.
fn rfc5322_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day} {} {year} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn words(rng: &mut Rng, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let word = *rng.pick(WORDS);
        out.push_str(word);
    }
    out
}

fn subject(rng: &mut Rng) -> String {
    let prefix = match rng.below(10) {
        0..=1 => "Re: ",
        2 => "Fwd: ",
        _ => "",
    };
    let n = 2 + rng.below(5) as usize;
    let mut text = words(rng, n);
    if rng.chance(SEARCH_SHARE) {
        text = format!("{SEARCH_WORD} {text}");
    }
    if rng.chance(20) {
        // An encoded word, so SUBJECT has to decode before it matches.
        let encoded = text.replace(' ', "_");
        return format!("{prefix}=?UTF-8?Q?Caf=C3=A9_{encoded}?=");
    }
    let mut s = String::with_capacity(prefix.len() + text.len());
    s.push_str(prefix);
    if let Some(first) = text.get(..1) {
        s.push_str(&first.to_uppercase());
        s.push_str(text.get(1..).unwrap_or_default());
    }
    s
}

fn mailbox(rng: &mut Rng) -> String {
    let (display, local) = *rng.pick(NAMES);
    format!("{display} <{local}@{}>", rng.pick(DOMAINS))
}

/// Plain text lines of at most 76 characters, about `bytes` long.
fn paragraph_text(rng: &mut Rng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 80);
    while out.len() < bytes {
        let n = 6 + rng.below(7) as usize;
        let mut line = words(rng, n);
        line.truncate(76);
        if rng.chance(15) {
            line.push_str(" — naïve café");
        }
        out.push_str(&line);
        out.push('\n');
        if rng.chance(6) {
            out.push('\n');
        }
    }
    out
}

fn base64_lines(rng: &mut Rng, raw_len: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let chars = raw_len.div_ceil(3) * 4;
    let mut out = String::with_capacity(chars + chars / 76 + 1);
    for i in 0..chars {
        out.push(char::from(ALPHABET[rng.below(64) as usize]));
        if i % 76 == 75 {
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

/// One message with LF line endings, as Maildir stores them.
pub fn message(rng: &mut Rng, n: u64, secs: i64) -> Vec<u8> {
    let date = rfc5322_date(secs);
    let from = mailbox(rng);
    let domain = *rng.pick(DOMAINS);
    let mut h = String::with_capacity(1024);
    h.push_str(&format!(
        "Return-Path: <sender{n}@{domain}>\nDelivered-To: bench@example.org\n"
    ));
    for hop in 0..1 + rng.below(3) {
        h.push_str(&format!(
            "Received: from mx{hop}.{domain} (mx{hop}.{domain} [192.0.2.{}])\n\tby mail.example.org (Postfix) with ESMTPS id {:X}\n\tfor <bench@example.org>; {date}\n",
            rng.below(250) + 1,
            rng.next() >> 24,
        ));
    }
    h.push_str(&format!("Date: {date}\nFrom: {from}\n"));
    h.push_str("To: Bench User <bench@example.org>");
    if rng.chance(4) {
        h.push_str(&format!(", {}", mailbox(rng)));
    }
    h.push('\n');
    if rng.chance(5) {
        h.push_str(&format!("Cc: {}, {}\n", mailbox(rng), mailbox(rng)));
    }
    h.push_str(&format!("Subject: {}\n", subject(rng)));
    h.push_str(&format!("Message-ID: <{n}.{:x}@{domain}>\n", rng.next()));
    if rng.chance(3) {
        let parent = rng.below(n.max(1));
        h.push_str(&format!(
            "In-Reply-To: <{parent}.0@{domain}>\nReferences: <{parent}.0@{domain}>\n"
        ));
    }
    h.push_str("MIME-Version: 1.0\n");
    let target = 1024 + rng.below(3073) as usize;
    let room = target.saturating_sub(h.len() + 120).max(200);
    let boundary = format!("=_b{:016x}", rng.next());
    match rng.below(8) {
        0 => {
            let text = paragraph_text(rng, room / 2);
            let html = format!(
                "<html><body><p>{}</p></body></html>\n",
                text.replace("\n\n", "</p><p>")
            );
            h.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\nThis is a multi-part message in MIME format.\n\n--{boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}\n--{boundary}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{html}\n--{boundary}--\n"
            ));
        }
        1 => {
            let text = paragraph_text(rng, room / 3);
            let attachment = base64_lines(rng, room / 2);
            h.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\n\n--{boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}\n--{boundary}\nContent-Type: application/pdf; name=\"report-{n}.pdf\"\nContent-Disposition: attachment; filename=\"report-{n}.pdf\"\nContent-Transfer-Encoding: base64\n\n{attachment}--{boundary}--\n"
            ));
        }
        _ => {
            h.push_str(
                "Content-Type: text/plain; charset=utf-8; format=flowed\nContent-Transfer-Encoding: 8bit\n\n",
            );
            h.push_str(&paragraph_text(rng, room));
        }
    }
    h.into_bytes()
}

/// Maildir flag letters in ASCII order: most mail read, some flagged or
/// answered, a quarter unread.
fn flag_letters(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(20) {
        s.push('F');
    }
    if rng.chance(10) {
        s.push('R');
    }
    if !rng.chance(4) {
        s.push('S');
    }
    s
}

/// Creates a Maildir (`cur/`, `new/`, `tmp/`, plus `maildirfolder` for a
/// folder) holding `count` messages; returns the bytes written.
pub fn write_maildir(dir: &Path, count: u64, seed: u64, folder: Folder) -> io::Result<u64> {
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(dir.join(sub))?;
    }
    if folder == Folder::Yes {
        File::create(dir.join("maildirfolder"))?;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let start = START_SECS;
    let step = SPAN_SECS / count.max(1);
    // Two writers: the machine has two cores and file creation is mostly
    // system time.
    let halves = [(0, count / 2), (count / 2, count)];
    let written = std::thread::scope(|scope| {
        let handles: Vec<_> = halves
            .iter()
            .map(|&(from, to)| {
                scope.spawn(move || -> io::Result<u64> {
                    let mut rng = Rng::new(seed ^ from.wrapping_mul(0x2545_f491_4f6c_dd1d));
                    let mut bytes = 0u64;
                    for n in from..to {
                        let secs = start + n * step + rng.below(step.max(1));
                        let data = message(&mut rng, n, secs as i64);
                        let name = format!(
                            "{secs}.M{}P{}.mail,S={}:2,{}",
                            rng.below(1_000_000),
                            1000 + rng.below(60_000),
                            data.len(),
                            flag_letters(&mut rng)
                        );
                        let mut f = File::create(dir.join("cur").join(name))?;
                        f.write_all(&data)?;
                        f.set_modified(UNIX_EPOCH + Duration::from_secs(secs))?;
                        bytes += data.len() as u64;
                    }
                    Ok(bytes)
                })
            })
            .collect();
        let mut total = 0;
        for h in handles {
            total += h
                .join()
                .map_err(|_| io::Error::other("writer thread panicked"))??;
        }
        Ok::<u64, io::Error>(total)
    })?;
    // An existing mailbox's directories were last changed long ago; a
    // just-written mtime would (rightly) make the server distrust it and
    // rescan `cur/` at every SELECT for the next second.
    let old = UNIX_EPOCH + Duration::from_secs(now.saturating_sub(3600));
    for sub in ["cur", "new"] {
        File::open(dir.join(sub))?.set_modified(old)?;
    }
    Ok(written)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// The user's INBOX: the Maildir root itself.
    No,
    /// A Maildir++ `.Name` folder.
    Yes,
}
