#!/usr/bin/env bash
# Builds the documentation and puts it in place:
#   1. `elbocheck docs` writes the Markdown pages, the HTML pages (math still LaTeX) and the plots;
#   2. render-math.mjs renders the math with KaTeX and copies KaTeX's CSS and fonts into the site;
#   3. the result replaces OUT/derivations and OUT/site as a whole, so that the pages of a
#      derivation that no longer exists go too.
#
# usage: tools/docs/build.sh ELBOCHECK [OUT]     (OUT defaults to the repository's docs/)
# The committed docs are `tools/docs/build.sh build/ci/tools/elbocheck`, or the CMake target
# elbocheck_docs, which does the same with the binary it builds.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: tools/docs/build.sh ELBOCHECK [OUT]" >&2
    exit 2
fi
elbocheck=$1
out=${2:-$root/docs}

bash "$here/install-katex.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$elbocheck" docs --out "$work" >/dev/null
node "$here/render-math.mjs" "$work/site"

mkdir -p "$out"
rm -rf "$out/derivations" "$out/site"
mv "$work/derivations" "$work/site" "$out/"
echo "build.sh: wrote $out/derivations and $out/site"
