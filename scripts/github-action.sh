#!/usr/bin/env bash
# The GitHub Action's step (action.yml): runs `losslens check --format sarif` over INPUT_PATHS with
# INPUT_ARGS, writes the report to INPUT_SARIF_FILE, and sets the outputs `findings` and
# `sarif-file`. Findings are not a failure here (exit 1 of `losslens check`): the action uploads the
# report first and fails afterwards if asked to. Anything else (a usage error, a crash) fails the step.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?set by GitHub to the folder of the action}"
sarif="${INPUT_SARIF_FILE:-losslens.sarif}"
package="${INPUT_PACKAGE:-}"
if [ -z "$package" ]; then
  package="losslens@$(node -p "require(process.argv[1]).version" "$action_path/package.json")"
fi

# Word splitting of the paths and options is wanted: they are lists.
read -r -a paths <<< "${INPUT_PATHS:-.}"
read -r -a args <<< "${INPUT_ARGS:-}"

status=0
npx --yes --package "$package" -- losslens check --format sarif "${args[@]}" "${paths[@]}" > "$sarif" || status=$?
if [ "$status" -gt 1 ]; then
  echo "::error::losslens check failed (exit code $status)."
  exit "$status"
fi

findings="$(node -e 'const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(log.runs.reduce((sum, run) => sum + run.results.length, 0))' "$sarif")"
echo "LossLens: $findings findings, report in $sarif."
{
  echo "findings=$findings"
  echo "sarif-file=$sarif"
} >> "${GITHUB_OUTPUT:-/dev/null}"
