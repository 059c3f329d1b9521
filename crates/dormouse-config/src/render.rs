//! Writes a validated `Config` back as commented TOML listing every option,
//! for `dormouse config check` and as a template for new installations.
//!
//! The output must parse back to an equal `Config`, so paths under
//! `data_dir` are written relative to it (exactly how they are read), and
//! durations and sizes use the canonical forms from `units`. Paths that are
//! not valid UTF-8 cannot be written in TOML and are rendered lossily.

use std::path::Path;

use crate::Config;
use crate::units;

/// A TOML string literal, escaped by the toml crate itself.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn quote_path(path: &Path) -> String {
    quote(&path.to_string_lossy())
}

/// `path` as it must appear in the file to resolve back to itself.
fn under_data_dir(path: &Path, data_dir: &Path) -> String {
    match path.strip_prefix(data_dir) {
        Ok(relative) if !relative.as_os_str().is_empty() => quote_path(relative),
        _ => quote_path(path),
    }
}

fn size(bytes: u64) -> String {
    let text = units::format_size(bytes);
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text
    } else {
        quote(&text)
    }
}

fn duration(d: std::time::Duration) -> String {
    quote(&units::format_duration(d))
}

pub(crate) fn to_toml(config: &Config) -> String {
    let mut out = String::new();
    macro_rules! put {
        ($($arg:tt)*) => {{
            out.push_str(&format!($($arg)*));
            out.push('\n');
        }};
    }
    let dd = &config.data_dir;
    put!("# Effective dormouse configuration: every option, defaults included.");
    put!("");
    put!("# State directory; relative paths below resolve against it.");
    put!("data_dir = {}", quote_path(dd));
    put!("# passwd-file with the users (managed by `dormouse user`).");
    put!("users_file = {}", under_data_dir(&config.users_file, dd));
    put!("# Per-user mail directory: %u user, %n local part, %d domain, %h home.");
    put!("mail_location = {}", quote(config.mail_location.template()));
    put!("# How long shutdown waits for clients after sending BYE.");
    put!("shutdown_grace = {}", duration(config.shutdown_grace));
    put!("# Mailbox hierarchy separator shown to clients: \".\" or \"/\".");
    put!(
        "hierarchy_separator = {}",
        quote(&config.hierarchy_separator.to_string())
    );

    let listen = &config.listen;
    put!("\n[listen]");
    put!("imap = {}", quote(&listen.imap.to_string()));
    put!("# lmtp: an address, or an absolute UNIX socket path (\"/run/dormouse/lmtp\").");
    put!("lmtp = {}", quote(&listen.lmtp.to_string()));
    match listen.imaps {
        Some(addr) => put!("imaps = {}", quote(&addr.to_string())),
        None => {
            put!("# imaps is off; set an address (and [tls]) to enable it.");
            put!("# imaps = \"0.0.0.0:993\"");
        }
    }

    match &config.tls {
        Some(tls) => {
            put!("\n[tls]");
            put!("cert = {}", under_data_dir(&tls.cert, dd));
            put!("key = {}", under_data_dir(&tls.key, dd));
        }
        None => {
            put!("\n# No [tls] table: no certificate is configured.");
            put!("# [tls]");
            put!("# cert = \"/etc/dormouse/fullchain.pem\"");
            put!("# key = \"/etc/dormouse/privkey.pem\"");
        }
    }

    let auth = &config.auth;
    put!("\n[auth]");
    put!("# false: cleartext passwords only over TLS or from loopback peers.");
    put!("allow_plaintext_auth = {}", auth.allow_plaintext_auth);
    put!("cache_ttl = {}", duration(auth.cache_ttl));
    put!("failure_delay = {}", duration(auth.failure_delay));
    put!("max_failure_delay = {}", duration(auth.max_failure_delay));

    let limits = &config.limits;
    put!("\n[limits]");
    put!("max_line_length = {}", size(limits.max_line_length as u64));
    put!("max_literal = {}", size(limits.max_literal.into()));
    put!("max_append_size = {}", size(limits.max_append_size.into()));
    put!("max_nesting = {}", limits.max_nesting);
    put!("# 0 means no limit beyond the open-file limit.");
    put!("max_connections = {}", limits.max_connections);

    let timeouts = &config.timeouts;
    put!("\n[timeouts]");
    put!("# Unauthenticated connections close this long after connecting.");
    put!("login = {}", duration(timeouts.login));
    put!("# Authenticated connections close after this long without input;");
    put!("# RFC 9051 section 5.4 requires at least 30m.");
    put!("autologout = {}", duration(timeouts.autologout));
    put!("# A session in IDLE hears \"* OK Still here\" this often.");
    put!("idle_keepalive = {}", duration(timeouts.idle_keepalive));
    put!("# One IDLE may last this long; RFC 2177 clients renew every 29m.");
    put!("idle_timeout = {}", duration(timeouts.idle_timeout));
    put!("# A client whose socket accepts no output this long is dropped.");
    put!("write_stall = {}", duration(timeouts.write_stall));
    put!("# An idle session is parked in a compact record after this long.");
    put!("hibernate_after = {}", duration(timeouts.hibernate_after));

    let log = &config.log;
    put!("\n[log]");
    put!("level = {}", quote(&log.level));
    put!("format = {}", quote(log.format.as_str()));
    out
}
