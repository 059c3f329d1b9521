//! LMTP delivery (RFC 2033): listeners on TCP or a UNIX socket, one task
//! per connection driving `dormouse_lmtp::Session`, recipients looked up in
//! the passwd-file, and messages appended through the same `Store` that
//! IMAP sessions use, on blocking threads. The protocol itself lives in
//! dormouse-lmtp; nothing here parses SMTP.

mod connection;
mod deliver;
mod directory;
mod listener;

pub(crate) use listener::accept_loop;
pub use listener::{BindError, LmtpListener};

use std::sync::OnceLock;

/// The host name for the greeting and the LHLO reply, read once. Linux
/// exposes it in /proc; elsewhere, or if it looks odd, "localhost".
fn hostname() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|name| name.trim().to_owned())
            .filter(|name| {
                !name.is_empty()
                    && name.len() <= 255
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            })
            .unwrap_or_else(|| "localhost".to_owned())
    })
}
