#!/usr/bin/env bash
# The Bitrise CLI runs `bash step.sh` from the source dir; the bundle sits next to this file.
set -euo pipefail
step_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# A small young generation: decoding many profiles and certificates allocates short-lived buffers,
# and the default 16 MB semi-spaces let peak memory pass 100 MB at 20 targets for no speed gain.
exec node --enable-source-maps --max-semi-space-size=4 "${step_dir}/dist/index.mjs"
