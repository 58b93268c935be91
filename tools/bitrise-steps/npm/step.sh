#!/usr/bin/env bash
# Runs `npm <args>` in the working directory; the exit code is npm's.
set -euo pipefail
if [ -z "${args:-}" ]; then
  printf '\033[31;1m%s\033[0m\n' "args is required, e.g. run lint" >&2
  exit 1
fi
cd "${working_dir:-.}"
read -r -a npm_args <<<"${args}"
echo "\$ npm ${args}"
exec npm "${npm_args[@]}"
