//! `Config::to_toml` writes every option and parses back to the same config.

use dormouse_config::{Config, Overrides, parse_str};

fn round_trip(config: &Config) {
    let text = config.to_toml();
    let back = parse_str(&text, &Overrides::default())
        .unwrap_or_else(|err| panic!("to_toml output rejected: {err}\n{text}"));
    assert_eq!(&back, config, "\n{text}");
}

#[test]
fn defaults_round_trip() {
    round_trip(&Config::default());
}

#[test]
fn a_unix_socket_lmtp_round_trips() {
    let config = parse_str(
        "[listen]\nlmtp = \"/run/dormouse/lmtp\"",
        &Overrides::default(),
    )
    .unwrap();
    assert!(config.listen.lmtp.unix().is_some());
    round_trip(&config);
}

#[test]
fn a_fully_customised_config_round_trips() {
    let text = r#"
        data_dir = "/srv/dormouse"
        users_file = "/etc/dormouse/users"
        mail_location = "%h/Mail 100%%"
        shutdown_grace = "1h30m500ms"
        hierarchy_separator = "/"
        [listen]
        imap = "[::]:143"
        lmtp = "127.0.0.1:24"
        imaps = "0.0.0.0:993"
        [tls]
        cert = "tls/cert.pem"
        key = "/etc/key \"quoted\".pem"
        [auth]
        allow_plaintext_auth = true
        cache_ttl = "0s"
        failure_delay = "250ms"
        max_failure_delay = "1d"
        [limits]
        max_line_length = 100000
        max_literal = "1MiB"
        max_append_size = "1GB"
        max_nesting = 128
        max_connections = 19000
        [timeouts]
        login = "1s"
        autologout = "2h30m15s250ms"
        [log]
        level = "debug,dormouse_proto=trace"
        format = "json"
    "#;
    let config = parse_str(text, &Overrides::default()).unwrap();
    assert_eq!(config.hierarchy_separator, '/');
    round_trip(&config);
}

#[test]
fn relative_data_dir_and_flag_values_round_trip() {
    let overrides = Overrides {
        data_dir: Some("rel/dir".into()),
        imap: Some("127.0.0.1:0".parse().unwrap()),
        ..Overrides::default()
    };
    let config = parse_str("users_file = \"./sub/users\"", &overrides).unwrap();
    round_trip(&config);
}

#[test]
fn output_lists_every_option() {
    let text = Config::default().to_toml();
    for key in [
        "data_dir =",
        "users_file =",
        "mail_location =",
        "shutdown_grace =",
        "hierarchy_separator =",
        "[listen]",
        "imap =",
        "lmtp =",
        "imaps =",
        "[tls]",
        "cert =",
        "key =",
        "[auth]",
        "allow_plaintext_auth =",
        "cache_ttl =",
        "failure_delay =",
        "max_failure_delay =",
        "[limits]",
        "max_line_length =",
        "max_literal =",
        "max_append_size =",
        "max_nesting =",
        "max_connections =",
        "[timeouts]",
        "login =",
        "autologout =",
        "[log]",
        "level =",
        "format =",
    ] {
        assert!(text.contains(key), "{key} missing from\n{text}");
    }
}
