#!/usr/bin/env bash
# Builds the reader's libFuzzer target with Debian's clang (ASan + UBSan) and runs it.
#
# usage: fuzz/run.sh DURATION_SECONDS [WORK_DIR]
# The corpus starts from the seed notes (ELBOCHECK_SEEDS_DIR, default ../shared/seeds) and
# the small notes in fuzz/corpus/; inputs the fuzzer finds go to WORK_DIR/corpus.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=${1:?usage: fuzz/run.sh DURATION_SECONDS [WORK_DIR]}
work=${2:-$root/build/fuzz}
cxx=${CXX_FUZZ:-clang++}
seeds=${ELBOCHECK_SEEDS_DIR:-$root/../shared/seeds}

if ! command -v "$cxx" >/dev/null; then
    echo "fuzz/run.sh: $cxx not found (apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi
mkdir -p "$work/corpus" "$work/seed_corpus"
cp "$root"/fuzz/corpus/* "$work/seed_corpus/"
if [[ -d "$seeds" ]]; then
    cp "$seeds"/*.txt "$work/seed_corpus/"
else
    echo "fuzz/run.sh: no seed notes in $seeds; starting from fuzz/corpus only" >&2
fi

nlohmann_include=$(dirname "$(dirname "$(find /usr/include -name json.hpp -path '*nlohmann*' | head -1)")")
"$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$root/include" -I"$nlohmann_include" "$root/fuzz/read_fuzzer.cpp" -o "$work/read_fuzzer"

# -timeout: one input taking 10 s is a hang; -max_len: notes of up to 16 KiB. A crashing
# input is written to WORK_DIR/crash-* (-artifact_prefix).
set +e
"$work/read_fuzzer" -max_total_time="$duration" -timeout=10 -rss_limit_mb=2560 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/corpus" "$work/seed_corpus" 2>&1 |
    tee "$work/fuzz.log" | grep -E '^#[0-9]+ +(INITED|DONE)|stat::|ERROR|SUMMARY|Done'
status=${PIPESTATUS[0]}
set -e
if ((status != 0)); then
    echo "fuzz/run.sh: the fuzzer failed (exit $status); see $work/fuzz.log" >&2
fi
exit "$status"
