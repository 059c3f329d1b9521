//! Integration tests for the dormouse binary: one test binary, one module
//! per area.

mod config_cmd;
mod crash;
mod dovecot;
mod interop;
mod postfix;
mod quickstart;
mod server;
mod support;
mod title;
mod user_cmd;
