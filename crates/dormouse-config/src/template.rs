//! The `mail_location` template: parsed and checked once at load, expanded
//! per user at login.
//!
//! Expansion does no IO: it never looks at whether the directory exists. Its
//! one job beyond substitution is refusing any result that could leave the
//! place the administrator meant, because the user name comes from a client.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use crate::error::{ConfigError, ExpandError};

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `%u`: the full user name.
    User,
    /// `%n`: the part before the first '@' (the whole name if there is none).
    LocalPart,
    /// `%d`: the part after the first '@' (empty if there is none).
    Domain,
    /// `%h`: the home directory from the passwd-file.
    Home,
}

/// Where a user's mail lives, as a validated template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLocation {
    template: String,
    segments: Vec<Segment>,
    /// Relative expansions are joined onto this (the data directory).
    base: PathBuf,
}

impl MailLocation {
    /// Parses `template`, resolving relative results against `base`.
    ///
    /// The error is a reason for the caller to attach to the key.
    pub fn new(template: &str, base: &Path) -> Result<Self, String> {
        let segments = parse(template)?;
        if !segments
            .iter()
            .any(|s| matches!(s, Segment::User | Segment::LocalPart | Segment::Home))
        {
            return Err(
                "must contain %u, %n or %h, otherwise every user would share \
                        one mail directory"
                    .to_owned(),
            );
        }
        if template.contains('\0') {
            return Err("contains a NUL character".to_owned());
        }
        // Placeholders stand in as ordinary names, so a ".." found here was
        // written by the administrator and would fail every expansion.
        let sample: String = segments
            .iter()
            .map(|s| match s {
                Segment::Literal(text) => text.as_str(),
                _ => "x",
            })
            .collect();
        if Path::new(&sample)
            .components()
            .any(|c| c == Component::ParentDir)
        {
            return Err("must not contain a '..' path component".to_owned());
        }
        Ok(MailLocation {
            template: template.to_owned(),
            segments,
            base: base.to_path_buf(),
        })
    }

    /// The built-in default, `raw::MAIL_LOCATION` ("mail/%u"), built without
    /// a fallible parse; a test checks the two agree.
    pub(crate) fn per_user_under(base: &Path) -> Self {
        MailLocation {
            template: crate::raw::MAIL_LOCATION.to_owned(),
            segments: vec![Segment::Literal("mail/".to_owned()), Segment::User],
            base: base.to_path_buf(),
        }
    }

    /// The template as written, with its placeholders.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The directory relative expansions are resolved against.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Whether expansion needs the user's home directory (`%h`).
    pub fn uses_home(&self) -> bool {
        self.segments.contains(&Segment::Home)
    }

    /// The mail directory for `user`, whose home (from the passwd-file) is
    /// `home`.
    ///
    /// Refuses user names containing '/' or NUL, names (or their local or
    /// domain part) equal to "." or "..", and any result with a ".."
    /// component, so that a crafted login name can never reach another
    /// user's mail or leave the mail tree. The error is always
    /// `ConfigError::Expand`.
    pub fn expand(&self, user: &str, home: Option<&Path>) -> Result<PathBuf, ConfigError> {
        self.try_expand(user, home).map_err(ConfigError::Expand)
    }

    fn try_expand(&self, user: &str, home: Option<&Path>) -> Result<PathBuf, ExpandError> {
        let (local, domain) = check_user(user)?;
        if self.segments.contains(&Segment::LocalPart) && local.is_empty() {
            return Err(ExpandError::EmptyLocalPart);
        }
        let mut out = OsString::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push(text),
                Segment::User => out.push(user),
                Segment::LocalPart => out.push(local),
                Segment::Domain => out.push(domain),
                Segment::Home => match home {
                    Some(home) if !home.as_os_str().is_empty() => out.push(home),
                    _ => return Err(ExpandError::MissingHome),
                },
            }
        }
        let expanded = PathBuf::from(out);
        if expanded.as_os_str().is_empty() {
            return Err(ExpandError::Empty);
        }
        if expanded.components().any(|c| c == Component::ParentDir) {
            return Err(ExpandError::ParentComponent);
        }
        match (self.is_absolute(), expanded.is_absolute()) {
            (true, _) => Ok(expanded),
            (false, false) => Ok(self.base.join(expanded)),
            (false, true) => Err(ExpandError::LeavesBase),
        }
    }

    /// Whether the template itself names an absolute path (a leading `/`
    /// or `%h`); only then may an expansion be absolute.
    fn is_absolute(&self) -> bool {
        match self.segments.first() {
            Some(Segment::Literal(text)) => text.starts_with('/'),
            Some(Segment::Home) => true,
            _ => false,
        }
    }
}

/// Splits a user name into local part and domain after checking it cannot
/// smuggle path syntax into the expansion.
fn check_user(user: &str) -> Result<(&str, &str), ExpandError> {
    if user.is_empty() {
        return Err(ExpandError::EmptyUser);
    }
    if user.contains('/') {
        return Err(ExpandError::UserContainsSlash);
    }
    if user.contains('\0') {
        return Err(ExpandError::UserContainsNul);
    }
    // The first '@' splits, as Dovecot's %n and %d do.
    let (local, domain) = user.split_once('@').unwrap_or((user, ""));
    if [user, local, domain]
        .iter()
        .any(|part| *part == "." || *part == "..")
    {
        return Err(ExpandError::DotUser);
    }
    Ok((local, domain))
}

fn parse(template: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        let placeholder = match chars.next() {
            Some('%') => {
                literal.push('%');
                continue;
            }
            Some('u') => Segment::User,
            Some('n') => Segment::LocalPart,
            Some('d') => Segment::Domain,
            Some('h') => Segment::Home,
            Some(other) => {
                return Err(format!(
                    "unknown placeholder %{other}; use %u (user), %n (local part), \
                     %d (domain), %h (home) or %% (a literal %)"
                ));
            }
            None => return Err("ends with a lone '%'; write %% for a literal %".to_owned()),
        };
        if !literal.is_empty() {
            segments.push(Segment::Literal(std::mem::take(&mut literal)));
        }
        segments.push(placeholder);
    }
    if !literal.is_empty() {
        segments.push(Segment::Literal(literal));
    }
    Ok(segments)
}
