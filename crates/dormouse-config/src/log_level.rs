//! A rough check of `log.level` against `tracing`'s EnvFilter syntax, so a
//! typo is reported at load instead of silently logging nothing.
//!
//! Stricter than EnvFilter on purpose: a bare word must be a level, because
//! EnvFilter would read a misspelt level ("inof") as a target name and
//! quietly filter everything else out. Span filters (`target[span]=level`)
//! are passed through without inspecting the brackets.

const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];

/// Checks a comma-separated list of `level` or `target=level` directives.
///
/// The error is a reason for the caller to attach to the key.
pub(crate) fn check(filter: &str) -> Result<(), String> {
    if filter.trim().is_empty() {
        return Err(format!(
            "must not be empty; use one of {}",
            LEVELS.join(", ")
        ));
    }
    for directive in filter.split(',') {
        check_directive(directive.trim())?;
    }
    Ok(())
}

fn check_directive(directive: &str) -> Result<(), String> {
    if directive.is_empty() {
        return Err("contains an empty directive (two commas, or a trailing comma)".to_owned());
    }
    let Some((target, level)) = directive.rsplit_once('=') else {
        return check_level(directive).map_err(|_| {
            format!(
                "\"{directive}\" is not a level; use one of {}, or target=level",
                LEVELS.join(", ")
            )
        });
    };
    check_level(level.trim())?;
    let target = target.trim();
    let name = target.split('[').next().unwrap_or(target);
    if name.is_empty() && !target.starts_with('[') {
        return Err(format!("\"{directive}\" has no target before '='"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.')))
    {
        return Err(format!(
            "target \"{name}\" contains '{bad}'; targets are module paths such as dormouse_server::session"
        ));
    }
    Ok(())
}

fn check_level(level: &str) -> Result<(), String> {
    if LEVELS.iter().any(|l| l.eq_ignore_ascii_case(level)) {
        Ok(())
    } else {
        Err(format!(
            "\"{level}\" is not a level; use one of {}",
            LEVELS.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_env_filter_directives() {
        for ok in [
            "info",
            "WARN",
            "dormouse_server=debug",
            "info,dormouse_server::session=trace",
            "warn, dormouse_proto=debug",
            "dormouse[conn{peer=1}]=debug",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_typos_and_garbage() {
        for bad in ["", "inof", "info,", "=debug", "dormouse=loud", "a b=info"] {
            assert!(check(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
