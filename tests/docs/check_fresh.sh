#!/usr/bin/env bash
# Fails when the committed documentation is stale: regenerates it into a scratch directory and
# compares it, byte for byte, with docs/derivations and docs/site. Generation is deterministic
# (no time, no paths, fixed seeds, fixed number formats), so any difference is a real one.
#
# usage: check_fresh.sh markdown|site ELBOCHECK REPO_ROOT SCRATCH_DIR
#   markdown  the Markdown pages and the plots: needs only the elbocheck binary
#   site      everything, HTML included: runs tools/docs/build.sh (Node and KaTeX)
set -euo pipefail
if [[ $# -ne 4 || ( $1 != markdown && $1 != site ) ]]; then
    echo "usage: check_fresh.sh markdown|site ELBOCHECK REPO_ROOT SCRATCH_DIR" >&2
    exit 2
fi
mode=$1 elbocheck=$2 root=$3 scratch=$4
committed=$root/docs

rm -rf "$scratch"
mkdir -p "$scratch"
if [[ $mode == markdown ]]; then
    "$elbocheck" docs --out "$scratch" >/dev/null
    compared=(derivations site/plots)
else
    bash "$root/tools/docs/build.sh" "$elbocheck" "$scratch" >/dev/null
    compared=(derivations site)
fi

stale=0
for dir in "${compared[@]}"; do
    if [[ ! -d $committed/$dir ]]; then
        echo "check_fresh: docs/$dir is missing"
        stale=1
    elif ! diff -rq "$committed/$dir" "$scratch/$dir"; then
        stale=1
        # The Markdown differences are short and tell what changed; the HTML's are KaTeX output.
        [[ $dir == derivations ]] && diff -ru "$committed/$dir" "$scratch/$dir" | head -n 60 || true
    fi
done
if ((stale)); then
    echo
    echo "check_fresh: the committed docs are stale (files named above). Regenerate them with"
    echo "    cmake --build <build dir> --target elbocheck_docs"
    echo "or  bash tools/docs/build.sh <build dir>/tools/elbocheck   (bash tools/run-main.sh runs it)"
    echo "and commit docs/derivations and docs/site."
    exit 1
fi
echo "check_fresh: docs/${compared[*]} are up to date ($mode)"
