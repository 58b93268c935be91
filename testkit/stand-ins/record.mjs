#!/usr/bin/env node
// A recording stand-in for a tool we cannot install here (fastlane, bundle, gem, sudo, ...;
// security and xcodebuild have their own scripts that follow the real tools' rules). It appends
// one JSON line per call to $STAND_IN_LOG with the argv, cwd, stdin and environment
// (recording.mjs), then behaves as configured through environment variables:
//   STAND_IN_<TOOL>_STDOUT     text printed on stdout
//   STAND_IN_<TOOL>_EXIT       exit code (default 0)
//   STAND_IN_<TOOL>_FAIL_ON    only exit non-zero when the joined argv contains this text
//   STAND_IN_<TOOL>_SLEEP_MS   waits this long before exiting (for interruption tests);
//   STAND_IN_<TOOL>_SLEEP_ON   only when the joined argv contains this text
//   STAND_IN_<TOOL>_GRANDCHILD_PIDFILE  while sleeping, keeps a process of its own running (as
//                              fastlane runs ruby and xcodebuild) and writes its pid to this file
//   STAND_IN_CAPTURE_FILES     comma-separated env var names whose files are recorded (content, mode)
//   STAND_IN_CAPTURE_ARGS      comma-separated arguments (e.g. --api_key_path) whose next argument is a file to record
//   STAND_IN_<TOOL>_WRITE      "ENVVAR=text" writes text to the file named by ENVVAR's value;
//                              "ENVVAR/rel/path=text" to a file below the directory it names
// <TOOL> is the tool name upper-cased with non-alphanumerics as underscores.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { recordCall, settingsPrefix } from './recording.mjs';

const tool = process.argv[2];
const argv = process.argv.slice(3);
const prefix = settingsPrefix(tool);

recordCall(tool, argv);

const write = process.env[`${prefix}WRITE`];
if (write) {
  const [spec, ...text] = write.split('=');
  const [envName, ...rel] = spec.split('/');
  const target = process.env[envName] && [process.env[envName], ...rel].join('/');
  if (target) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text.join('='));
  }
}

const stdout = process.env[`${prefix}STDOUT`];
if (stdout) process.stdout.write(`${stdout}\n`);

const sleepMs = Number(process.env[`${prefix}SLEEP_MS`] ?? 0);
const sleepOn = process.env[`${prefix}SLEEP_ON`];
if (sleepMs > 0 && (sleepOn === undefined || argv.join(' ').includes(sleepOn))) {
  const grandchildPidFile = process.env[`${prefix}GRANDCHILD_PIDFILE`];
  if (grandchildPidFile) {
    const grandchild = spawn('sleep', ['300'], { stdio: 'ignore' });
    grandchild.unref();
    writeFileSync(grandchildPidFile, `${grandchild.pid}\n`);
  }
  process.stdout.write(`${tool} stand-in is sleeping\n`);
  await new Promise((resolve) => setTimeout(resolve, sleepMs));
}

const failOn = process.env[`${prefix}FAIL_ON`];
const exitCode = Number(process.env[`${prefix}EXIT`] ?? 0);
if (failOn === undefined || argv.join(' ').includes(failOn)) process.exitCode = exitCode;
