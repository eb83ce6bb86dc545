#!/usr/bin/env bash
# The README's test command: set up .venv (idempotent), then run the whole suite.
# pytest's exit code 5 (no tests collected) is a failure, never hidden.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi
exit "$rc"
