//! Shared helpers: fixture loading and rendering values the way a FETCH
//! response carries them, so expectations read like the RFC examples.

use std::num::NonZeroU32;

use dormouse_mime::{Extensible, Message};
use dormouse_proto::encode::{EncodeOptions, encode_response};
use dormouse_proto::{Data, FetchData, Response, Section, SectionText};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => panic!("cannot read fixture {path}: {e}"),
    }
}

/// The text between `* 1 FETCH (` and the closing `)\r\n`.
fn fetch_item(item: FetchData) -> String {
    let resp = Response::Data(Data::Fetch {
        seq: NonZeroU32::MIN,
        items: vec![item],
    });
    let mut out = Vec::new();
    encode_response(&resp, EncodeOptions::default(), &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let inner = text
        .strip_prefix("* 1 FETCH (")
        .and_then(|t| t.strip_suffix(")\r\n"));
    match inner {
        Some(inner) => inner.to_string(),
        None => panic!("unexpected FETCH encoding: {text:?}"),
    }
}

pub fn envelope(raw: &[u8]) -> String {
    let env = Message::parse(raw).envelope();
    fetch_item(FetchData::Envelope(Box::new(env)))
}

pub fn bodystructure(raw: &[u8]) -> String {
    let body = Message::parse(raw).body_structure(Extensible::Yes);
    fetch_item(FetchData::BodyStructure {
        extensible: true,
        body: Box::new(body),
    })
}

pub fn body(raw: &[u8]) -> String {
    let body = Message::parse(raw).body_structure(Extensible::No);
    fetch_item(FetchData::BodyStructure {
        extensible: false,
        body: Box::new(body),
    })
}

pub fn path(parts: &[u32]) -> Vec<NonZeroU32> {
    parts.iter().filter_map(|&n| NonZeroU32::new(n)).collect()
}

pub fn section(parts: &[u32], text: Option<SectionText>) -> Section {
    Section {
        part: path(parts),
        text,
    }
}

/// BODY[section] as text, `None` for a missing part.
pub fn fetch(raw: &[u8], parts: &[u32], text: Option<SectionText>) -> Option<String> {
    Message::parse(raw)
        .section(&section(parts, text))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}
