#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for SECONDS each (default 60), one after another, and prints per
# target the executions and the time libFuzzer reports. Exits 1 when a target crashed, panicked or
# hung (the input is saved under fuzz/artifacts/<target>/), 0 otherwise.
#
# Needs a nightly toolchain (cargo-fuzz builds with sanitizers); without one it says so and exits 0:
# skipped, not failed. Installs cargo-fuzz from crates.io when it is missing.
#
# Each target starts from its seed corpus fuzz/corpus/<target>/ (committed, read only) and keeps what
# it finds in fuzz/target/corpus/<target>/ (not committed), so a later run goes on from there.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS per target, default 60]" >&2
  exit 2
fi

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly' || ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: skipped: no nightly toolchain (cargo-fuzz needs one; \`rustup toolchain install nightly\`)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi

mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir fuzz)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz: no target in fuzz/" >&2
  exit 1
fi

# Build once, up front, so that the time given is spent fuzzing.
echo "fuzz: building ${#targets[@]} targets (nightly, address sanitizer, debug assertions)"
cargo +nightly fuzz build --fuzz-dir fuzz --debug-assertions >/dev/null

logs=fuzz/target/logs
mkdir -p "$logs"
failed=()
printf '%-20s %12s %8s  %s\n' target executions seconds result
for target in "${targets[@]}"; do
  work="fuzz/target/corpus/$target"
  mkdir -p "$work" "fuzz/corpus/$target"
  log="$logs/$target.log"
  started=$(date +%s)
  # -timeout: one input running this long counts as a hang (a failure); generous, as the machine
  # is shared and the build is instrumented.
  if cargo +nightly fuzz run --fuzz-dir fuzz --debug-assertions "$target" "$work" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    failed+=("$target")
  fi
  # libFuzzer's last words: `Done 123456 runs in 60 second(s)` (absent after a crash).
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
  runs=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/' <<<"$done_line")
  secs=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/' <<<"$done_line")
  if [ -z "$done_line" ]; then
    # After a crash: the executions from the final stats, the time as it went by.
    runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' | tail -n 1 || true)
    secs=$(($(date +%s) - started))
  fi
  printf '%-20s %12s %8s  %s\n' "$target" "${runs:-?}" "${secs:-?}" "$result"
  if [ "$result" = FAILED ]; then
    echo "---- $target: last lines of $log"
    tail -n 40 "$log"
    echo "----"
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in fuzz/artifacts/; rerun one with" \
    "\`cargo +nightly fuzz run --fuzz-dir fuzz <target> <file>\`)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no crash"
