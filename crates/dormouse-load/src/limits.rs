//! The safety bounds every run is held to: a cap on sessions per process,
//! a cap on run time, loopback-only targets, and enough open files. Checked
//! before the first socket is opened; nothing here opens one.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::LoadError;

/// Sessions one process may open. The machines this runs on cap open files
/// at 20,000 per process (a hard limit); one descriptor per session plus
/// LMTP connections and the runtime's own leave this margin.
pub const MAX_SESSIONS: usize = 19_000;

/// Descriptors a run needs besides its IMAP sessions: LMTP connections,
/// stdio, the runtime's epoll and wakers, /proc reads.
pub const SPARE_FDS: u64 = 64;

/// The longest `--max-duration` accepted: a forgotten run must not load a
/// shared machine for hours.
pub const MAX_DURATION_CAP: Duration = Duration::from_secs(3600);

/// Local addresses a run may bind: 127.0.0.2 .. 127.0.0.255.
pub const MAX_SOURCES: u8 = 254;

/// Refuses any target outside 127.0.0.0/8: the generator opens thousands of
/// connections and must never point them at another machine.
pub fn check_loopback(what: &'static str, addr: SocketAddr) -> Result<(), LoadError> {
    match addr {
        SocketAddr::V4(v4) if v4.ip().is_loopback() => Ok(()),
        _ => Err(LoadError::NotLoopback { what, addr }),
    }
}

pub fn check_sessions(sessions: usize) -> Result<(), LoadError> {
    if sessions == 0 || sessions > MAX_SESSIONS {
        return Err(LoadError::SessionCap {
            requested: sessions,
            cap: MAX_SESSIONS,
        });
    }
    Ok(())
}

pub fn check_duration(max: Duration) -> Result<(), LoadError> {
    if max.is_zero() || max > MAX_DURATION_CAP {
        return Err(LoadError::DurationCap {
            requested: max,
            cap: MAX_DURATION_CAP,
        });
    }
    Ok(())
}

/// The source addresses sessions are spread over: 127.0.0.2 onwards. Each
/// has its own ephemeral port range, so N sessions never exhaust one.
pub fn source_addresses(count: u8) -> Result<Vec<Ipv4Addr>, LoadError> {
    if count == 0 || count > MAX_SOURCES {
        return Err(LoadError::Sources(count));
    }
    Ok((0..count)
        .map(|i| Ipv4Addr::new(127, 0, 0, 2 + i))
        .collect())
}

/// Raises RLIMIT_NOFILE's soft limit to its hard limit and returns the new
/// soft limit.
pub fn raise_nofile_limit() -> std::io::Result<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if lim.rlim_cur < lim.rlim_max {
        lim.rlim_cur = lim.rlim_max;
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(lim.rlim_cur)
}

/// Raises the open-file limit and refuses a run that would not fit in it,
/// so the run fails at once instead of with EMFILE half-way through setup.
pub fn ensure_fds(sessions: usize, other_connections: usize) -> Result<u64, LoadError> {
    let limit = raise_nofile_limit().map_err(LoadError::Rlimit)?;
    let needed = sessions as u64 + other_connections as u64 + SPARE_FDS;
    if needed > limit {
        return Err(LoadError::FdLimit { needed, limit });
    }
    Ok(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ipv4_loopback_is_a_target() {
        for ok in ["127.0.0.1:1143", "127.1.2.3:24"] {
            assert!(check_loopback("imap", ok.parse().unwrap()).is_ok(), "{ok}");
        }
        for bad in ["10.0.0.1:143", "0.0.0.0:143", "[::1]:143", "192.168.1.1:24"] {
            assert!(
                matches!(
                    check_loopback("imap", bad.parse().unwrap()),
                    Err(LoadError::NotLoopback { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn caps() {
        assert!(check_sessions(1).is_ok());
        assert!(check_sessions(MAX_SESSIONS).is_ok());
        assert!(check_sessions(MAX_SESSIONS + 1).is_err());
        assert!(check_sessions(0).is_err());
        assert!(check_duration(Duration::from_secs(600)).is_ok());
        assert!(check_duration(Duration::ZERO).is_err());
        assert!(check_duration(MAX_DURATION_CAP + Duration::from_secs(1)).is_err());
    }

    #[test]
    fn sources_start_at_127_0_0_2() {
        let s = source_addresses(3).unwrap();
        assert_eq!(
            s,
            [
                Ipv4Addr::new(127, 0, 0, 2),
                Ipv4Addr::new(127, 0, 0, 3),
                Ipv4Addr::new(127, 0, 0, 4)
            ]
        );
        assert_eq!(
            source_addresses(254).unwrap().last(),
            Some(&Ipv4Addr::new(127, 0, 0, 255))
        );
        assert!(source_addresses(0).is_err());
        assert!(source_addresses(255).is_err());
    }

    #[test]
    fn fd_check_uses_the_raised_limit() {
        let limit = ensure_fds(10, 1).unwrap();
        assert!(limit >= 10 + 1 + SPARE_FDS);
        assert!(matches!(
            ensure_fds(usize::try_from(limit).unwrap(), 0),
            Err(LoadError::FdLimit { .. })
        ));
    }
}
