#!/usr/bin/env bash
# Make sure the services the tests use are up (PostgreSQL on 127.0.0.1:5432 for the store tests).
set -uo pipefail
if command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
  fi
fi
exit 0
