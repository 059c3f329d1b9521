//! Tests of the LMTP state machine through its public API: bytes in,
//! replies and delivery events out, no sockets (one binary, see STYLE.md).

mod garbage;
mod harness;
mod limits;
mod pipelining;
mod sequence;
mod transactions;
