//! Latency summaries: count, p50, p90, p99 and max of a set of samples, by
//! the nearest-rank method on a sorted vector. At most a few tens of
//! thousands of samples per run, so sorting beats a histogram's setup.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// Samples of one measurement, in the order they were taken.
#[derive(Debug, Default, Clone)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn new() -> Samples {
        Samples(Vec::new())
    }

    pub fn push(&mut self, sample: Duration) {
        self.0.push(sample);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Duration> + '_ {
        self.0.iter().copied()
    }

    /// The sum of all samples.
    pub fn total(&self) -> Duration {
        self.0.iter().sum()
    }

    pub fn summary(&self) -> Summary {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        Summary {
            count: sorted.len(),
            p50_us: micros(percentile(&sorted, 50)),
            p90_us: micros(percentile(&sorted, 90)),
            p99_us: micros(percentile(&sorted, 99)),
            max_us: micros(sorted.last().copied()),
        }
    }
}

/// The nearest-rank percentile of sorted samples: the smallest sample such
/// that at least `pct` percent of all samples are at or below it.
pub fn percentile(sorted: &[Duration], pct: u32) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    // ceil(pct/100 * n), at least rank 1.
    let rank = (pct as usize * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

fn micros(d: Option<Duration>) -> u64 {
    d.map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// What the report prints for one measurement; all zero when `count` is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub count: usize,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 0 {
            return f.write_str("no samples");
        }
        write!(
            f,
            "n={} p50={} p90={} p99={} max={}",
            self.count,
            Millis(self.p50_us),
            Millis(self.p90_us),
            Millis(self.p99_us),
            Millis(self.max_us)
        )
    }
}

/// Microseconds shown as milliseconds with three decimals.
pub struct Millis(pub u64);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}ms", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn nearest_rank_on_one_to_a_hundred() {
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 50), Some(ms(50)));
        assert_eq!(percentile(&sorted, 90), Some(ms(90)));
        assert_eq!(percentile(&sorted, 99), Some(ms(99)));
        assert_eq!(percentile(&sorted, 100), Some(ms(100)));
        assert_eq!(percentile(&sorted, 0), Some(ms(1)));
    }

    #[test]
    fn small_sets_round_up() {
        let sorted = [ms(10), ms(20), ms(30)];
        // 50% of 3 is 1.5: rank 2.
        assert_eq!(percentile(&sorted, 50), Some(ms(20)));
        assert_eq!(percentile(&sorted, 99), Some(ms(30)));
        assert_eq!(percentile(&[ms(7)], 50), Some(ms(7)));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn summary_sorts_its_samples() {
        let mut s = Samples::new();
        for v in [5, 1, 4, 2, 3] {
            s.push(ms(v));
        }
        let sum = s.summary();
        assert_eq!(sum.count, 5);
        assert_eq!(sum.p50_us, 3000);
        assert_eq!(sum.p99_us, 5000);
        assert_eq!(sum.max_us, 5000);
        assert_eq!(
            sum.to_string(),
            "n=5 p50=3.000ms p90=5.000ms p99=5.000ms max=5.000ms"
        );
        assert_eq!(Samples::new().summary().to_string(), "no samples");
    }
}
