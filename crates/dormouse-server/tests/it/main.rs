//! Integration tests of the server over real TCP sockets: one test binary
//! (see STYLE.md) with a module per area.

mod equivalence;
mod fetch_batches;
mod harness;
mod hibernate;
mod idle;
mod lmtp;
mod lmtp_socket;
mod malformed;
mod pipelining;
mod separator;
mod shutdown;
mod timeouts;
mod transcript;
mod two_sessions;
