//! Every rejection names the key, the reason and, for file values, the line.

use std::path::Path;

use dormouse_config::{ConfigError, Location, Overrides, load, parse_str};

fn rejects(text: &str) -> ConfigError {
    match parse_str(text, &Overrides::default()) {
        Ok(config) => panic!("accepted {text:?} as {config:?}"),
        Err(err) => err,
    }
}

/// `(text, key, words the message must contain, line of the value)`.
const INVALID: &[(&str, &str, &str, usize)] = &[
    ("data_dir = \"\"", "data_dir", "must not be empty", 1),
    ("data_dir = \"a\\u0000b\"", "data_dir", "NUL", 1),
    ("users_file = \"\"", "users_file", "must not be empty", 1),
    ("users_file = \".\"", "users_file", "must name a file", 1),
    (
        "mail_location = \"mail/%x\"",
        "mail_location",
        "unknown placeholder %x",
        1,
    ),
    ("mail_location = \"mail/%\"", "mail_location", "lone '%'", 1),
    (
        "mail_location = \"mail/shared\"",
        "mail_location",
        "%u, %n or %h",
        1,
    ),
    ("mail_location = \"mail/../%u\"", "mail_location", "'..'", 1),
    (
        "shutdown_grace = \"soon\"",
        "shutdown_grace",
        "expected a number",
        1,
    ),
    (
        "[listen]\nimap = \"localhost:143\"",
        "listen.imap",
        "not an IP address",
        2,
    ),
    (
        "[listen]\nlmtp = \"127.0.0.1\"",
        "listen.lmtp",
        "with a port",
        2,
    ),
    (
        "[listen]\nlmtp = \"run/dormouse/lmtp\"",
        "listen.lmtp",
        "must start with '/'",
        2,
    ),
    (
        "[listen]\nlmtp = \"/run/dormouse/\"",
        "listen.lmtp",
        "names a directory",
        2,
    ),
    (
        "[listen]\nlmtp = \"/run/dormouse/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
        "listen.lmtp",
        "at most 107",
        2,
    ),
    (
        "[listen]\nlmtp = \"127.0.0.1:1143\"",
        "listen.lmtp",
        "clashes with listen.imap",
        2,
    ),
    (
        "[listen]\nimaps = \"0.0.0.0:2424\"\n[tls]\ncert = \"c\"\nkey = \"k\"",
        "listen.imaps",
        "clashes with listen.lmtp",
        2,
    ),
    (
        "[listen]\nimaps = \"127.0.0.1:1993\"",
        "listen.imaps",
        "needs a [tls] table",
        2,
    ),
    (
        "[tls]\ncert = \"\"\nkey = \"k\"",
        "tls.cert",
        "must not be empty",
        2,
    ),
    (
        "[tls]\ncert = \"c\"\nkey = \"/\"",
        "tls.key",
        "must name a file",
        3,
    ),
    ("[auth]\ncache_ttl = 900", "auth.cache_ttl", "\"900s\"", 2),
    (
        "[auth]\nfailure_delay = \"2x\"",
        "auth.failure_delay",
        "unknown unit \"x\"",
        2,
    ),
    (
        "[auth]\nfailure_delay = \"1.5s\"",
        "auth.failure_delay",
        "unknown unit",
        2,
    ),
    (
        "[auth]\nfailure_delay = \"20s\"",
        "auth.failure_delay",
        "longer than auth.max_failure_delay",
        2,
    ),
    (
        "[auth]\nfailure_delay = \"1s\"\nmax_failure_delay = \"500ms\"",
        "auth.max_failure_delay",
        "longer than auth.max_failure_delay",
        3,
    ),
    (
        "[limits]\nmax_line_length = 0",
        "limits.max_line_length",
        "below 8192",
        2,
    ),
    (
        "[limits]\nmax_line_length = \"1KiB\"",
        "limits.max_line_length",
        "RFC 7162",
        2,
    ),
    (
        "[limits]\nmax_line_length = -1",
        "limits.max_line_length",
        "negative",
        2,
    ),
    (
        "[limits]\nmax_literal = 0",
        "limits.max_literal",
        "greater than zero",
        2,
    ),
    (
        "[limits]\nmax_append_size = 0",
        "limits.max_append_size",
        "greater than zero",
        2,
    ),
    (
        "[limits]\nmax_append_size = \"4GiB\"",
        "limits.max_append_size",
        "32-bit",
        2,
    ),
    (
        "[limits]\nmax_literal = 4294967295\nmax_append_size = \"4GiB\"",
        "limits.max_append_size",
        "32-bit",
        3,
    ),
    (
        "[limits]\nmax_append_size = \"12 parsecs\"",
        "limits.max_append_size",
        "unknown unit",
        2,
    ),
    (
        "[limits]\nmax_literal = \"100MiB\"",
        "limits.max_literal",
        "exceeds limits.max_append_size",
        2,
    ),
    (
        "[limits]\nmax_literal = \"2MiB\"\nmax_append_size = \"1MiB\"",
        "limits.max_append_size",
        "exceeds limits.max_append_size",
        3,
    ),
    (
        "hierarchy_separator = \":\"",
        "hierarchy_separator",
        "must be",
        1,
    ),
    (
        "[limits]\nmax_nesting = 0",
        "limits.max_nesting",
        "outside 1..=128",
        2,
    ),
    (
        "[limits]\nmax_nesting = 5000",
        "limits.max_nesting",
        "outside 1..=128",
        2,
    ),
    (
        "[limits]\nmax_connections = -1",
        "limits.max_connections",
        "zero or more",
        2,
    ),
    (
        "[timeouts]\nlogin = \"0s\"",
        "timeouts.login",
        "0s is shorter than 1s",
        2,
    ),
    (
        "[timeouts]\nlogin = \"1s\"\nautologout = \"999ms\"",
        "timeouts.autologout",
        "999ms is shorter than 1s",
        3,
    ),
    (
        "[timeouts]\nautologout = 1800",
        "timeouts.autologout",
        "\"1800s\"",
        2,
    ),
    (
        "[timeouts]\nlogin = \"1 minute\"",
        "timeouts.login",
        "unknown unit",
        2,
    ),
    ("[log]\nlevel = \"inof\"", "log.level", "not a level", 2),
    ("[log]\nlevel = \"\"", "log.level", "must not be empty", 2),
    (
        "[log]\nlevel = \"info,dormouse=loud\"",
        "log.level",
        "\"loud\"",
        2,
    ),
];

#[test]
fn every_invalid_value_is_rejected_with_key_reason_and_line() {
    for &(text, key, words, line) in INVALID {
        let err = rejects(text);
        let ConfigError::Invalid {
            key: got,
            at,
            reason,
        } = &err
        else {
            panic!("{text:?}: expected Invalid, got {err:?}");
        };
        assert_eq!(got, key, "{text:?}: {err}");
        assert!(
            reason.contains(words),
            "{text:?}: {reason:?} lacks {words:?}"
        );
        let at = at
            .as_ref()
            .unwrap_or_else(|| panic!("{text:?}: no location"));
        assert_eq!(at.line, line, "{text:?}: {err}");
        let message = err.to_string();
        assert!(message.contains(&format!("`{key}`")), "{message}");
        assert!(
            message.starts_with(&format!("line {line}, column ")),
            "{message}"
        );
    }
}

/// Wrong TOML types and malformed TOML come from the toml parser itself.
const SYNTAX: &[(&str, &str, usize)] = &[
    ("data_dir = ", "malformed TOML", 1),
    (
        "[limits\nmax_nesting = 1",
        "invalid table header; expected",
        1,
    ),
    (
        "data_dir = \"a\"\ndata_dir = \"b\"",
        "duplicate key `data_dir`",
        2,
    ),
    ("[auth]\nallow_plaintext_auth = \"yes\"", "invalid type", 2),
    ("[log]\nformat = \"xml\"", "unknown variant `xml`", 2),
    ("[tls]\ncert = \"c\"", "missing field `key`", 1),
    ("[limits]\nmax_nesting = \"8\"", "invalid type", 2),
    ("[listen]\nimap = 143", "invalid type", 2),
];

#[test]
fn toml_errors_keep_their_line() {
    for &(text, words, line) in SYNTAX {
        let err = rejects(text);
        let ConfigError::Syntax { at, message } = &err else {
            panic!("{text:?}: expected Syntax, got {err:?}");
        };
        assert!(
            message.contains(words),
            "{text:?}: {message:?} lacks {words:?}"
        );
        assert_eq!(at.as_ref().map(|a| a.line), Some(line), "{text:?}: {err}");
    }
}

#[test]
fn unknown_keys_are_named_with_their_line() {
    for (text, key, line) in [
        ("imap_port = 143", "imap_port", 1),
        ("data-dir = \"x\"", "data-dir", 1),
        ("[limits]\nmax_nesting = 4\nmax_line = 100", "max_line", 3),
        ("\n[logging]\nlevel = \"info\"", "logging", 2),
        ("[auth]\nallow_plaintext = true", "allow_plaintext", 2),
        ("[listen]\npop3 = \"127.0.0.1:110\"", "pop3", 2),
        ("[timeouts]\nidle = \"29m\"", "idle", 2),
    ] {
        let err = rejects(text);
        let ConfigError::UnknownKey {
            key: got,
            at,
            expected,
        } = &err
        else {
            panic!("{text:?}: expected UnknownKey, got {err:?}");
        };
        assert_eq!(got, key, "{text:?}");
        assert_eq!(err.key(), Some(key));
        assert_eq!(at.as_ref().map(|a| a.line), Some(line), "{text:?}: {err}");
        assert!(!expected.is_empty(), "{text:?}: no list of valid keys");
        assert!(
            err.to_string().contains(&format!("unknown key `{key}`")),
            "{err}"
        );
    }
}

#[test]
fn unknown_key_lists_the_valid_keys_of_its_table() {
    let err = rejects("[limits]\nmax_line = 100");
    let message = err.to_string();
    assert!(message.contains("`max_line_length`"), "{message}");
    assert!(message.contains("`max_nesting`"), "{message}");
}

#[test]
fn errors_from_a_file_name_the_file() {
    let dir = std::env::temp_dir().join(format!("dormouse-config-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "# comment\n[limits]\nmax_nesting = 0\n").unwrap();
    let err = load(Some(&file), &Overrides::default()).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    let ConfigError::Invalid { at: Some(at), .. } = &err else {
        panic!("expected a located Invalid, got {err:?}");
    };
    assert_eq!(
        at,
        &Location {
            file: Some(file.clone()),
            line: 3,
            column: 15
        }
    );
    assert!(
        err.to_string()
            .starts_with(&format!("{}:3:15: `limits.max_nesting`", file.display())),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() {
    let missing = Path::new("/nonexistent/dormouse/config.toml");
    let err = load(Some(missing), &Overrides::default()).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Read { path, .. } if path == missing),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("/nonexistent/dormouse/config.toml"),
        "{err}"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let err = rejects("tls = { cert = \"é\", key = \"\" }");
    let ConfigError::Invalid { at: Some(at), .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((at.line, at.column), (1, 27));
    let err = rejects("# é\n[log]\nlevel = \"x\"");
    let ConfigError::Invalid { at: Some(at), .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((at.line, at.column), (3, 9));
}
