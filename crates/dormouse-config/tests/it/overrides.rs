//! Flags win over the file, and the file over built-in defaults.

use std::path::{Path, PathBuf};

use dormouse_config::{ConfigError, ListenAddr, Overrides, parse_str};

const FILE: &str = r#"
data_dir = "/from/file"
users_file = "users.db"
mail_location = "maildirs/%u"

[listen]
imap = "127.0.0.2:1143"
lmtp = "127.0.0.2:2424"
imaps = "127.0.0.2:1993"

[tls]
cert = "cert.pem"
key = "key.pem"
"#;

#[test]
fn file_values_apply_without_flags() {
    let config = parse_str(FILE, &Overrides::default()).unwrap();
    assert_eq!(config.data_dir, Path::new("/from/file"));
    assert_eq!(config.listen.imap, "127.0.0.2:1143".parse().unwrap());
    assert_eq!(config.listen.imaps, Some("127.0.0.2:1993".parse().unwrap()));
}

#[test]
fn flags_beat_the_file() {
    let overrides = Overrides {
        data_dir: Some(PathBuf::from("/from/flag")),
        imap: Some("10.0.0.1:143".parse().unwrap()),
        lmtp: Some("10.0.0.1:24".parse().unwrap()),
        imaps: Some("10.0.0.1:993".parse().unwrap()),
    };
    let config = parse_str(FILE, &overrides).unwrap();
    assert_eq!(config.data_dir, Path::new("/from/flag"));
    assert_eq!(config.listen.imap, "10.0.0.1:143".parse().unwrap());
    assert_eq!(config.listen.lmtp, "10.0.0.1:24".parse().unwrap());
    assert_eq!(config.listen.imaps, Some("10.0.0.1:993".parse().unwrap()));
}

#[test]
fn data_dir_flag_moves_paths_that_are_relative_in_the_file() {
    let overrides = Overrides {
        data_dir: Some(PathBuf::from("/from/flag")),
        ..Overrides::default()
    };
    let config = parse_str(FILE, &overrides).unwrap();
    assert_eq!(config.users_file, Path::new("/from/flag/users.db"));
    let tls = config.tls.unwrap();
    assert_eq!(tls.cert, Path::new("/from/flag/cert.pem"));
    assert_eq!(tls.key, Path::new("/from/flag/key.pem"));
    assert_eq!(
        config.mail_location.expand("bob", None).unwrap(),
        Path::new("/from/flag/maildirs/bob")
    );
}

#[test]
fn flags_beat_defaults_without_a_file() {
    let overrides = Overrides {
        data_dir: Some(PathBuf::from("/tmp/dm")),
        lmtp: Some("127.0.0.1:0".parse().unwrap()),
        ..Overrides::default()
    };
    let config = dormouse_config::load(None, &overrides).unwrap();
    assert_eq!(config.data_dir, Path::new("/tmp/dm"));
    assert_eq!(config.users_file, Path::new("/tmp/dm/users"));
    assert_eq!(config.listen.lmtp, "127.0.0.1:0".parse().unwrap());
    assert_eq!(config.listen.imap, "127.0.0.1:1143".parse().unwrap());
}

#[test]
fn imaps_flag_still_needs_tls() {
    let overrides = Overrides {
        imaps: Some("127.0.0.1:1993".parse().unwrap()),
        ..Overrides::default()
    };
    let err = parse_str("", &overrides).unwrap_err();
    assert_eq!(err.key(), Some("listen.imaps"), "{err}");
    assert!(err.to_string().contains("[tls]"), "{err}");
}

#[test]
fn a_flag_clashing_with_the_file_names_both_keys() {
    let overrides = Overrides {
        lmtp: Some("127.0.0.2:1143".parse().unwrap()),
        ..Overrides::default()
    };
    let err = parse_str(FILE, &overrides).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { .. }), "{err:?}");
    assert_eq!(err.key(), Some("listen.lmtp"), "{err}");
    assert!(err.to_string().contains("listen.imap"), "{err}");
}

#[test]
fn lmtp_may_be_a_unix_socket_path_from_the_file_or_a_flag() {
    let text = "[listen]\nimap = \"127.0.0.1:2424\"\nlmtp = \"/run/dormouse/lmtp\"";
    let config = parse_str(text, &Overrides::default()).unwrap();
    // A socket path shares no port with anything, so the IMAP listener may
    // take LMTP's default port.
    assert_eq!(
        config.listen.lmtp,
        ListenAddr::Unix(PathBuf::from("/run/dormouse/lmtp"))
    );
    let overrides = Overrides {
        lmtp: Some("/tmp/dm/lmtp".parse().unwrap()),
        ..Overrides::default()
    };
    let config = parse_str(FILE, &overrides).unwrap();
    assert_eq!(config.listen.lmtp.unix(), Some(Path::new("/tmp/dm/lmtp")));
    assert_eq!(config.listen.lmtp.tcp(), None);
}
