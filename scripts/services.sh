#!/usr/bin/env bash
# Make sure the services the tests use are up (PostgreSQL on 127.0.0.1:5432 for the store tests).
set -uo pipefail
if command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
  fi
fi
# Reports (issue 8): pdftoppm (poppler-utils) for the PDF tests, and the TrueType fonts the PDF renderer embeds:
# DejaVu Sans for Latin text, WenQuanYi Zen Hei for Chinese. Installed only when missing; quiet.
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  need=""
  command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
  [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need="$need fonts-wqy-zenhei"
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$need fonts-dejavu-core"
  if [ -n "$need" ]; then
    # shellcheck disable=SC2086
    { apt-get -o DPkg::Lock::Timeout=300 update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $need; } \
      >/dev/null 2>&1 || echo "services.sh: could not install:$need (the PDF report tests need them)" >&2
  fi
fi
exit 0
