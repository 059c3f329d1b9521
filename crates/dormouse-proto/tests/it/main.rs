//! Integration tests of dormouse-proto's command decoder and parser, in one
//! binary (one link instead of one per file).

mod commands;
mod decoder;
mod errors;
mod proptests;
mod regressions;
mod rfc_examples;
mod roundtrip;
mod support;
