//! Stage two: raw values plus command-line overrides become a typed,
//! checked `Config`, or an error naming the key, the line and the reason.
//!
//! Pure: no filesystem or network access. Paths are resolved against
//! `data_dir` textually; whether they exist is the server's business.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use crate::error::{ConfigError, Location};
use crate::raw::{self, At, RawConfig, Scalar};
use crate::settings::{
    AuthSettings, LimitSettings, Listen, LogSettings, TimeoutSettings, TlsFiles,
};
use crate::template::MailLocation;
use crate::{Config, ListenAddr, Overrides, log_level, units};

/// The text a configuration came from, for turning spans into locations.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub file: Option<&'a Path>,
}

impl Source<'_> {
    fn locate<T>(&self, value: &Spanned<T>) -> Option<Location> {
        Some(Location::from_span(self.text, &value.span(), self.file))
    }

    fn invalid<T>(&self, key: &str, value: &Spanned<T>, reason: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            key: key.to_owned(),
            at: self.locate(value),
            reason: reason.into(),
        }
    }
}

/// An error about a value that may have come from a flag rather than the file.
fn invalid_at(key: &str, at: Option<Location>, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        at,
        reason: reason.into(),
    }
}

/// An error about a value that has no place in the file (a default or a flag).
fn unplaced(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        at: None,
        reason: reason.into(),
    }
}

pub(crate) fn build(
    raw: RawConfig,
    src: Source<'_>,
    overrides: &Overrides,
) -> Result<Config, ConfigError> {
    let data_dir = match &overrides.data_dir {
        Some(dir) if dir.as_os_str().is_empty() => {
            return Err(unplaced("data_dir", "must not be empty (from --data-dir)"));
        }
        Some(dir) => dir.clone(),
        None => path_or(
            src,
            "data_dir",
            raw.data_dir.as_ref(),
            Path::new(raw::DATA_DIR),
        )?,
    };
    let users_file = data_dir.join(match &raw.users_file {
        Some(v) => file_path(src, "users_file", v)?,
        None => PathBuf::from(raw::USERS_FILE),
    });
    let mail_location = match &raw.mail_location {
        Some(t) => MailLocation::new(t.get_ref(), &data_dir)
            .map_err(|reason| src.invalid("mail_location", t, reason))?,
        None => MailLocation::new(raw::MAIL_LOCATION, &data_dir)
            .map_err(|reason| unplaced("mail_location", reason))?,
    };
    let tls = match raw.tls {
        Some(tls) => Some(TlsFiles {
            cert: data_dir.join(file_path(src, "tls.cert", &tls.cert)?),
            key: data_dir.join(file_path(src, "tls.key", &tls.key)?),
        }),
        None => None,
    };
    let listen = listen(src, &raw.listen, overrides)?;
    if let (Some(_), None) = (listen.imaps, &tls) {
        return Err(invalid_at(
            "listen.imaps",
            raw.listen.imaps.as_ref().and_then(|v| src.locate(v)),
            "needs a [tls] table with cert and key",
        ));
    }
    Ok(Config {
        data_dir,
        listen,
        users_file,
        mail_location,
        tls,
        auth: auth(src, &raw.auth)?,
        limits: limits(src, &raw.limits)?,
        timeouts: timeouts(src, &raw.timeouts)?,
        log: log(src, raw.log)?,
        shutdown_grace: duration_or(
            src,
            "shutdown_grace",
            raw.shutdown_grace.as_ref(),
            Duration::from_secs(raw::SHUTDOWN_GRACE_SECS),
        )?,
        hierarchy_separator: separator(src, raw.hierarchy_separator.as_ref())?,
    })
}

/// `.` or `/`: the two separators Maildir++ names can carry unambiguously.
fn separator(src: Source<'_>, raw: Option<&Spanned<String>>) -> Result<char, ConfigError> {
    let Some(value) = raw else {
        return Ok(raw::HIERARCHY_SEPARATOR);
    };
    match value.get_ref().as_str() {
        "." => Ok('.'),
        "/" => Ok('/'),
        _ => Err(src.invalid("hierarchy_separator", value, "must be \".\" or \"/\"")),
    }
}

fn listen(
    src: Source<'_>,
    raw: &raw::RawListen,
    overrides: &Overrides,
) -> Result<Listen, ConfigError> {
    // Each address with its key and, when it came from the file, its place.
    let pick = |key: &str, flag: Option<SocketAddr>, value: &At<String>| match (flag, value) {
        (Some(addr), _) => Ok(Some((addr, None))),
        (None, Some(v)) => parse_addr(src, key, v).map(|a| Some((a, src.locate(v)))),
        (None, None) => Ok(None),
    };
    let imap = pick("listen.imap", overrides.imap, &raw.imap)?.unwrap_or((raw::IMAP_ADDR, None));
    let lmtp = match (&overrides.lmtp, &raw.lmtp) {
        (Some(addr), _) => (addr.clone(), None),
        (None, Some(v)) => (
            v.get_ref()
                .parse::<ListenAddr>()
                .map_err(|e| src.invalid("listen.lmtp", v, e.to_string()))?,
            src.locate(v),
        ),
        (None, None) => (ListenAddr::Tcp(raw::LMTP_ADDR), None),
    };
    let imaps = pick("listen.imaps", overrides.imaps, &raw.imaps)?;

    // A UNIX socket cannot clash with a port, so only TCP takes part.
    let mut named = vec![("listen.imap", imap.0)];
    let mut places = vec![imap.1];
    if let Some(addr) = lmtp.0.tcp() {
        named.push(("listen.lmtp", addr));
        places.push(lmtp.1.clone());
    }
    if let Some((addr, at)) = &imaps {
        named.push(("listen.imaps", *addr));
        places.push(at.clone());
    }
    for (i, (key, addr)) in named.iter().enumerate() {
        for (other_key, other) in named.iter().take(i) {
            if conflicts(*addr, *other) {
                return Err(invalid_at(
                    key,
                    places.get(i).cloned().flatten(),
                    format!(
                        "{addr} clashes with {other_key} ({other}); each listener needs its own port"
                    ),
                ));
            }
        }
    }
    Ok(Listen {
        imap: imap.0,
        lmtp: lmtp.0,
        imaps: imaps.map(|(addr, _)| addr),
    })
}

/// Two listeners cannot bind the same port if either is the wildcard
/// address or both name the same address. Port 0 asks the OS for a fresh
/// port each time, so it never clashes (tests rely on that).
fn conflicts(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() != 0
        && a.port() == b.port()
        && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
}

fn parse_addr(
    src: Source<'_>,
    key: &str,
    value: &Spanned<String>,
) -> Result<SocketAddr, ConfigError> {
    value.get_ref().trim().parse().map_err(|_| {
        src.invalid(
            key,
            value,
            format!(
                "\"{}\" is not an IP address with a port, such as \"127.0.0.1:1143\" or \
                 \"[::]:143\" (host names are not resolved)",
                value.get_ref()
            ),
        )
    })
}

fn auth(src: Source<'_>, raw: &raw::RawAuth) -> Result<AuthSettings, ConfigError> {
    let defaults = AuthSettings::default();
    let settings = AuthSettings {
        allow_plaintext_auth: raw
            .allow_plaintext_auth
            .unwrap_or(defaults.allow_plaintext_auth),
        cache_ttl: duration_or(
            src,
            "auth.cache_ttl",
            raw.cache_ttl.as_ref(),
            defaults.cache_ttl,
        )?,
        failure_delay: duration_or(
            src,
            "auth.failure_delay",
            raw.failure_delay.as_ref(),
            defaults.failure_delay,
        )?,
        max_failure_delay: duration_or(
            src,
            "auth.max_failure_delay",
            raw.max_failure_delay.as_ref(),
            defaults.max_failure_delay,
        )?,
    };
    if settings.failure_delay > settings.max_failure_delay {
        let (key, at) = blame(
            src,
            ("auth.failure_delay", &raw.failure_delay),
            ("auth.max_failure_delay", &raw.max_failure_delay),
        );
        return Err(invalid_at(
            key,
            at,
            format!(
                "auth.failure_delay ({}) is longer than auth.max_failure_delay ({}); the \
                 delay grows from the first up to the second",
                units::format_duration(settings.failure_delay),
                units::format_duration(settings.max_failure_delay)
            ),
        ));
    }
    Ok(settings)
}

fn limits(src: Source<'_>, raw: &raw::RawLimits) -> Result<LimitSettings, ConfigError> {
    let defaults = LimitSettings::default();
    let line = size_or(
        src,
        "limits.max_line_length",
        raw.max_line_length.as_ref(),
        defaults.max_line_length as u64,
    )?;
    let max_line_length = usize::try_from(line)
        .ok()
        .filter(|n| *n >= raw::MIN_LINE_LENGTH)
        .ok_or_else(|| {
            invalid_at(
                "limits.max_line_length",
                raw.max_line_length.as_ref().and_then(|v| src.locate(v)),
                format!(
                    "{line} is below {}, the line length RFC 7162 section 4 tells clients \
                     they may use",
                    raw::MIN_LINE_LENGTH
                ),
            )
        })?;
    let max_literal = literal_size(
        src,
        "limits.max_literal",
        &raw.max_literal,
        defaults.max_literal,
    )?;
    let max_append_size = literal_size(
        src,
        "limits.max_append_size",
        &raw.max_append_size,
        defaults.max_append_size,
    )?;
    if max_literal > max_append_size {
        let (key, at) = blame(
            src,
            ("limits.max_literal", &raw.max_literal),
            ("limits.max_append_size", &raw.max_append_size),
        );
        return Err(invalid_at(
            key,
            at,
            format!(
                "limits.max_literal ({}) exceeds limits.max_append_size ({}); a message \
                 must be allowed to be at least as large as any other literal",
                units::format_size(max_literal.into()),
                units::format_size(max_append_size.into())
            ),
        ));
    }
    let max_nesting = count_or(
        src,
        "limits.max_nesting",
        raw.max_nesting.as_ref(),
        defaults.max_nesting,
    )?;
    if !(1..=raw::MAX_NESTING_CEILING).contains(&max_nesting) {
        return Err(invalid_at(
            "limits.max_nesting",
            raw.max_nesting.as_ref().and_then(|v| src.locate(v)),
            format!(
                "{max_nesting} is outside 1..={}; deeper nesting would let one command \
                 exhaust the parser's stack",
                raw::MAX_NESTING_CEILING
            ),
        ));
    }
    let max_connections = count_or(
        src,
        "limits.max_connections",
        raw.max_connections.as_ref(),
        defaults.max_connections,
    )?;
    Ok(LimitSettings {
        max_line_length,
        max_literal,
        max_append_size,
        max_nesting,
        max_connections,
    })
}

fn timeouts(src: Source<'_>, raw: &raw::RawTimeouts) -> Result<TimeoutSettings, ConfigError> {
    let defaults = TimeoutSettings::default();
    Ok(TimeoutSettings {
        login: timeout(src, "timeouts.login", &raw.login, defaults.login)?,
        autologout: timeout(
            src,
            "timeouts.autologout",
            &raw.autologout,
            defaults.autologout,
        )?,
        idle_keepalive: timeout(
            src,
            "timeouts.idle_keepalive",
            &raw.idle_keepalive,
            defaults.idle_keepalive,
        )?,
        idle_timeout: timeout(
            src,
            "timeouts.idle_timeout",
            &raw.idle_timeout,
            defaults.idle_timeout,
        )?,
        // Zero is meaningful here: hibernate as soon as the session is idle.
        hibernate_after: duration_or(
            src,
            "timeouts.hibernate_after",
            raw.hibernate_after.as_ref(),
            defaults.hibernate_after,
        )?,
        write_stall: timeout(
            src,
            "timeouts.write_stall",
            &raw.write_stall,
            defaults.write_stall,
        )?,
    })
}

/// A connection timeout: a duration of at least [`raw::MIN_TIMEOUT_MS`].
fn timeout(
    src: Source<'_>,
    key: &str,
    value: &At<Scalar>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let duration = duration_or(src, key, value.as_ref(), default)?;
    let floor = Duration::from_millis(raw::MIN_TIMEOUT_MS);
    if duration < floor {
        return Err(invalid_at(
            key,
            value.as_ref().and_then(|v| src.locate(v)),
            format!(
                "{} is shorter than {}; a timeout this short would close connections \
                 before a client can use them",
                units::format_duration(duration),
                units::format_duration(floor)
            ),
        ));
    }
    Ok(duration)
}

fn log(src: Source<'_>, raw: raw::RawLog) -> Result<LogSettings, ConfigError> {
    let defaults = LogSettings::default();
    let level = match raw.level {
        Some(level) => {
            log_level::check(level.get_ref()).map_err(|r| src.invalid("log.level", &level, r))?;
            level.into_inner().trim().to_owned()
        }
        None => defaults.level,
    };
    Ok(LogSettings {
        level,
        format: raw.format.unwrap_or(defaults.format),
    })
}

/// For a rule between two keys, blames the one the file set (the second if
/// both), since the administrator can only have typed those.
fn blame<'k, A, B>(
    src: Source<'_>,
    first: (&'k str, &At<A>),
    second: (&'k str, &At<B>),
) -> (&'k str, Option<Location>) {
    match (first.1, second.1) {
        (_, Some(v)) => (second.0, src.locate(v)),
        (Some(v), None) => (first.0, src.locate(v)),
        (None, None) => (second.0, None),
    }
}

/// A literal size: positive, and within the 32 bits the command decoder
/// counts literal lengths in (RFC 3501's `number`).
fn literal_size(
    src: Source<'_>,
    key: &str,
    value: &At<Scalar>,
    default: u32,
) -> Result<u32, ConfigError> {
    let bytes = size_or(src, key, value.as_ref(), default.into())?;
    let reason = if bytes == 0 {
        "must be greater than zero".to_owned()
    } else if let Ok(fits) = u32::try_from(bytes) {
        return Ok(fits);
    } else {
        format!(
            "{} is too large; literal sizes are 32-bit numbers, so the most is {} bytes",
            units::format_size(bytes),
            u32::MAX
        )
    };
    Err(invalid_at(
        key,
        value.as_ref().and_then(|v| src.locate(v)),
        reason,
    ))
}

fn path_or(
    src: Source<'_>,
    key: &str,
    value: Option<&Spanned<String>>,
    default: &Path,
) -> Result<PathBuf, ConfigError> {
    match value {
        Some(v) => path(src, key, v),
        None => Ok(default.to_path_buf()),
    }
}

fn path(src: Source<'_>, key: &str, value: &Spanned<String>) -> Result<PathBuf, ConfigError> {
    if value.get_ref().contains('\0') {
        return Err(src.invalid(key, value, "contains a NUL character"));
    }
    if value.get_ref().is_empty() {
        return Err(src.invalid(key, value, "must not be empty"));
    }
    Ok(PathBuf::from(value.get_ref()))
}

/// A path that must name a file, not a directory such as "." or "/".
fn file_path(src: Source<'_>, key: &str, value: &Spanned<String>) -> Result<PathBuf, ConfigError> {
    let path = path(src, key, value)?;
    if path.file_name().is_none() {
        return Err(src.invalid(key, value, "must name a file, not a directory"));
    }
    Ok(path)
}

fn duration_or(
    src: Source<'_>,
    key: &str,
    value: Option<&Spanned<Scalar>>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let Some(v) = value else {
        return Ok(default);
    };
    match v.get_ref() {
        Scalar::Text(text) => units::parse_duration(text).map_err(|r| src.invalid(key, v, r)),
        Scalar::Int(n) => Err(src.invalid(
            key,
            v,
            format!(
                "a bare number is ambiguous; write it with a unit, such as \"{n}s\" or \"{n}ms\""
            ),
        )),
    }
}

fn size_or(
    src: Source<'_>,
    key: &str,
    value: Option<&Spanned<Scalar>>,
    default: u64,
) -> Result<u64, ConfigError> {
    let Some(v) = value else {
        return Ok(default);
    };
    match v.get_ref() {
        Scalar::Text(text) => units::parse_size(text).map_err(|r| src.invalid(key, v, r)),
        Scalar::Int(n) => {
            u64::try_from(*n).map_err(|_| src.invalid(key, v, "must not be negative"))
        }
    }
}

fn count_or(
    src: Source<'_>,
    key: &str,
    value: Option<&Spanned<i64>>,
    default: usize,
) -> Result<usize, ConfigError> {
    match value {
        Some(v) => usize::try_from(*v.get_ref())
            .map_err(|_| src.invalid(key, v, "must be a whole number, zero or more")),
        None => Ok(default),
    }
}
