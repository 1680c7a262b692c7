#!/usr/bin/env bash
# Runs each fuzz target for a short while (default 20 s each), seeded from the committed corpus.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); on a stable toolchain the nightly-only
# sanitizer flags are unlocked with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-20}"
CORPUS=../../../tests/corpus/artifacts
mkdir -p corpus/read_json corpus/read_zip
cp "$CORPUS"/good/*.json "$CORPUS"/bad/*.json corpus/read_json/ 2>/dev/null || true
cp "$CORPUS"/good/*.zip "$CORPUS"/bad/*.zip corpus/read_zip/ 2>/dev/null || true
# The committed zip bomb expands to 20 MiB: keep it out of the seeds (the caps would refuse it
# anyway, but it slows every iteration that mutates it).
rm -f corpus/read_zip/zip-bomb-ratio.zip
for target in read_json read_zip; do
  echo "== fuzzing $target for ${SECONDS_PER_TARGET}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -max_len=1048576
done
