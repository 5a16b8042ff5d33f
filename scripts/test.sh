#!/usr/bin/env bash
# The test command of the README: install fenji with its test tools, then lint, types, layers, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[test]"
bash scripts/services.sh
ruff check src tests bench
ruff format --check src tests bench
mypy
lint-imports
python -m fenji.docs --check
python -m pytest -q
