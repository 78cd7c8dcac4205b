#!/usr/bin/env bash
# The elbocheck binary as a new user meets it: --help, a typo in a derivation name, a bad
# option value, an unwritable output file. Each must exit with the documented code and say
# what is wrong on one line of standard error.
# usage: check_usage.sh ELBOCHECK
set -u
elbocheck=$1
problems=0
expect() { # expect CODE STDERR_REGEX -- ARGS...
    local code=$1 pattern=$2
    shift 3
    local err
    err=$("$elbocheck" "$@" 2>&1 >/dev/null)
    local got=$?
    if [[ $got -ne $code ]]; then
        echo "FAIL: elbocheck $* exited $got, expected $code"; problems=$((problems + 1))
    fi
    if [[ -n "$pattern" ]] && ! grep -qE "$pattern" <<<"$err"; then
        echo "FAIL: elbocheck $* said '$err', expected /$pattern/"; problems=$((problems + 1))
    fi
    if [[ $code -eq 2 && $(wc -l <<<"$err") -ne 1 ]]; then
        echo "FAIL: elbocheck $* wrote more than one line to stderr: $err"; problems=$((problems + 1))
    fi
}
expect 0 "" -- --help
expect 0 "" -- check --help
expect 0 "" -- list
expect 2 "unknown derivation 'doc002_elb'" -- check doc002_elb
expect 2 "models" -- check --models -3
expect 2 "models" -- check --models many
expect 2 "format" -- check --format yaml
# Monte Carlo draws and worker threads: at least one draw; threads from 0 (every core) up.
expect 2 "samples.*whole number from 2" -- check --samples 0
expect 2 "samples.*whole number from 2" -- check --samples 1
expect 2 "samples.*whole number from 2" -- check --samples -5
expect 2 "samples.*whole number from 2" -- check --samples lots
expect 2 "samples.*whole number from 2" -- check --samples 2.5
expect 2 "threads.*whole number from 0" -- check --threads -1
expect 2 "threads.*whole number from 0" -- check --threads two
expect 2 "threads.*whole number from 0" -- check --threads 99999
expect 2 "samples.*whole number from 2" -- docs --out /tmp/unused --samples 0
expect 2 "threads.*whole number from 0" -- docs --out /tmp/unused --threads x
expect 2 "out" -- docs
expect 2 "cannot write '/nonexistent/dir/r.json'" -- check --output /nonexistent/dir/r.json
expect 2 "" -- frobnicate
expect 0 "" -- check doc002_elbo --models 5
expect 0 "" -- check doc002_elbo --models 5 --samples 100 --threads 0 --format markdown
"$elbocheck" --help | grep -q "Exit codes" || { echo "FAIL: --help does not explain exit codes"; problems=$((problems + 1)); }
"$elbocheck" check --help | grep -q "0 uses every core" || { echo "FAIL: check --help does not say what --threads 0 means"; problems=$((problems + 1)); }
echo "usage checks: $problems problems"
exit $((problems > 0))
