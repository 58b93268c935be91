#!/usr/bin/env bash
# The Bitrise CLI runs `bash step.sh` from the source dir; the bundle sits next to this file.
set -euo pipefail
step_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# A small young generation: decoding profiles and certificates allocates short-lived buffers, and
# the default 16 MB semi-spaces add about 10 MB to peak memory at 20 targets (88 → 78 MB).
flags=(--max-semi-space-size=2)
# Source maps turn a stack trace into file:line, and a trace is printed only with verbose_log;
# loading the bundle's map costs every other run about 60 ms and 4 MB.
if [ "${verbose_log:-no}" = "yes" ]; then flags+=(--enable-source-maps); fi
exec node "${flags[@]}" "${step_dir}/dist/index.mjs"
