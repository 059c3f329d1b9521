//! The shipped `dormouse.example.toml` parses and states the real defaults.

use dormouse_config::{Config, Overrides, parse_str};

const EXAMPLE: &str = include_str!("../../../../dormouse.example.toml");

#[test]
fn example_file_parses_to_the_defaults() {
    let config = parse_str(EXAMPLE, &Overrides::default()).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn example_commented_options_are_valid_when_enabled() {
    // The optional parts are shipped commented out; uncommenting them must
    // give a working configuration, or the example is lying.
    let enabled: String = EXAMPLE
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if is_setting(rest) => rest,
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(enabled, EXAMPLE, "no optional lines found");
    let config = parse_str(&enabled, &Overrides::default()).unwrap();
    assert!(config.listen.imaps.is_some());
    assert!(config.tls.is_some());
}

/// A commented-out setting, as opposed to prose: a table header or `key = `.
fn is_setting(line: &str) -> bool {
    line == "[tls]"
        || line.split_once(" = ").is_some_and(|(key, _)| {
            !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
}
