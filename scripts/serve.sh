#!/usr/bin/env bash
# The README's run command: set up .venv (idempotent), then start the web server.
# Arguments go to app.py, e.g. `bash scripts/serve.sh --port 8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python app.py "$@"
