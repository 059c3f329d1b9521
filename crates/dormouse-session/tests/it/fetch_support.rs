//! Messages for the FETCH, SEARCH, SORT and THREAD tests: the MIME
//! crate's fixture files and small hand-made messages, appended straight
//! through the store with chosen flags and INTERNALDATEs.

use dormouse_storage::{NewMessage, SystemFlags, Uid};

use crate::selected_fixture::Fixture;

/// A fixture message of the MIME crate, by name (without `.eml`).
pub fn eml(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../dormouse-mime/tests/fixtures/{name}.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => panic!("fixture {path}: {e}"),
    }
}

/// One message to append.
pub struct Msg {
    pub data: Vec<u8>,
    pub flags: SystemFlags,
    pub keywords: Vec<String>,
    pub date: i64,
}

impl Msg {
    pub fn new(data: impl Into<Vec<u8>>, date: i64) -> Msg {
        Msg {
            data: data.into(),
            flags: SystemFlags::EMPTY,
            keywords: Vec::new(),
            date,
        }
    }

    pub fn flags(mut self, flags: SystemFlags) -> Msg {
        self.flags = flags;
        self
    }

    pub fn keyword(mut self, keyword: &str) -> Msg {
        self.keywords.push(keyword.to_string());
        self
    }
}

/// Appends `msgs` to `mailbox` in order; returns their UIDs.
pub fn seed(fx: &Fixture, mailbox: &str, msgs: Vec<Msg>) -> Vec<Uid> {
    let messages = msgs
        .into_iter()
        .map(|m| NewMessage {
            data: m.data,
            flags: m.flags,
            keywords: m.keywords,
            internal_date: Some(m.date),
        })
        .collect();
    match fx.store.append(&fx.name(mailbox), messages) {
        Ok(result) => result.uids,
        Err(e) => panic!("append to {mailbox}: {e}"),
    }
}

/// A simple message with these header fields and body.
pub fn text(headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = String::new();
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// 2023-11-14 22:13:20 UTC, and days around it.
pub const T0: i64 = 1_700_000_000;
pub const DAY: i64 = 86_400;
