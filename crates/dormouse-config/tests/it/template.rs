//! `mail_location` expansion: placeholders, relative bases, traversal refused.

use std::path::{Path, PathBuf};

use dormouse_config::{ConfigError, ExpandError, MailLocation, Overrides, parse_str};

fn location(template: &str) -> MailLocation {
    MailLocation::new(template, Path::new("/data")).unwrap()
}

fn expand(template: &str, user: &str, home: Option<&Path>) -> Result<PathBuf, ExpandError> {
    location(template)
        .expand(user, home)
        .map_err(|err| match err {
            ConfigError::Expand(e) => e,
            other => panic!("expand returned a non-Expand error: {other:?}"),
        })
}

#[test]
fn placeholders_expand() {
    let home = Path::new("/home/bob");
    for (template, user, want) in [
        ("/m/%u", "bob@example.org", "/m/bob@example.org"),
        ("/m/%n", "bob@example.org", "/m/bob"),
        ("/m/%d/%n", "bob@example.org", "/m/example.org/bob"),
        ("/m/%d/%n", "bob", "/m/bob"),
        ("/m/%n", "bob", "/m/bob"),
        ("%h/Maildir", "bob", "/home/bob/Maildir"),
        ("/m/100%%/%u", "bob", "/m/100%/bob"),
        ("/m/%u", "a@b@c", "/m/a@b@c"),
        ("/m/%d/%n", "a@b@c", "/m/b@c/a"),
    ] {
        assert_eq!(
            expand(template, user, Some(home)),
            Ok(PathBuf::from(want)),
            "{template} for {user}"
        );
    }
}

#[test]
fn relative_expansions_resolve_against_the_data_dir() {
    assert_eq!(
        expand("mail/%u", "bob", None),
        Ok(PathBuf::from("/data/mail/bob"))
    );
    let config = parse_str(
        "data_dir = \"/srv/dm\"\nmail_location = \"boxes/%d/%n\"",
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(
        config.mail_location.expand("ann@x.org", None).unwrap(),
        Path::new("/srv/dm/boxes/x.org/ann")
    );
    assert_eq!(config.mail_location.base(), Path::new("/srv/dm"));
}

#[test]
fn the_default_template_gives_one_directory_per_user() {
    let config = parse_str("data_dir = \"/d\"", &Overrides::default()).unwrap();
    assert_eq!(
        config.mail_location.expand("bob@x", None).unwrap(),
        Path::new("/d/mail/bob@x")
    );
    assert!(!config.mail_location.uses_home());
}

#[test]
fn home_is_required_only_when_used() {
    assert!(location("%h/mail").uses_home());
    assert_eq!(
        expand("%h/mail", "bob", None),
        Err(ExpandError::MissingHome)
    );
    assert_eq!(
        expand("%h/mail", "bob", Some(Path::new(""))),
        Err(ExpandError::MissingHome)
    );
    assert_eq!(expand("/m/%u", "bob", None), Ok(PathBuf::from("/m/bob")));
}

#[test]
fn traversal_through_the_user_name_is_refused() {
    for (user, want) in [
        ("../alice", ExpandError::UserContainsSlash),
        ("bob/../../etc", ExpandError::UserContainsSlash),
        ("/etc", ExpandError::UserContainsSlash),
        ("..", ExpandError::DotUser),
        (".", ExpandError::DotUser),
        ("..@example.org", ExpandError::DotUser),
        ("bob@..", ExpandError::DotUser),
        ("", ExpandError::EmptyUser),
        ("bob\0", ExpandError::UserContainsNul),
    ] {
        assert_eq!(
            expand("/m/%d/%n", user, None),
            Err(want.clone()),
            "{user:?}"
        );
    }
    assert_eq!(
        expand("/m/%n", "@example.org", None),
        Err(ExpandError::EmptyLocalPart)
    );
}

#[test]
fn traversal_through_the_home_is_refused() {
    assert_eq!(
        expand("%h/mail", "bob", Some(Path::new("/home/../etc"))),
        Err(ExpandError::ParentComponent)
    );
}

#[test]
fn dots_inside_names_are_fine() {
    assert_eq!(
        expand("/m/%u", "bob..smith", None),
        Ok(PathBuf::from("/m/bob..smith"))
    );
    assert_eq!(expand("/m/%u", "...", None), Ok(PathBuf::from("/m/...")));
}

#[test]
fn bad_templates_are_refused_at_load() {
    for template in [
        "/m/%x",
        "/m/%",
        "/m/shared",
        "/m/%d",
        "/m/../%u",
        "%u/..",
        "/m/%u\0",
    ] {
        assert!(
            MailLocation::new(template, Path::new("/data")).is_err(),
            "{template:?} was accepted"
        );
    }
}

#[test]
fn expansion_errors_are_config_errors_with_a_message() {
    let err = location("/m/%u").expand("../x", None).unwrap_err();
    assert!(matches!(
        err,
        ConfigError::Expand(ExpandError::UserContainsSlash)
    ));
    assert!(err.to_string().contains('/'), "{err}");
}

/// `%d/%n` for a user without a domain must not become `/bob` (review
/// finding, issue #2): a relative template stays under the data dir.
#[test]
fn an_empty_leading_placeholder_cannot_make_an_absolute_path() {
    assert_eq!(expand("%d/%n", "bob", None), Err(ExpandError::LeavesBase));
    assert_eq!(expand("%d/%n", "root@", None), Err(ExpandError::LeavesBase));
    assert!(expand("%d/%n", "bob@example.org", None).is_ok());
    assert!(expand("/srv/mail/%u", "bob", None).is_ok_and(|p| p == Path::new("/srv/mail/bob")));
}
