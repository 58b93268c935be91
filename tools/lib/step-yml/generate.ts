import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, stepFolders } from '../repo.ts';
import { deriveInputSchema } from './input-schema.ts';
import { GENERATED_SCHEMA_FILE, renderInputsModule } from './render-schema.ts';
import {
  copiedSharedInputs,
  expandSharedBlocks,
  loadSharedBlocks,
  type SharedBlock,
} from './shared-blocks.ts';
import { envItems, loadStepYml } from './step-yml.ts';

/**
 * What `npm run build` writes from each step.yml before bundling: the shared input blocks inside
 * step.yml, and src/inputs.generated.ts, the schema main.ts parses the inputs with.
 */

export interface GeneratedFile {
  /** Absolute. */
  path: string;
  text: string;
}

export interface StepGeneration {
  id: string;
  files: GeneratedFile[];
  /** `steps/<id>/step.yml: <problem>`; nothing is written for a Step that has any. */
  problems: string[];
}

function sharedBlocksDir(root: string): string {
  return join(root, 'step.yml.templates', 'inputs');
}

/**
 * The files one Step's step.yml produces, in memory. `stepYmlText` stands in for the file
 * (`steps new` plans a Step before it exists).
 */
export function generateStep(
  root: string,
  id: string,
  blocks: ReadonlyMap<string, SharedBlock> = loadSharedBlocks(sharedBlocksDir(root)),
  stepYmlText?: string,
): StepGeneration {
  const dir = join(root, 'steps', id);
  const stepYmlPath = join(dir, 'step.yml');
  const shown = relative(root, stepYmlPath);
  const expansion = expandSharedBlocks(stepYmlText ?? readFileSync(stepYmlPath, 'utf8'), blocks);
  const yml = loadStepYml(stepYmlPath, expansion.text);
  const items = envItems(yml.data['inputs']);
  const schema = deriveInputSchema(items);
  const problems = [
    ...expansion.problems,
    ...yml.errors,
    ...copiedSharedInputs(
      items.map((item) => item.key),
      expansion.used,
      blocks,
    ),
    ...schema.problems.map((p) => `inputs.${p}`),
  ].map((p) => `${shown}: ${p}`);
  const files: GeneratedFile[] = [{ path: stepYmlPath, text: expansion.text }];
  // A Step folder without src/ (not written yet) has no schema to generate.
  if (stepYmlText !== undefined || existsSync(join(dir, 'src')))
    files.push({ path: join(dir, 'src', GENERATED_SCHEMA_FILE), text: renderInputsModule(schema.inputs) });
  return { id, files, problems };
}

export interface GenerateOptions {
  root?: string;
  ids?: string[];
}

function generateSteps(options: GenerateOptions = {}): StepGeneration[] {
  const root = options.root ?? REPO_ROOT;
  const blocks = loadSharedBlocks(sharedBlocksDir(root));
  return (options.ids ?? stepFolders(root)).map((id) => generateStep(root, id, blocks));
}

/** Files whose content differs from what would be generated (absolute paths), and the problems. */
export function staleGeneratedFiles(options: GenerateOptions = {}): { stale: string[]; problems: string[] } {
  const generations = generateSteps(options);
  const stale = generations
    .flatMap((g) => g.files)
    .filter((file) => !existsSync(file.path) || readFileSync(file.path, 'utf8') !== file.text)
    .map((file) => file.path);
  return { stale, problems: generations.flatMap((g) => g.problems) };
}

/** Writes every changed file; throws listing every problem, before writing anything. */
export function writeGeneratedFiles(options: GenerateOptions = {}): string[] {
  const generations = generateSteps(options);
  const problems = generations.flatMap((g) => g.problems);
  if (problems.length > 0) throw new Error(`step.yml inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  const written: string[] = [];
  for (const file of generations.flatMap((g) => g.files)) {
    if (existsSync(file.path) && readFileSync(file.path, 'utf8') === file.text) continue;
    writeFileSync(file.path, file.text);
    written.push(file.path);
  }
  return written;
}
