//! SEARCH, SORT and THREAD commands and the search-key grammar they share
//! (RFC 9051 §6.4.4, RFC 5256, RFC 7162 MODSEQ, RFC 5032 WITHIN).

use super::command::uid_prefix;
use super::strings::Writer;
use super::values::{date, name_list, search_return_name, sequence_set};
use crate::types::{Date, EntryType, Search, SearchKey, SearchReturn, Sort, SortKey, Thread};

fn search_returns(w: &mut Writer<'_>, returns: &Option<Vec<SearchReturn>>) {
    if let Some(returns) = returns {
        w.str(" RETURN ");
        name_list(w, returns.iter().map(|r| search_return_name(*r)));
    }
}

pub(crate) fn search_command(w: &mut Writer<'_>, s: &Search) {
    uid_prefix(w, s.mode);
    w.str("SEARCH");
    search_returns(w, &s.returns);
    if let Some(charset) = &s.charset {
        w.str(" CHARSET ");
        w.atom(charset);
    }
    for key in &s.criteria {
        w.sp();
        search_key(w, key);
    }
}

fn search_key(w: &mut Writer<'_>, key: &SearchKey) {
    use SearchKey as K;
    match key {
        K::All => w.str("ALL"),
        K::Answered => w.str("ANSWERED"),
        K::Bcc(s) => named_string(w, "BCC", s),
        K::Before(d) => named_date(w, "BEFORE", d),
        K::Body(s) => named_string(w, "BODY", s),
        K::Cc(s) => named_string(w, "CC", s),
        K::Deleted => w.str("DELETED"),
        K::Draft => w.str("DRAFT"),
        K::Flagged => w.str("FLAGGED"),
        K::From(s) => named_string(w, "FROM", s),
        K::Header(field, value) => {
            named_string(w, "HEADER", field);
            w.sp();
            w.astring(value.as_bytes());
        }
        K::Keyword(k) => {
            w.str("KEYWORD ");
            w.atom(k);
        }
        K::Larger(n) => named_number(w, "LARGER", n),
        K::New => w.str("NEW"),
        K::Not(inner) => {
            w.str("NOT ");
            search_key(w, inner);
        }
        K::Old => w.str("OLD"),
        K::On(d) => named_date(w, "ON", d),
        K::Or(a, b) => {
            w.str("OR ");
            search_key(w, a);
            w.sp();
            search_key(w, b);
        }
        K::Recent => w.str("RECENT"),
        K::Seen => w.str("SEEN"),
        K::SentBefore(d) => named_date(w, "SENTBEFORE", d),
        K::SentOn(d) => named_date(w, "SENTON", d),
        K::SentSince(d) => named_date(w, "SENTSINCE", d),
        K::Since(d) => named_date(w, "SINCE", d),
        K::Smaller(n) => named_number(w, "SMALLER", n),
        K::Subject(s) => named_string(w, "SUBJECT", s),
        K::Text(s) => named_string(w, "TEXT", s),
        K::To(s) => named_string(w, "TO", s),
        K::Uid(set) => {
            w.str("UID ");
            sequence_set(w, set);
        }
        K::Unanswered => w.str("UNANSWERED"),
        K::Undeleted => w.str("UNDELETED"),
        K::Undraft => w.str("UNDRAFT"),
        K::Unflagged => w.str("UNFLAGGED"),
        K::Unkeyword(k) => {
            w.str("UNKEYWORD ");
            w.atom(k);
        }
        K::Unseen => w.str("UNSEEN"),
        K::SequenceSet(set) => sequence_set(w, set),
        K::And(keys) => {
            w.byte(b'(');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    w.sp();
                }
                search_key(w, k);
            }
            w.byte(b')');
        }
        K::ModSeq { entry, modseq } => {
            w.str("MODSEQ ");
            if let Some((name, kind)) = entry {
                // `entry-name` is always a quoted string in RFC 7162.
                w.quoted(name.as_bytes());
                w.sp();
                w.str(match kind {
                    EntryType::Private => "priv",
                    EntryType::Shared => "shared",
                    EntryType::All => "all",
                });
                w.sp();
            }
            w.num(modseq);
        }
        K::Older(n) => named_number(w, "OLDER", n),
        K::Younger(n) => named_number(w, "YOUNGER", n),
    }
}

fn named_string(w: &mut Writer<'_>, name: &str, value: &str) {
    w.str(name);
    w.sp();
    w.astring(value.as_bytes());
}

fn named_date(w: &mut Writer<'_>, name: &str, d: &Date) {
    w.str(name);
    w.sp();
    date(w, d);
}

fn named_number(w: &mut Writer<'_>, name: &str, n: &u32) {
    w.str(name);
    w.sp();
    w.num(n);
}

pub(crate) fn sort_command(w: &mut Writer<'_>, s: &Sort) {
    uid_prefix(w, s.mode);
    w.str("SORT");
    search_returns(w, &s.returns);
    w.raw(b" (");
    for (i, c) in s.criteria.iter().enumerate() {
        if i > 0 {
            w.sp();
        }
        if c.reverse {
            w.str("REVERSE ");
        }
        w.str(match c.key {
            SortKey::Arrival => "ARRIVAL",
            SortKey::Cc => "CC",
            SortKey::Date => "DATE",
            SortKey::From => "FROM",
            SortKey::Size => "SIZE",
            SortKey::Subject => "SUBJECT",
            SortKey::To => "TO",
            SortKey::DisplayFrom => "DISPLAYFROM",
            SortKey::DisplayTo => "DISPLAYTO",
        });
    }
    w.raw(b") ");
    w.atom(&s.charset);
    for key in &s.search {
        w.sp();
        search_key(w, key);
    }
}

pub(crate) fn thread_command(w: &mut Writer<'_>, t: &Thread) {
    uid_prefix(w, t.mode);
    w.str("THREAD ");
    w.atom(&t.algorithm);
    w.sp();
    w.atom(&t.charset);
    for key in &t.search {
        w.sp();
        search_key(w, key);
    }
}
