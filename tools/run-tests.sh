#!/usr/bin/env bash
# Every test: install what is missing; build with -Wall -Wextra -Wpedantic -Werror and run
# the whole suite; then build again with AddressSanitizer + UndefinedBehaviorSanitizer and
# run the tests that execute project code (compile-fail and consumer tests only drive the
# compiler, so they run once).
#
# usage: tools/run-tests.sh [--no-sanitizers]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${ELBOCHECK_JOBS:-$(nproc)}
sanitizers=1
for arg in "$@"; do
    case "$arg" in
        --no-sanitizers) sanitizers=0 ;;
        *) echo "run-tests.sh: unknown option '$arg' (known: --no-sanitizers)" >&2; exit 2 ;;
    esac
done

"$root/tools/install-deps.sh" --with-docs # Chromium, Node and npm for the docs tests

echo "== build (warnings are errors) and test =="
cmake -S "$root" -B "$root/build/ci" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DELBOCHECK_WERROR=ON >/dev/null
cmake --build "$root/build/ci" -j "$jobs"
ctest --test-dir "$root/build/ci" -j "$jobs" --output-on-failure

if ((sanitizers)); then
    echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer and test =="
    # -O1 keeps the numeric tests quick under the sanitizers without hiding much from them.
    cmake -S "$root" -B "$root/build/asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
          -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
          -DELBOCHECK_WERROR=ON -DELBOCHECK_SANITIZE=ON -DELBOCHECK_BUILD_BENCH=OFF >/dev/null
    cmake --build "$root/build/asan" -j "$jobs"
    ctest --test-dir "$root/build/asan" -j "$jobs" --output-on-failure -LE 'compile_fail|compile_check|consumer'
fi
