#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh TARGET SECONDS
#
# Installs what it needs (the nightly toolchain if missing, `cargo install cargo-fuzz` if
# missing), makes the seed corpus when there is none (fuzz/seeds.sh), and runs the target
# with the language's dictionary (fuzz/isms.dict; OSCAL's keys, fuzz/oscal.dict, for
# import_oscal) as one job (-jobs=1), a 10 s limit per input
# (a hang is a crash) and 2 GiB of memory. The corpus grows in fuzz/corpus/TARGET, crashes
# land in fuzz/artifacts/TARGET, the log in fuzz/logs/TARGET.log; the last line printed is
# the final statistics (executions, coverage `cov`, features `ft`, corpus size). Exits with
# libFuzzer's code: 0 when nothing was found.
#
# SANITIZER=address (or another of `cargo fuzz --sanitizer`) builds with a sanitizer; the
# default is none: ismsc-core forbids unsafe code, and without AddressSanitizer the targets
# run about three times as fast (what is looked for is panics, hangs, memory over the limit
# and the properties of fuzz/src/lib.rs).
#
# A crash is a bug: copy the input to tests/fuzz-regressions/TARGET/, fix it, and
# `cargo test fuzz_regressions` replays it through the same property (fuzz/src/lib.rs).
set -euo pipefail
target="${1:?usage: fuzz/run.sh TARGET SECONDS (TARGET: parse, check, import_oscal, project_fs, fmt)}"
seconds="${2:-60}"
fuzz="$(cd "$(dirname "$0")" && pwd)"
cd "$fuzz"

case "$target" in
  parse | check | import_oscal | project_fs | fmt) ;;
  *) echo "unknown target \`$target\`: parse, check, import_oscal, project_fs or fmt" >&2; exit 2 ;;
esac
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz > /dev/null; then
  cargo install cargo-fuzz --locked
fi
if [ ! -d "corpus/$target" ] || [ -z "$(ls -A "corpus/$target")" ]; then
  ./seeds.sh "$target"
fi
dict=isms.dict
if [ "$target" = import_oscal ]; then dict=oscal.dict; fi
mkdir -p "artifacts/$target" logs
rm -f fuzz-0.log
status=0
cargo +nightly fuzz run --sanitizer "${SANITIZER:-none}" "$target" "corpus/$target" -- \
  -dict="$dict" -jobs=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=131072 -print_final_stats=1 || status=$?
if [ -f fuzz-0.log ]; then
  mv fuzz-0.log "logs/$target.log"
  grep -E '(panicked|SUMMARY|Test unit written|ERROR: libFuzzer)' "logs/$target.log" | tail -n 10 || true
  grep -E '^#[0-9]+' "logs/$target.log" | tail -n 1 || true
fi
exit "$status"
