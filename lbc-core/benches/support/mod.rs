//! What the benchmarks share: timing a closure many times.

use std::time::{Duration, Instant};

/// Median and 99th percentile of `rounds` timings of `f`, after `warmup` untimed runs.
pub fn measure(warmup: usize, rounds: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    (times[rounds / 2], times[rounds * 99 / 100])
}
