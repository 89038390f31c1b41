#!/usr/bin/env bash
# The Python the tests' receivers run on: a venv cached outside the clone (default
# ~/.cache/sluice/venv), made once and topped up when test/support/python-requirements.txt changes.
set -euo pipefail
cd "$(dirname "$0")"
venv="${SLUICE_CACHE_DIR:-$HOME/.cache/sluice}/venv"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ]; then
  echo "making a Python venv for the tests at $venv"
  python3 -m venv "$venv"
fi
if ! cmp -s python-requirements.txt "$stamp"; then
  echo "installing the tests' Python packages into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r python-requirements.txt
  cp python-requirements.txt "$stamp"
fi
