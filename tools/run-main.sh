#!/usr/bin/env bash
# The main job: install what is missing, build, check every derivation.
# Building compiles every derivation, which is the compile-time (symbolic) check; the
# elbocheck tool then reports every step. Exit code: that of `elbocheck check`.
#
# usage: tools/run-main.sh [extra arguments for `elbocheck check`]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/main"
jobs=${ELBOCHECK_JOBS:-$(nproc)}

"$root/tools/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DELBOCHECK_BUILD_TESTS=OFF -DELBOCHECK_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target elbocheck_derivations elbocheck_cli
"$build/tools/elbocheck" check "$@"
