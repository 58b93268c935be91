#!/usr/bin/env bash
# The Bitrise CLI runs `bash step.sh` from the source dir; the bundle sits next to this file.
set -euo pipefail
step_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec node --enable-source-maps "${step_dir}/dist/index.mjs"
