#!/usr/bin/env bash
# Installs KaTeX, at the version package-lock.json pins, into tools/docs/node_modules (which git
# ignores), with `npm ci`; does nothing when that version is already there, so the docs build
# and its tests can call it every time.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "install-katex.sh: '$tool' is missing; tools/install-deps.sh --with-docs installs it" >&2
        exit 1
    fi
done

locked=$(cd "$here" && node -p "require('./package-lock.json').packages['node_modules/katex'].version")
installed=$(cd "$here" && node -p "try { require('./node_modules/katex/package.json').version } catch { '' }")
[[ "$locked" == "$installed" ]] && exit 0

echo "install-katex.sh: installing KaTeX $locked into $here/node_modules" >&2
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
