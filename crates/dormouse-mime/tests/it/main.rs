//! Integration tests for dormouse-mime: fixtures under `tests/fixtures`,
//! compared with RFC 3501/9051 examples and Dovecot's behaviour.

mod binary;
mod envelope;
mod robustness;
mod search;
mod section;
mod structure;
mod support;
