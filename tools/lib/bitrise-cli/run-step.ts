import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { Redactor } from '../../../common/step/redactor.ts';
import { hideUrlCredentials, registerUrlCredentials } from '../../../common/step/url-credentials.ts';
import { consoleOut, type Out, REPO_ROOT } from '../repo.ts';
import { type EnvItem, envItems, isSensitiveOpt, loadStepYml } from '../step-yml/step-yml.ts';
import { UsageError } from '../usage-error.ts';
import { parseEnvFile, stringifyDotenv } from './dotenv.ts';
import { applyEnvItem, type EnvMap } from './env-items.ts';
import { latestByKey, readEnvStore, type StoredEnv } from './envstore.ts';
import { readSecrets } from './secrets.ts';

/** The folder holding the product envman (tools/envman/envman), put first on PATH. */
export const ENVMAN_DIR = join(REPO_ROOT, 'tools', 'envman');

/** Exit code of the Bitrise CLI when a Step hits its `timeout`. */
const TIMEOUT_EXIT_CODE = 91;

export interface RunStepOptions {
  id: string;
  root?: string;
  /** `--input key=value`, applied over step.yml defaults (and over the env file). */
  inputs?: Record<string, string>;
  /** A dotenv file: keys that are inputs set those inputs, the others become env vars. */
  envFile?: string;
  /** `.bitrise.secrets.yml` (envs list); env vars whose values are masked. Missing file = none. */
  secretsFile?: string;
  /** BITRISE_SOURCE_DIR and the Step's cwd; default $BITRISE_SOURCE_DIR or the current dir. */
  sourceDir?: string;
  /** Default `<root>/_tmp/<id>.outputs.env`. */
  outputsFile?: string;
  /** Env set last, over secrets and the env file (e.g. simulator URLs). */
  overrideEnv?: Record<string, string>;
  /** Folders put on PATH before the caller's PATH, after envman's. */
  pathDirs?: string[];
  /** The caller's environment; default process.env. */
  env?: NodeJS.ProcessEnv;
  out?: Out;
  /** Where the Step's own output goes (redacted); default stdout. */
  stepOutput?: (chunk: string) => void;
}

export interface RunStepResult {
  exitCode: number;
  outputs: StoredEnv[];
  outputsFile: string;
}

/**
 * Runs a Step the way the Bitrise CLI would (step-contract.md §2): copies its folder to a fresh
 * step_src, builds the env (caller env, CLI vars, secrets, env file, inputs expanded in order
 * with envman semantics), runs `bash <step_src>/<entry_file>` in BITRISE_SOURCE_DIR with envman
 * on PATH, then collects what the Step exported.
 */
export async function runStepLocally(options: RunStepOptions): Promise<RunStepResult> {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const baseEnv = options.env ?? process.env;
  const dir = join(root, 'steps', options.id);
  const ymlPath = join(dir, 'step.yml');
  if (!existsSync(ymlPath)) throw new UsageError(`steps/${options.id}/step.yml does not exist`);
  const yml = loadStepYml(ymlPath);
  if (yml.errors.length > 0)
    throw new UsageError(`${relative(root, ymlPath)}: ${yml.errors[0]}; run steps audit`);
  const entryFile = bashEntryFile(yml.data);
  if (!existsSync(join(dir, entryFile)))
    throw new UsageError(`steps/${options.id}/${entryFile} does not exist`);
  const inputItems = envItems(yml.data['inputs']);
  const outputItems = envItems(yml.data['outputs']);
  const declared = new Set(inputItems.map((item) => item.key));
  const usesBundle = readFileSync(join(dir, entryFile), 'utf8').includes('dist/index.mjs');
  if (usesBundle && !existsSync(join(dir, 'dist', 'index.mjs')))
    throw new UsageError(`steps/${options.id}/dist/index.mjs does not exist; run \`npm run build\` first`);

  for (const key of Object.keys(options.inputs ?? {})) {
    if (!declared.has(key))
      throw new UsageError(
        `${options.id} has no input "${key}"; its inputs: ${[...declared].join(', ') || '(none)'}`,
      );
  }

  const redactor = new Redactor();
  const workDir = mkdtempSync(join(tmpdir(), 'steps-run-'));
  try {
    const stepSrc = join(workDir, 'step_src');
    // The CLI copies the Step (rsync -ar), so a Step that finds its files relative to itself works.
    cpSync(dir, stepSrc, { recursive: true, filter: (src) => !/[/\\](node_modules|_tmp|\.git)$/.test(src) });
    chmodSync(join(stepSrc, entryFile), 0o755);

    const sourceDir = resolve(options.sourceDir ?? baseEnv['BITRISE_SOURCE_DIR'] ?? process.cwd());
    const envStore = join(workDir, 'output_envstore.yml');
    const env: EnvMap = new Map(
      Object.entries(baseEnv).filter((e): e is [string, string] => e[1] !== undefined),
    );
    setCliEnv(env, { id: options.id, root, sourceDir, workDir, stepSrc, envStore });

    const secrets = options.secretsFile ? readSecrets(options.secretsFile) : [];
    for (const item of secrets) {
      applyEnvItem(env, item);
      redactor.add(env.get(item.key));
    }

    const fileInputs: Record<string, string> = {};
    if (options.envFile) {
      for (const [key, value] of Object.entries(parseEnvFile(readFileSync(options.envFile, 'utf8')))) {
        if (declared.has(key)) fileInputs[key] = value;
        else env.set(key, value);
      }
    }
    for (const [key, value] of Object.entries(options.overrideEnv ?? {})) env.set(key, value);
    const pathDirs = [ENVMAN_DIR, ...(options.pathDirs ?? [])];
    env.set('PATH', [...pathDirs, env.get('PATH') ?? ''].filter(Boolean).join(delimiter));
    env.set('BITRISE_SECRET_ENV_KEY_LIST', secrets.map((s) => s.key).join(','));

    const given = { ...fileInputs, ...options.inputs };
    out.log(`Inputs of ${options.id}:`);
    for (const item of inputItems) {
      const effective: EnvItem = item.key in given ? { ...item, value: given[item.key] } : item;
      applyEnvItem(env, effective);
      if (isSensitiveOpt(item.opts)) redactor.add(env.get(item.key));
      registerUrlCredentials(env.get(item.key), redactor);
      out.log(`- ${item.key}: ${shown(env.get(item.key), isSensitiveOpt(item.opts))}`);
    }

    out.log(`$ bash ${entryFile}  (cwd ${sourceDir})`);
    const timeout = typeof yml.data['timeout'] === 'number' ? yml.data['timeout'] : 0;
    const exitCode = await runBash(join(stepSrc, entryFile), {
      cwd: sourceDir,
      env: Object.fromEntries(env),
      timeoutMs: timeout > 0 ? timeout * 1000 : undefined,
      write: (chunk) => (options.stepOutput ?? ((c) => process.stdout.write(c)))(redactor.redact(chunk)),
    });

    const sensitiveOutputs = new Set(outputItems.filter((o) => isSensitiveOpt(o.opts)).map((o) => o.key));
    const outputs = latestByKey(readEnvStore(envStore)).map((o) => ({
      ...o,
      sensitive: o.sensitive || sensitiveOutputs.has(o.key),
    }));
    for (const output of outputs) if (output.sensitive) redactor.add(output.value);

    const outputsFile = resolve(options.outputsFile ?? join(root, '_tmp', `${options.id}.outputs.env`));
    mkdirSync(dirname(outputsFile), { recursive: true });
    writeFileSync(outputsFile, stringifyDotenv(outputs.map((o) => [o.key, o.value])), { mode: 0o600 });

    out.log(exitCode === 0 ? `${options.id}: succeeded` : `${options.id}: failed with exit code ${exitCode}`);
    out.log(outputs.length ? 'Outputs:' : 'Outputs: none');
    for (const output of outputs) out.log(`- ${output.key}=${shown(output.value, output.sensitive)}`);
    const undeclared = outputs.filter((o) => !outputItems.some((item) => item.key === o.key));
    if (undeclared.length)
      out.log(`warning: not declared in step.yml outputs: ${undeclared.map((o) => o.key).join(', ')}`);
    out.log(`Outputs written to ${relative(process.cwd(), outputsFile) || outputsFile}`);
    return { exitCode, outputs, outputsFile };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function bashEntryFile(step: Record<string, unknown>): string {
  const toolkit = step['toolkit'] as
    | { bash?: { entry_file?: unknown }; go?: unknown; swift?: unknown }
    | undefined;
  if (toolkit && (toolkit.go || toolkit.swift))
    throw new UsageError('only bash toolkit Steps can be run here');
  const entry = toolkit?.bash?.entry_file;
  return typeof entry === 'string' && entry.trim() ? entry.trim() : 'step.sh';
}

interface CliEnvContext {
  id: string;
  root: string;
  sourceDir: string;
  workDir: string;
  stepSrc: string;
  envStore: string;
}

/** The variables the Bitrise CLI exposes (step-contract.md §2.7); pre-set ones are kept. */
function setCliEnv(env: EnvMap, c: CliEnvContext): void {
  const keep = (key: string, value: string) => {
    if (!env.get(key)) env.set(key, value);
  };
  const tmp = join(c.root, '_tmp', c.id);
  env.set('BITRISE_SOURCE_DIR', c.sourceDir);
  keep('BITRISE_DEPLOY_DIR', join(tmp, 'deploy'));
  keep('BITRISE_TEST_DEPLOY_DIR', join(tmp, 'test_deploy'));
  keep('BITRISE_HTML_REPORT_DIR', join(tmp, 'html_reports'));
  for (const key of ['BITRISE_DEPLOY_DIR', 'BITRISE_TEST_DEPLOY_DIR', 'BITRISE_HTML_REPORT_DIR'])
    mkdirSync(env.get(key)!, { recursive: true });
  const executionId = randomUUID();
  env.set('BITRISE_STEP_EXECUTION_ID', executionId);
  env.set('BITRISE_STEP_SOURCE_DIR', c.stepSrc);
  env.set('BITRISE_TEST_RESULT_DIR', join(env.get('BITRISE_TEST_DEPLOY_DIR')!, executionId));
  env.set('BITRISE_TRIGGERED_WORKFLOW_ID', `steps-run-${c.id}`);
  env.set('BITRISE_TRIGGERED_WORKFLOW_TITLE', `steps run ${c.id}`);
  env.set('BITRISE_BUILD_STATUS', '0');
  env.set('STEPLIB_BUILD_STATUS', '0');
  env.set('ENVMAN_ENVSTORE_PATH', c.envStore);
  env.set('BITRISE_STEP_FORMATTED_OUTPUT_FILE_PATH', join(c.workDir, 'formatted_output.md'));
  env.set('CI', env.get('CI') === 'true' ? 'true' : 'false');
  keep('PR', 'false');
}

function shown(value: string | undefined, sensitive: boolean): string {
  if (!value) return '<unset>';
  return sensitive ? '*****' : hideUrlCredentials(value);
}

interface BashOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  write: (chunk: string) => void;
}

/** Runs `bash <file>`, streaming output line by line so a secret is never split across chunks. */
function runBash(file: string, options: BashOptions): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [file], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
        }, options.timeoutMs)
      : undefined;
    const pending = { stdout: '', stderr: '' };
    const pump = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
      const text = pending[stream] + data.toString('utf8');
      const cut = text.lastIndexOf('\n') + 1;
      pending[stream] = text.slice(cut);
      if (cut > 0) options.write(text.slice(0, cut));
    };
    child.stdout.on('data', pump('stdout'));
    child.stderr.on('data', pump('stderr'));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      for (const rest of [pending.stdout, pending.stderr]) if (rest) options.write(`${rest}\n`);
      if (timedOut) resolvePromise(TIMEOUT_EXIT_CODE);
      else resolvePromise(code ?? (signal ? 128 + signalNumber(signal) : 1));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}
