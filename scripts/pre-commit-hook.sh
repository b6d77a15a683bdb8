#!/usr/bin/env bash
# The pre-commit hook's entry (.pre-commit-hooks.yaml): `losslens check` on the files pre-commit
# passes. pre-commit keeps a clone of this repository per revision; the first run builds LossLens
# in it (npm ci and the production build, output to stderr), later runs start at once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$root/dist/cli.js" ]; then
  echo "LossLens: building the command line once for this hook revision..." >&2
  (cd "$root" && npm ci --no-audit --no-fund --ignore-scripts >&2 && node scripts/build.mjs --production >&2)
fi
exec node "$root/dist/cli.js" check "$@"
