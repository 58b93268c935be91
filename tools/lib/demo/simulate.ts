import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SimulatorSeed,
  STAND_IN_DEFAULTS,
  STAND_IN_TOOLS,
  STAND_INS_DIR,
  startSimulators,
} from '../../../testkit/simulation.ts';
import { onPath } from '../on-path.ts';
import { REPO_ROOT } from '../repo.ts';

export type { SimulatorSeed };

export interface Simulation {
  /** Set over everything else in the Step's environment. */
  env: Record<string, string>;
  /** Put on PATH after envman, before the caller's PATH. */
  pathDirs: string[];
  /** What was simulated, for the run's output. */
  notes: string[];
  stop(): Promise<void>;
}

/**
 * Starts the embedded simulators and puts recording stand-ins for the macOS-only tools into a
 * private bin folder (the stand-ins folder itself also holds an envman, which must not shadow
 * the real one).
 */
export async function startSimulation(options: {
  id: string;
  root?: string;
  path?: string;
  /** The caller's environment, for the stand-in defaults it already sets. */
  env?: NodeJS.ProcessEnv;
  /** What the simulators hold when the Step starts; default empty. */
  seed?: SimulatorSeed;
}): Promise<Simulation> {
  const root = options.root ?? REPO_ROOT;
  const binDir = mkdtempSync(join(tmpdir(), 'steps-stand-ins-'));
  // All five, even where one is installed: a simulated run must not install gems or touch
  // keychains for real.
  const missing = [...STAND_IN_TOOLS];
  // Wrappers, not symlinks: the stand-ins find record.mjs next to themselves via BASH_SOURCE.
  for (const tool of missing)
    writeFileSync(join(binDir, tool), `#!/usr/bin/env bash\nexec '${join(STAND_INS_DIR, tool)}' "$@"\n`, {
      mode: 0o755,
    });
  const logDir = join(root, '_tmp', options.id);
  mkdirSync(logDir, { recursive: true });
  const standInLog = join(logDir, 'stand-ins.jsonl');
  rmSync(standInLog, { force: true });

  const simulators = await startSimulators(options.seed);
  const notes = [...simulators.notes];
  const installed = missing.filter((tool) => onPath(tool, options.path ?? process.env['PATH']));
  notes.push(
    `recording stand-ins from testkit/stand-ins first on PATH for ${missing.join(', ')}${installed.length ? ` (shadowing the installed ${installed.join(', ')})` : ''}; calls are logged to ${standInLog}`,
  );
  const callerEnv = options.env ?? process.env;
  const defaults = Object.fromEntries(
    Object.entries(STAND_IN_DEFAULTS).filter(([key]) => callerEnv[key] === undefined),
  );
  return {
    env: { ...defaults, ...simulators.env, STAND_IN_LOG: standInLog },
    pathDirs: [binDir],
    notes,
    async stop() {
      await simulators.stop();
      rmSync(binDir, { recursive: true, force: true });
    },
  };
}
