//! The server runtime: binds nothing itself, takes listeners, accepts
//! connections and drives one sans-IO session per connection on tokio. This
//! is the only crate that touches sockets and the async runtime; IMAP syntax
//! lives in dormouse-proto, IMAP semantics in dormouse-session.

mod auth;
mod bind;
mod bootstrap;
mod connection;
mod error;
mod fswatch;
mod hibernate;
mod limits;
mod listener;
mod lmtp;
mod mail;
mod session_id;
mod stats;
mod wake;

#[doc(hidden)]
pub use hibernate::capacity;

pub use bind::{BACKLOG, bind_tcp};
pub use bootstrap::{DataDir, prepare_data_dir};
pub use error::ServerError;
pub use limits::raise_nofile_limit;
pub use listener::{Listeners, run, run_with_stats};
pub use lmtp::{BindError, LmtpListener};
pub use stats::Stats;
