#!/usr/bin/env bash
# Install Debian's Chromium and a CJK font for the browser tests (tests/web/test_browser.py), once.
# Idempotent and quiet: does nothing when /usr/bin/chromium and a CJK font are already there.
# Playwright never downloads a browser here; the tests launch /usr/bin/chromium.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; }; then
  need+=(fonts-noto-cjk fontconfig)
fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1
