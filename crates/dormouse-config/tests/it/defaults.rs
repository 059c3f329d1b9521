//! An empty file yields the documented defaults.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use dormouse_config::{Config, ListenAddr, LogFormat, Overrides, parse_str};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn empty_text_gives_documented_defaults() {
    let config = parse_str("", &Overrides::default()).unwrap();
    assert_eq!(config.data_dir, Path::new("./dormouse-data"));
    assert_eq!(config.users_file, Path::new("./dormouse-data/users"));
    assert_eq!(config.listen.imap, addr("127.0.0.1:1143"));
    assert_eq!(config.listen.lmtp, ListenAddr::Tcp(addr("127.0.0.1:2424")));
    assert_eq!(config.listen.imaps, None);
    assert_eq!(config.tls, None);
    assert_eq!(config.mail_location.template(), "mail/%u");
    assert!(!config.auth.allow_plaintext_auth);
    assert_eq!(config.auth.cache_ttl, Duration::from_secs(15 * 60));
    assert_eq!(config.auth.failure_delay, Duration::from_secs(2));
    assert_eq!(config.auth.max_failure_delay, Duration::from_secs(15));
    assert_eq!(config.limits.max_line_length, 65536);
    assert_eq!(config.limits.max_literal, 65536);
    assert_eq!(config.limits.max_append_size, 64 * 1024 * 1024);
    assert_eq!(config.limits.max_nesting, 32);
    assert_eq!(config.limits.max_connections, 0);
    assert_eq!(config.limits.connection_limit(), None);
    assert_eq!(config.timeouts.login, Duration::from_secs(60));
    assert_eq!(config.timeouts.autologout, Duration::from_secs(30 * 60));
    assert_eq!(config.log.level, "info");
    assert_eq!(config.log.format, LogFormat::Text);
    assert_eq!(config.shutdown_grace, Duration::from_secs(5));
}

#[test]
fn default_impl_matches_an_empty_file() {
    assert_eq!(
        Config::default(),
        parse_str("", &Overrides::default()).unwrap()
    );
}

#[test]
fn load_without_a_file_gives_defaults() {
    let config = dormouse_config::load(None, &Overrides::default()).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn values_from_the_file_are_used() {
    let text = r#"
        data_dir = "/srv/dormouse"
        users_file = "/etc/dormouse/users"
        mail_location = "/var/mail/%d/%n"
        shutdown_grace = "1m30s"

        [listen]
        imap = "0.0.0.0:143"
        lmtp = "[::1]:24"
        imaps = "0.0.0.0:993"

        [tls]
        cert = "/etc/ssl/dormouse.pem"
        key = "tls/key.pem"

        [auth]
        allow_plaintext_auth = true
        cache_ttl = "0s"
        failure_delay = "500ms"
        max_failure_delay = "1m"

        [limits]
        max_line_length = "128KiB"
        max_literal = 100000
        max_append_size = "10MB"
        max_nesting = 8
        max_connections = 5000

        [timeouts]
        login = "3m"
        autologout = "1h"

        [log]
        level = "warn,dormouse_server=debug"
        format = "json"
    "#;
    let config = parse_str(text, &Overrides::default()).unwrap();
    assert_eq!(config.data_dir, Path::new("/srv/dormouse"));
    assert_eq!(config.users_file, Path::new("/etc/dormouse/users"));
    assert_eq!(config.shutdown_grace, Duration::from_secs(90));
    assert_eq!(config.listen.imap, addr("0.0.0.0:143"));
    assert_eq!(config.listen.lmtp, ListenAddr::Tcp(addr("[::1]:24")));
    assert_eq!(config.listen.imaps, Some(addr("0.0.0.0:993")));
    let tls = config.tls.as_ref().unwrap();
    assert_eq!(tls.cert, Path::new("/etc/ssl/dormouse.pem"));
    assert_eq!(tls.key, Path::new("/srv/dormouse/tls/key.pem"));
    assert!(config.auth.allow_plaintext_auth);
    assert_eq!(config.auth.cache_ttl, Duration::ZERO);
    assert_eq!(config.auth.failure_delay, Duration::from_millis(500));
    assert_eq!(config.auth.max_failure_delay, Duration::from_secs(60));
    assert_eq!(config.limits.max_line_length, 128 * 1024);
    assert_eq!(config.limits.max_literal, 100_000);
    assert_eq!(config.limits.max_append_size, 10_000_000);
    assert_eq!(config.limits.max_nesting, 8);
    assert_eq!(config.limits.max_connections, 5000);
    assert_eq!(
        config.limits.connection_limit().map(|n| n.get()),
        Some(5000)
    );
    assert_eq!(config.timeouts.login, Duration::from_secs(180));
    assert_eq!(config.timeouts.autologout, Duration::from_secs(3600));
    assert_eq!(config.log.level, "warn,dormouse_server=debug");
    assert_eq!(config.log.format, LogFormat::Json);
}

#[test]
fn timeouts_may_be_shorter_than_the_rfc_minimum() {
    // Below 30 minutes autologout breaks RFC 9051 §5.4, but tests and
    // private deployments need short values, so only the 1 s floor applies.
    let config = parse_str(
        "[timeouts]\nlogin = \"1s\"\nautologout = \"1s\"",
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(config.timeouts.login, Duration::from_secs(1));
    assert_eq!(config.timeouts.autologout, Duration::from_secs(1));
}

#[test]
fn relative_users_file_resolves_against_data_dir() {
    let config = parse_str(
        "data_dir = \"/srv/dm\"\nusers_file = \"etc/passwd\"\n",
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(config.users_file, Path::new("/srv/dm/etc/passwd"));
}

#[test]
fn load_reads_a_file() {
    let dir = std::env::temp_dir().join(format!("dormouse-config-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("dormouse.toml");
    std::fs::write(&file, "[limits]\nmax_nesting = 3\n").unwrap();
    let config = dormouse_config::load(Some(&file), &Overrides::default()).unwrap();
    assert_eq!(config.limits.max_nesting, 3);
    std::fs::remove_dir_all(&dir).unwrap();
}
