//! Integration tests for the dormouse binary: one test binary, one module
//! per area.

mod config_cmd;
mod quickstart;
mod support;
mod user_cmd;
