#!/usr/bin/env bash
# The whole test suite: type check, dependency rules, the build, then every test against a real Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
npx depcruise --config .dependency-cruiser.cjs src workers
# dist/ as production runs it (compiled, no tsx): the tests of that path and `npm pack` use it.
# Skipped when dist/ is already the build of these sources (bin/build-state.js).
node bin/build.js --if-stale
# The Python the webhook receiver tests run (standardwebhooks from PyPI), cached outside the clone.
bash test/support/python-venv.sh
node --import tsx test/run-tests.ts "$@"
