// The record every stand-in appends to $STAND_IN_LOG, one JSON line per call: argv, cwd, stdin,
// environment and the files named by STAND_IN_CAPTURE_FILES / STAND_IN_CAPTURE_ARGS (see
// record.mjs for the variables). Shared by record.mjs and the stand-ins with their own rules
// (security.mjs, xcodebuild.mjs), so testkit/stand-ins/index.ts reads one format.
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';

/** `STAND_IN_<TOOL>_`: the tool name upper-cased with non-alphanumerics as underscores. */
export function settingsPrefix(tool) {
  return `STAND_IN_${tool.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/** The value of `STAND_IN_<TOOL>_<name>`, or undefined. */
export function setting(tool, name) {
  return process.env[`${settingsPrefix(tool)}${name}`];
}

function readStdin() {
  if (process.stdin.isTTY) return '';
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

function capturedFiles(argv) {
  const captured = {};
  for (const name of (process.env.STAND_IN_CAPTURE_FILES ?? '').split(',').filter(Boolean)) {
    const path = process.env[name];
    if (path && existsSync(path)) {
      captured[name] = { path, mode: statSync(path).mode & 0o777, content: readFileSync(path, 'utf8') };
    }
  }
  for (const flag of (process.env.STAND_IN_CAPTURE_ARGS ?? '').split(',').filter(Boolean)) {
    const index = argv.indexOf(flag);
    const path = index >= 0 ? argv[index + 1] : undefined;
    if (path && existsSync(path)) {
      captured[flag] = { path, mode: statSync(path).mode & 0o777, content: readFileSync(path, 'latin1') };
    }
  }
  return captured;
}

/**
 * Appends this call's record to $STAND_IN_LOG (when set). `readsStdin: false` leaves stdin
 * untouched for a tool that must read it itself (envman reads it only when it is a FIFO).
 */
export function recordCall(tool, argv, { readsStdin = true } = {}) {
  const record = {
    tool,
    argv,
    cwd: process.cwd(),
    stdin: readsStdin ? readStdin() : '',
    env: process.env,
    files: capturedFiles(argv),
    at: Date.now(),
  };
  if (process.env.STAND_IN_LOG) appendFileSync(process.env.STAND_IN_LOG, `${JSON.stringify(record)}\n`);
}

/**
 * The fault a test configured for this call, or undefined: STAND_IN_<TOOL>_EXIT and _STDOUT
 * answer every call, or only those whose joined argv contains STAND_IN_<TOOL>_FAIL_ON.
 */
export function configuredAnswer(tool, argv) {
  const stdout = setting(tool, 'STDOUT');
  const exit = setting(tool, 'EXIT');
  if (stdout === undefined && exit === undefined) return undefined;
  const failOn = setting(tool, 'FAIL_ON');
  if (failOn !== undefined && !argv.join(' ').includes(failOn)) return undefined;
  return { stdout, exitCode: Number(exit ?? 0) };
}

/** Waits STAND_IN_<TOOL>_SLEEP_MS when set (only for argv containing _SLEEP_ON, when that is set). */
export async function configuredSleep(tool, argv) {
  const sleepMs = Number(setting(tool, 'SLEEP_MS') ?? 0);
  const sleepOn = setting(tool, 'SLEEP_ON');
  if (sleepMs > 0 && (sleepOn === undefined || argv.join(' ').includes(sleepOn))) {
    process.stdout.write(`${tool} stand-in is sleeping\n`);
    await new Promise((resolve) => setTimeout(resolve, sleepMs));
  }
}
