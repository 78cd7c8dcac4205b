#!/usr/bin/env bash
# Installs the Debian packages elbocheck needs, and nothing when they are all present.
# Idempotent and quiet: it asks dpkg first and only calls apt-get for what is missing,
# so running it before every build costs a fraction of a second.
#
# usage: tools/install-deps.sh [--with-bench] [--with-docs]
#   --with-bench  also PyTorch (python3-torch), for the side-by-side benchmark script
#   --with-docs   also Chromium and Node/npm, for rendering and testing the HTML site
set -euo pipefail

packages=(cmake g++ ninja-build libboost-dev libeigen3-dev catch2 libbenchmark-dev
          librandom123-dev libcli11-dev nlohmann-json3-dev python3 python3-jsonschema)
for arg in "$@"; do
    case "$arg" in
        --with-bench) packages+=(python3-torch) ;;
        --with-docs) packages+=(chromium nodejs npm) ;;
        *) echo "install-deps.sh: unknown option '$arg' (known: --with-bench, --with-docs)" >&2; exit 2 ;;
    esac
done

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
# node and npm often come from elsewhere than Debian; a working binary is enough.
if ((${#missing[@]})); then
    filtered=()
    for pkg in "${missing[@]}"; do
        if [[ "$pkg" == nodejs || "$pkg" == npm ]] && command -v "${pkg/nodejs/node}" >/dev/null; then
            continue
        fi
        filtered+=("$pkg")
    done
    missing=("${filtered[@]+"${filtered[@]}"}")
fi
((${#missing[@]})) || exit 0

echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
