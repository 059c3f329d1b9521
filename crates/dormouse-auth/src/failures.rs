//! Failed-login counts per remote address, from which the reply delay grows.
//! Takes `now` from the caller rather than reading the clock.
//!
//! A success does not reset an address's count: behind a shared NAT, one
//! user logging in must not wipe the count an attacker at the same address
//! has built up, and an attacker holding one valid account must not be able
//! to launder its guesses. Successful logins are never delayed anyway, so a
//! legitimate user only feels the count when they mistype.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// A count is forgotten after this long without a new failure.
pub(crate) const FAILURE_DECAY: Duration = Duration::from_secs(5 * 60);

/// Most addresses tracked at once; enough for a busy server, small enough
/// (a few MiB) that a botnet cannot exhaust memory through it.
pub(crate) const MAX_TRACKED: usize = 65_536;

/// IPv6 clients usually own a whole /64, so counting per address would let
/// one client rotate through 2^64 fresh counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Source {
    V4(u32),
    V6Prefix(u64),
}

impl From<IpAddr> for Source {
    fn from(ip: IpAddr) -> Source {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Source::V4(v4.to_bits()),
            IpAddr::V6(v6) => Source::V6Prefix((v6.to_bits() >> 64) as u64),
        }
    }
}

#[derive(Clone, Copy)]
struct Record {
    count: u32,
    last: Instant,
}

pub(crate) struct FailureTracker {
    records: HashMap<Source, Record>,
    capacity: usize,
}

impl FailureTracker {
    pub(crate) fn new(capacity: usize) -> FailureTracker {
        FailureTracker {
            records: HashMap::new(),
            capacity,
        }
    }

    pub(crate) fn count(&self, ip: IpAddr, now: Instant) -> u32 {
        self.records
            .get(&Source::from(ip))
            .filter(|r| !decayed(r, now))
            .map_or(0, |r| r.count)
    }

    /// Records one failure and returns the address's new count.
    pub(crate) fn record(&mut self, ip: IpAddr, now: Instant) -> u32 {
        let source = Source::from(ip);
        if !self.records.contains_key(&source) && self.records.len() >= self.capacity {
            self.make_room(now);
        }
        let record = self.records.entry(source).or_insert(Record {
            count: 0,
            last: now,
        });
        if decayed(record, now) {
            record.count = 0;
        }
        record.count = record.count.saturating_add(1);
        record.last = now;
        record.count
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Drops decayed records, then if still full the least recently failing
    /// eighth, so the cost of a sort is paid once per many insertions.
    fn make_room(&mut self, now: Instant) {
        self.records.retain(|_, r| !decayed(r, now));
        if self.records.len() < self.capacity {
            return;
        }
        let mut lasts: Vec<Instant> = self.records.values().map(|r| r.last).collect();
        if lasts.is_empty() {
            return;
        }
        let cut = (lasts.len() / 8).max(1) - 1;
        let (_, &mut threshold, _) = lasts.select_nth_unstable(cut);
        self.records.retain(|_, r| r.last > threshold);
    }
}

fn decayed(r: &Record, now: Instant) -> bool {
    now.saturating_duration_since(r.last) >= FAILURE_DECAY
}

/// `base * 2^(failures-1)`, capped at `max`; zero failures means no delay.
pub(crate) fn delay_for(failures: u32, base: Duration, max: Duration) -> Duration {
    let Some(doublings) = failures.checked_sub(1) else {
        return Duration::ZERO;
    };
    let factor = 1u32 << doublings.min(31);
    base.saturating_mul(factor).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const V4: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));

    #[test]
    fn delay_doubles_and_is_capped() {
        let base = Duration::from_secs(2);
        let max = Duration::from_secs(15);
        let got: Vec<u64> = (0..8).map(|n| delay_for(n, base, max).as_secs()).collect();
        assert_eq!(got, [0, 2, 4, 8, 15, 15, 15, 15]);
        assert_eq!(delay_for(u32::MAX, base, max), max);
    }

    #[test]
    fn counts_grow_and_decay() {
        let t0 = Instant::now();
        let mut t = FailureTracker::new(10);
        assert_eq!(t.record(V4, t0), 1);
        assert_eq!(t.record(V4, t0 + Duration::from_secs(200)), 2);
        assert_eq!(t.count(V4, t0 + Duration::from_secs(499)), 2);
        assert_eq!(t.count(V4, t0 + Duration::from_secs(500)), 0);
        assert_eq!(t.record(V4, t0 + Duration::from_secs(500)), 1);
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_v4_is_v4() {
        let t0 = Instant::now();
        let mut t = FailureTracker::new(10);
        let a: IpAddr = "2001:db8:1:2::1".parse().expect("literal address");
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("literal address");
        let other: IpAddr = "2001:db8:1:3::1".parse().expect("literal address");
        t.record(a, t0);
        assert_eq!(t.record(b, t0), 2);
        assert_eq!(t.count(other, t0), 0);
        let mapped = IpAddr::V6(Ipv4Addr::new(192, 0, 2, 1).to_ipv6_mapped());
        t.record(V4, t0);
        assert_eq!(t.count(mapped, t0), 1);
        assert_ne!(
            Source::from(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            Source::from(V4)
        );
    }

    #[test]
    fn size_is_bounded() {
        let t0 = Instant::now();
        let mut t = FailureTracker::new(16);
        for i in 0..100u32 {
            let ip = IpAddr::V4(Ipv4Addr::from_bits(i));
            t.record(ip, t0 + Duration::from_millis(u64::from(i)));
            assert!(t.len() <= 16);
        }
        let newest = IpAddr::V4(Ipv4Addr::from_bits(99));
        assert_eq!(t.count(newest, t0 + Duration::from_secs(1)), 1);
    }
}
