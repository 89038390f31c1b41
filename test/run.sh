#!/usr/bin/env bash
# The whole test suite: type check, dependency rules, then every test against a real Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
npx depcruise --config .dependency-cruiser.cjs src workers
node --import tsx test/run-tests.ts "$@"
