//! Samples to statistics (min, mean, max, sample standard deviation) in integers, and the lines ubench prints for them.

use alloc::vec::Vec;
use ulib::println;

/// The unit every figure is in.
pub const UNIT: &str = "guest instructions";

/// One operation's statistics over its samples, overhead already subtracted.
///
/// Invariant: `n > 0` and `min * 100 <= mean_centi <= max * 100`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// How many samples.
    pub n: u32,
    /// The smallest sample.
    pub min: u32,
    /// The mean, in hundredths (rounded to nearest).
    pub mean_centi: u64,
    /// The largest sample.
    pub max: u32,
    /// The sample standard deviation (n - 1), in hundredths (rounded down); 0 for one sample.
    pub sd_centi: u64,
}

impl Stats {
    /// The statistics of `samples`; `None` for no samples.
    pub fn of(samples: &[u32]) -> Option<Stats> {
        let n = u32::try_from(samples.len()).ok().filter(|&n| n > 0)?;
        let min = samples.iter().copied().min()?;
        let max = samples.iter().copied().max()?;
        let sum: u128 = samples.iter().map(|&s| u128::from(s)).sum();
        let sum_sq: u128 = samples.iter().map(|&s| u128::from(s) * u128::from(s)).sum();
        let n128 = u128::from(n);
        let mean_centi = ((sum * 100 + n128 / 2) / n128) as u64;
        // n * sum of squares - sum^2 = n^2 * variance(population): never negative.
        let spread = (n128 * sum_sq).saturating_sub(sum * sum);
        let sd_centi = match n128 {
            1 => 0,
            _ => (spread * 10_000 / (n128 * (n128 - 1))).isqrt() as u64,
        };
        let stats = Stats {
            n,
            min,
            mean_centi,
            max,
            sd_centi,
        };
        debug_assert!(u64::from(min) * 100 <= mean_centi && mean_centi <= u64::from(max) * 100);
        Some(stats)
    }
}

/// A fixed-point value in hundredths, shown as `123.45`.
pub struct Centi(pub u64);

impl core::fmt::Display for Centi {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let text = alloc::format!("{}.{:02}", self.0 / 100, self.0 % 100);
        f.pad(&text)
    }
}

/// One line of the final table: an operation, its description and what was measured.
pub struct Row {
    /// The machine name (`op=`), the same in every mode.
    pub op: &'static str,
    /// What one sample is, in words.
    pub desc: &'static str,
    /// The statistics.
    pub stats: Stats,
}

/// Everything measured, skipped or failed so far, in order.
pub struct Results {
    /// `micro` here; the monolithic build reports `mono`.
    pub mode: &'static str,
    /// The measured operations.
    pub rows: Vec<Row>,
    /// How many operations were skipped.
    pub skipped: usize,
    /// How many operations failed.
    pub failed: usize,
}

impl Results {
    /// No results yet, for `mode`.
    pub fn new(mode: &'static str) -> Results {
        Results {
            mode,
            rows: Vec::new(),
            skipped: 0,
            failed: 0,
        }
    }

    /// Records `samples` of `op` and prints its machine-readable line; a failure line if there are none.
    pub fn add(&mut self, op: &'static str, desc: &'static str, samples: &[u32]) {
        match Stats::of(samples) {
            Some(stats) => {
                println!(
                    "bench: op={op} mode={} n={} min={} mean={} max={} sd={} desc={desc}",
                    self.mode,
                    stats.n,
                    stats.min,
                    Centi(stats.mean_centi),
                    stats.max,
                    Centi(stats.sd_centi)
                );
                self.rows.push(Row { op, desc, stats });
            }
            None => self.fail(op, "no samples"),
        }
    }

    /// Says that `op` is not measured in this mode, and why.
    pub fn skip(&mut self, op: &str, reason: &str) {
        println!("bench: skip op={op} mode={} reason={reason}", self.mode);
        self.skipped += 1;
    }

    /// Says that measuring `op` failed, and why.
    pub fn fail(&mut self, op: &str, reason: &str) {
        println!("bench: fail op={op} mode={} reason={reason}", self.mode);
        self.failed += 1;
    }

    /// Prints the human table of every measured operation.
    pub fn print_table(&self) {
        println!(
            "bench: {:<46} {:>6} {:>9} {:>12} {:>9} {:>10}",
            "operation (guest instructions)", "n", "min", "mean", "max", "sd"
        );
        for row in &self.rows {
            let s = &row.stats;
            println!(
                "bench: {:<46} {:>6} {:>9} {:>12} {:>9} {:>10}",
                row.desc,
                s.n,
                s.min,
                Centi(s.mean_centi),
                s.max,
                Centi(s.sd_centi)
            );
        }
    }
}
