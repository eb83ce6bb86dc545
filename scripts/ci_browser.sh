#!/usr/bin/env bash
# Install Debian's Chromium (and a small CJK font so screenshots show Chinese) for tests/test_browser.py.
# Idempotent: does nothing when both are present. Needs root (CI containers run as root).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk" || need+=(fonts-wqy-microhei)
if [ "${#need[@]}" -eq 0 ]; then
  echo "ci_browser: chromium and a CJK font are already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${need[@]}"
/usr/bin/chromium --version || true
