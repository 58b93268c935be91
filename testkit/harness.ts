import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { stripAnsi } from '../common/step/colors.ts';
import { applyEnvItem, type EnvMap } from '../tools/lib/bitrise-cli/env-items.ts';
import { applyEnvStore, readEnvStore } from '../tools/lib/bitrise-cli/envstore.ts';
import { envItems, isSensitiveOpt } from '../tools/lib/step-yml/step-yml.ts';
import { E2E_ENVMAN_DIR } from './envman/index.ts';
import { fixtureSecrets, liveSecrets } from './secrets.ts';
import { type Recording, readRecordings, STAND_INS_DIR } from './stand-ins/index.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface StepRunOptions {
  /** Inputs, as the Bitrise CLI sets them: one environment variable per input key. */
  inputs: Record<string, string>;
  /** Further environment (stand-in behaviour, BITRISE_* variables). */
  env?: Record<string, string>;
  /** The source dir the CLI starts the Step in. Default: a fresh temp dir. */
  cwd?: string;
  /** Ends the run with SIGTERM after this long; for interruption tests. */
  killAfterMs?: number;
  /** Sends SIGTERM once the output contains this text. */
  killWhenOutput?: string;
  /** More secrets for the leak scan, besides sensitive inputs, fixtures and what tools were handed. */
  secrets?: string[];
}

export interface ExportedOutput {
  key: string;
  value: string;
  sensitive: boolean;
  /** Stored without --no-expand, so the CLI would expand `$VAR`s in it for later Steps. */
  expand: boolean;
}

export interface StepRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr as the user sees them, colours removed. */
  output: string;
  rawOutput: string;
  calls: Recording[];
  outputs: ExportedOutput[];
  /** The ENVMAN_ENVSTORE_PATH the Step exported into. */
  envStore: string;
  workDir: string;
  home: string;
  tmp: string;
}

/**
 * Tests never ask the real Apple: the fixture sessions and keys are not Apple's, and the build
 * machine may have no network. So the connection check (step.yml default `yes`) is off unless a
 * test sets check_connection itself, routing Apple's hosts to the portal simulator.
 */
const CONNECTION_CHECK_OFF = { check_connection: 'no' };

/** The system PATH without our stand-ins, so recordings cover exactly what the Step started. */
const SYSTEM_PATH = process.env['PATH'] ?? '/usr/bin:/bin';

/**
 * Runs a bundled Step exactly as the Bitrise CLI does: `bash steps/<id>/step.sh`, inputs as
 * environment variables, cwd = the source dir, recording stand-ins first on PATH.
 */
export async function runStepSh(stepId: string, options: StepRunOptions): Promise<StepRun> {
  const root = mkdtempSync(join(tmpdir(), `e2e-${stepId}-`));
  const workDir = options.cwd ?? join(root, 'src');
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  for (const dir of [workDir, home, tmp]) mkdirSync(dir, { recursive: true });
  const log = join(root, 'calls.jsonl');
  const envStore = join(root, 'output_envstore.yml');
  const env: Record<string, string> = {
    PATH: `${STAND_INS_DIR}:${E2E_ENVMAN_DIR}:${SYSTEM_PATH}`,
    ENVMAN_ENVSTORE_PATH: envStore,
    HOME: home,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    STAND_IN_LOG: log,
    BITRISE_SOURCE_DIR: workDir,
    ...options.env,
  };
  Object.assign(env, stepYmlDefaults(stepId, env), CONNECTION_CHECK_OFF, options.inputs);
  const child = spawn('bash', [join(REPO_ROOT, 'steps', stepId, 'step.sh')], {
    cwd: workDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let raw = '';
  let killed = false;
  const onData = (chunk: Buffer) => {
    raw += chunk.toString();
    if (!killed && options.killWhenOutput && stripAnsi(raw).includes(options.killWhenOutput)) {
      killed = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = options.killAfterMs
    ? setTimeout(() => child.kill('SIGTERM'), options.killAfterMs)
    : undefined;
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, sig) => done([code, sig])),
  );
  if (timer) clearTimeout(timer);
  const calls = readRecordings(log);
  const output = stripAnsi(raw);
  const leaks = leakedSecrets(output, [
    ...sensitiveInputValues(stepId, env),
    ...handedSecrets(calls),
    ...fixtureSecrets(),
    ...liveSecrets(),
    ...(options.secrets ?? []),
  ]);
  if (leaks.length > 0) {
    const shown = leaks.map((leak) => `${leak.slice(0, 4)}… (${leak.length} characters)`);
    throw new Error(`${stepId} printed secrets: ${shown.join(', ')}\n${output}`);
  }
  return {
    exitCode,
    signal,
    output,
    rawOutput: raw,
    calls,
    outputs: readEnvStore(envStore),
    envStore,
    workDir,
    home,
    tmp,
  };
}

interface StepYmlInput {
  [key: string]: unknown;
  opts?: { is_expand?: boolean };
}

/**
 * step.yml input defaults as the Bitrise CLI applies them: each value expanded against the
 * environment so far (`$VAR`, `${VAR}`; unknown variables become empty) unless `is_expand: false`.
 */
export function stepYmlDefaults(stepId: string, env: Record<string, string>): Record<string, string> {
  const stepYml = parseYaml(readFileSync(join(REPO_ROOT, 'steps', stepId, 'step.yml'), 'utf8')) as {
    inputs?: unknown[];
  };
  // envman's rules, as `steps run` applies them: each item expanded against the env so far.
  const expanded = new Map(Object.entries(env));
  const items = envItems(stepYml.inputs ?? []);
  for (const item of items) applyEnvItem(expanded, item);
  return Object.fromEntries(items.map((item) => [item.key, expanded.get(item.key) ?? '']));
}

/** Values of the inputs step.yml marks `is_sensitive`, as this run set them. */
function sensitiveInputValues(stepId: string, env: Record<string, string>): string[] {
  const stepYml = parseYaml(readFileSync(join(REPO_ROOT, 'steps', stepId, 'step.yml'), 'utf8')) as {
    inputs?: StepYmlInput[];
  };
  return (stepYml.inputs ?? [])
    .filter((item) => (item.opts as { is_sensitive?: boolean } | undefined)?.is_sensitive === true)
    .map((item) => env[Object.keys(item).find((k) => k !== 'opts')!] ?? '')
    .flatMap((value) => value.split('|'));
}

const HANDED_SECRET_VARS = [
  'FASTLANE_SESSION',
  'FASTLANE_PASSWORD',
  'DELIVER_PASSWORD',
  'PILOT_PASSWORD',
  'FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD',
];

/** Secrets the Step gave its tools: session and passwords in their environment, key files they read. */
function handedSecrets(calls: Recording[]): string[] {
  return calls.flatMap((call) => [
    ...HANDED_SECRET_VARS.map((name) => call.env[name] ?? ''),
    ...Object.values(call.files).map((file) => file.content),
  ]);
}

export interface NextStep {
  /** The environment the Bitrise CLI hands the following Step. */
  env: EnvMap;
  /** The exported keys later Steps see redacted (`--sensitive` or step.yml `is_sensitive`). */
  sensitive: string[];
}

/**
 * What the Step after this one would get under the Bitrise CLI: the exported items appended to
 * the environment with envman's expansion rules (step-contract.md §2.5).
 */
export function nextStep(run: StepRun, stepId: string): NextStep {
  const stepYml = parseYaml(readFileSync(join(REPO_ROOT, 'steps', stepId, 'step.yml'), 'utf8')) as {
    outputs?: unknown[];
  };
  const declaredSensitive = new Set(
    envItems(stepYml.outputs ?? [])
      .filter((item) => isSensitiveOpt(item.opts))
      .map((item) => item.key),
  );
  const env: EnvMap = new Map([
    ['PATH', SYSTEM_PATH],
    ['HOME', run.home],
    ['LANG', 'C.UTF-8'],
  ]);
  return { env, sensitive: applyEnvStore(env, run.envStore, declaredSensitive) };
}

/** The exported values as the following Step reads them from its environment. */
export function outputsInNextStep(run: StepRun, stepId: string): Record<string, string> {
  const { env } = nextStep(run, stepId);
  const keys = new Set(run.outputs.map((output) => output.key));
  return Object.fromEntries([...env].filter(([key]) => keys.has(key)));
}

/**
 * Runs testkit/steps/assert-outputs as the following Step: it checks each expected value byte for
 * byte and prints the sensitive ones, which must reach its log only as [REDACTED].
 */
export function assertOutputsInNextStep(
  run: StepRun,
  stepId: string,
  expected: Record<string, string>,
): { exitCode: number | null; output: string } {
  const { env, sensitive } = nextStep(run, stepId);
  env.set(
    'equals',
    Object.entries(expected)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join('\n'),
  );
  env.set('sensitive', sensitive.join('|'));
  const result = spawnSync('bash', [join(REPO_ROOT, 'testkit', 'steps', 'assert-outputs', 'step.sh')], {
    cwd: run.workDir,
    env: Object.fromEntries(env),
    encoding: 'utf8',
  });
  let output = stripAnsi(`${result.stdout}${result.stderr}`);
  for (const key of sensitive) output = output.split(env.get(key) ?? '').join('[REDACTED]');
  return { exitCode: result.status, output };
}

export function callsOf(run: StepRun, tool: string): Recording[] {
  return run.calls.filter((call) => call.tool === tool);
}

/**
 * The fragments to look for: each secret whole; a PEM key also line by line (armour lines aside);
 * a FASTLANE_SESSION also by each cookie value. Values under 4 characters are left out, as the
 * redactor leaves them.
 */
export function secretFragments(secrets: readonly string[]): string[] {
  const fragments = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    fragments.add(secret);
    if (secret.includes('-----BEGIN')) {
      for (const line of secret.split(/\r?\n/)) {
        const trimmed = line.trim();
        if (trimmed.length >= 8 && !/^-----(BEGIN|END) [A-Z ]+-----$/.test(trimmed)) fragments.add(trimmed);
      }
    }
    if (secret.startsWith('---\n- !ruby/object:HTTP::Cookie')) {
      for (const match of secret.matchAll(/^ {2}value: (.+)$/gm))
        if (match[1]!.length >= 4) fragments.add(match[1]!);
    }
  }
  return [...fragments];
}

/** The leaked fragments, if any: every e2e test asserts this is empty. */
export function leakedSecrets(output: string, secrets: readonly string[]): string[] {
  return secretFragments(secrets).filter((fragment) => output.includes(fragment));
}

/** Secret values of a connection payload: password, app-specific password, cookie values, key. */
export function connectionSecrets(payload: Record<string, unknown>): string[] {
  const secrets: string[] = [];
  for (const key of ['password', 'app_specific_password', 'private_key']) {
    if (typeof payload[key] === 'string') secrets.push(payload[key] as string);
  }
  const cookies = payload['session_cookies'] as Record<string, Array<{ value?: string }>> | undefined;
  for (const list of Object.values(cookies ?? {}))
    for (const cookie of list ?? []) if (cookie.value) secrets.push(cookie.value);
  return secrets;
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
