//! `dormouse config check`: prints the effective config or names the bad key.

use std::path::Path;

use dormouse_config::{Overrides, parse_str};

use crate::support::dormouse;

#[test]
fn check_prints_a_config_that_parses_back_to_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("dormouse.toml");
    std::fs::write(
        &config,
        "data_dir = \"/srv/dm\"\n[limits]\nmax_nesting = 7\n[log]\nformat = \"json\"\n",
    )
    .unwrap();
    let path = config.to_str().unwrap();
    let run = dormouse(dir.path(), &["config", "check", "--config", path], b"").success();
    let printed = parse_str(&run.stdout, &Overrides::default())
        .unwrap_or_else(|e| panic!("{e}\n{}", run.stdout));
    let loaded = dormouse_config::load(Some(&config), &Overrides::default()).unwrap();
    assert_eq!(printed, loaded);
    assert_eq!(printed.limits.max_nesting, 7);
}

#[test]
fn check_without_a_file_prints_defaults_with_the_flag_applied() {
    let dir = tempfile::tempdir().unwrap();
    let run = dormouse(
        dir.path(),
        &["config", "check", "--data-dir", "/var/lib/dm"],
        b"",
    )
    .success();
    let printed = parse_str(&run.stdout, &Overrides::default()).unwrap();
    assert_eq!(printed.data_dir, Path::new("/var/lib/dm"));
    assert_eq!(printed.users_file, Path::new("/var/lib/dm/users"));
    assert_eq!(printed.limits, dormouse_config::LimitSettings::default());
}

#[test]
fn a_bad_value_exits_1_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[limits]\nmax_literal = \"1GiB\"\n").unwrap();
    let path = config.to_str().unwrap();
    let run = dormouse(dir.path(), &["config", "check", "--config", path], b"");
    assert_eq!(run.stdout, "");
    let stderr = run.failure();
    assert!(stderr.contains("`limits.max_literal`"), "{stderr}");
    assert!(stderr.contains(&format!("{path}:2:")), "{stderr}");
    assert!(stderr.contains("max_append_size"), "{stderr}");
}

#[test]
fn an_unknown_key_exits_1_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "[listen]\nimap = \"127.0.0.1:1143\"\npop3 = \"127.0.0.1:110\"\n",
    )
    .unwrap();
    let stderr = dormouse(
        dir.path(),
        &["config", "check", "--config", config.to_str().unwrap()],
        b"",
    )
    .failure();
    assert!(stderr.contains("unknown key `pop3`"), "{stderr}");
    assert!(stderr.contains(":3:"), "{stderr}");
}

#[test]
fn a_missing_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = dormouse(
        dir.path(),
        &["config", "check", "--config", "nope.toml"],
        b"",
    )
    .failure();
    assert!(
        stderr.contains("cannot read configuration file nope.toml"),
        "{stderr}"
    );
}

#[test]
fn the_example_file_checks_clean() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dormouse.example.toml");
    let dir = tempfile::tempdir().unwrap();
    let run = dormouse(
        dir.path(),
        &["config", "check", "--config", example.to_str().unwrap()],
        b"",
    )
    .success();
    let printed = parse_str(&run.stdout, &Overrides::default()).unwrap();
    assert_eq!(printed, dormouse_config::Config::default());
}
