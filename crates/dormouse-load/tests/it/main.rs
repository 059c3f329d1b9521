//! Integration tests for dormouse-load, one binary: the generator against
//! a scripted fake server (its own checks and fault detection), and
//! against the real dormouse server in-process.

mod against_fake;
mod against_server;
mod fake;
