#!/usr/bin/env bash
# The main job: install what is missing, build, check every derivation, write the docs.
# Building compiles every derivation, which is the compile-time (symbolic) check; the
# elbocheck tool then reports every step, and tools/docs/build.sh rewrites docs/derivations
# (Markdown) and docs/site (HTML, math rendered with KaTeX, which it installs from npm into
# tools/docs/node_modules when missing). Exit code: that of `elbocheck check`, or that of the
# docs build if it fails.
#
# usage: tools/run-main.sh [extra arguments for `elbocheck check`]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/main"
jobs=${ELBOCHECK_JOBS:-$(nproc)}

"$root/tools/install-deps.sh" --with-docs
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DELBOCHECK_BUILD_TESTS=OFF -DELBOCHECK_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target elbocheck_derivations elbocheck_cli
status=0
"$build/tools/elbocheck" check "$@" || status=$?
bash "$root/tools/docs/build.sh" "$build/tools/elbocheck" "$root/docs"
exit "$status"
