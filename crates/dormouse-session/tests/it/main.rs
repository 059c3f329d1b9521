//! Integration tests of the session state machine through its public API:
//! commands in, complete responses and outcomes out.

mod authenticate;
mod capability;
mod enable;
mod login;
mod misc;
mod samples;
mod states;
mod support;
