#!/usr/bin/env node
// A stand-in for `xcodebuild`. `xcodebuild -version` prints what Xcode prints, two lines:
//   Xcode 16.2
//   Build version 16C5032a
// for the Xcode named by STAND_IN_XCODEBUILD_VERSION="<version> <build>" (default 16.2 16C5032a).
// Every call is recorded like the other stand-ins' (record.mjs); other invocations print nothing
// and succeed. Faults for tests: STAND_IN_XCODEBUILD_STDOUT replaces what a call prints, and
// STAND_IN_XCODEBUILD_EXIT sets its exit status, for the calls whose joined argv contains
// STAND_IN_XCODEBUILD_FAIL_ON (all calls without it); _SLEEP_MS (with _SLEEP_ON) waits first.
import { configuredAnswer, configuredSleep, recordCall, setting } from './recording.mjs';

const TOOL = 'xcodebuild';
const DEFAULT_XCODE = '16.2 16C5032a';

function versionLines() {
  const spec = setting(TOOL, 'VERSION') ?? DEFAULT_XCODE;
  const match = /^\s*(\d+(?:\.\d+)*)\s+(\w+)\s*$/.exec(spec);
  if (!match) {
    process.stderr.write(
      `xcodebuild stand-in: STAND_IN_XCODEBUILD_VERSION must be "<version> <build>", e.g. "${DEFAULT_XCODE}"; got "${spec}"\n`,
    );
    return undefined;
  }
  return `Xcode ${match[1]}\nBuild version ${match[2]}\n`;
}

const argv = process.argv.slice(2);
recordCall(TOOL, argv);
await configuredSleep(TOOL, argv);
const answer = configuredAnswer(TOOL, argv);
if (answer) {
  if (answer.stdout) process.stdout.write(`${answer.stdout}\n`);
  process.exitCode = answer.exitCode;
} else if (argv.includes('-version')) {
  const lines = versionLines();
  if (lines) process.stdout.write(lines);
  else process.exitCode = 2;
}
