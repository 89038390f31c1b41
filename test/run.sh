#!/usr/bin/env bash
# The whole test suite: type check, dependency rules, then every test against a real Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
npx depcruise --config .dependency-cruiser.cjs src workers
# The Python the webhook receiver tests run (standardwebhooks from PyPI), cached outside the clone.
bash test/support/python-venv.sh
node --import tsx test/run-tests.ts "$@"
