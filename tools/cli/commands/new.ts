import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { consoleOut, type Out, REPO_ROOT, stepFolders } from '../../lib/repo.ts';
import { auditStepYml, formatProblem } from '../../lib/step-yml/audit.ts';
import { createStep, type NewStepAnswers } from '../../lib/step-yml/new-step.ts';
import { TYPE_TAGS } from '../../lib/step-yml/rules.ts';
import { stepIdFromTitle } from '../../lib/step-yml/slug.ts';
import { loadStepYml } from '../../lib/step-yml/step-yml.ts';
import { UsageError } from '../../lib/usage-error.ts';
import { type CommandContext, commandModule } from '../command.ts';

export const newModule = (context: CommandContext) =>
  commandModule(context, {
    command: 'new',
    describe: 'Create steps/<id>/ from step.yml.templates/ (asks for what the flags leave out)',
    builder: (y) =>
      y
        .option('title', { type: 'string', requiresArg: true, describe: 'The Step title' })
        .option('id', {
          type: 'string',
          requiresArg: true,
          describe: 'The Step id [default: the title, lower-cased, other chars → -]',
        })
        .option('summary', {
          type: 'string',
          requiresArg: true,
          describe: 'One line, at most 100 characters',
        })
        .option('description', {
          type: 'string',
          requiresArg: true,
          describe: 'Markdown [default: the summary]',
        })
        .option('type-tag', {
          type: 'string',
          requiresArg: true,
          choices: [...TYPE_TAGS],
          describe: 'Primary type tag [default: utility]',
        })
        .option('author', {
          type: 'string',
          requiresArg: true,
          describe: 'Author [default: git config user.name]',
        })
        .option('github-user', {
          type: 'string',
          requiresArg: true,
          describe: 'URLs become https://github.com/<user>/bitrise-step-<id>',
        })
        .option('website', {
          type: 'string',
          requiresArg: true,
          describe: "Website URL [default: this repository's]",
        })
        .option('source-code-url', {
          type: 'string',
          requiresArg: true,
          describe: "Source code URL [default: this repository's]",
        })
        .option('support-url', {
          type: 'string',
          requiresArg: true,
          describe: 'Support URL [default: <source>/issues]',
        })
        .option('interactive', {
          type: 'boolean',
          describe: 'Ask for missing answers [default: when stdin is a terminal]',
        })
        .example('$0 new', 'Answer the questions')
        .example(
          '$0 new --title "Hello World" --summary "Says hello" --type-tag utility',
          'No questions: creates steps/hello-world',
        ),
    run: (args) =>
      newCommand({
        title: args.title,
        id: args.id,
        summary: args.summary,
        description: args.description,
        typeTag: args['type-tag'],
        author: args.author,
        githubUser: args['github-user'],
        website: args.website,
        sourceCodeUrl: args['source-code-url'],
        supportUrl: args['support-url'],
        interactive: args.interactive,
        root: context.root,
        out: context.out,
      }),
  });

export interface NewCommandOptions {
  title?: string;
  id?: string;
  summary?: string;
  description?: string;
  typeTag?: string;
  author?: string;
  githubUser?: string;
  website?: string;
  sourceCodeUrl?: string;
  supportUrl?: string;
  /** Ask for what is missing; default: when stdin is a terminal. */
  interactive?: boolean;
  root?: string;
  out?: Out;
}

const FALLBACK_REPO = 'https://github.com/bitrise-apple-steps/bitrise-apple-steps';

function gitUserName(root: string): string {
  try {
    return execFileSync('git', ['config', 'user.name'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/**
 * URL defaults: with a GitHub user, the `bitrise :step create` rule
 * (https://github.com/<user>/bitrise-step-<id>); otherwise this monorepo's URLs, as the
 * existing Steps declare them.
 */
function defaultUrls(root: string, id: string, githubUser?: string) {
  if (githubUser) {
    const repo = `https://github.com/${githubUser}/bitrise-step-${id}`;
    return { website: repo, sourceCodeUrl: repo, supportUrl: `${repo}/issues` };
  }
  for (const step of stepFolders(root)) {
    const data = loadStepYml(join(root, 'steps', step, 'step.yml')).data;
    const source = data['source_code_url'];
    if (typeof source === 'string' && /^https?:\/\//.test(source)) {
      const support = typeof data['support_url'] === 'string' ? data['support_url'] : `${source}/issues`;
      const website = typeof data['website'] === 'string' ? data['website'] : source;
      return { website, sourceCodeUrl: source, supportUrl: support };
    }
  }
  return { website: FALLBACK_REPO, sourceCodeUrl: FALLBACK_REPO, supportUrl: `${FALLBACK_REPO}/issues` };
}

async function ask(options: NewCommandOptions, root: string): Promise<NewStepAnswers> {
  const interactive = options.interactive ?? process.stdin.isTTY === true;
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  const question = async (label: string, given: string | undefined, fallback?: string): Promise<string> => {
    if (given !== undefined) return given;
    if (!rl) {
      if (fallback !== undefined) return fallback;
      throw new UsageError(
        `--${label.toLowerCase().replace(/ /g, '-')} is required (or run in a terminal to be asked)`,
      );
    }
    const answer = (await rl.question(`${label}${fallback ? ` [${fallback}]` : ''}: `)).trim();
    return answer || fallback || question(label, undefined, fallback);
  };
  try {
    const title = await question('Title', options.title);
    const id = await question('Id', options.id, stepIdFromTitle(title));
    const summary = await question('Summary', options.summary);
    const description = await question('Description', options.description, summary);
    const typeTag = await question(`Type tag (${TYPE_TAGS.join(', ')})`, options.typeTag, 'utility');
    const author = await question('Author', options.author, gitUserName(root) || 'unknown');
    const urls = defaultUrls(root, id, options.githubUser);
    const website = await question('Website', options.website, urls.website);
    const sourceCodeUrl = await question('Source code URL', options.sourceCodeUrl, urls.sourceCodeUrl);
    const supportUrl = await question('Support URL', options.supportUrl, urls.supportUrl);
    return { title, id, summary, description, typeTag, author, website, sourceCodeUrl, supportUrl };
  } finally {
    rl?.close();
  }
}

async function newCommand(options: NewCommandOptions): Promise<number> {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const answers = await ask(options, root);
  const id = answers.id ?? stepIdFromTitle(answers.title);
  if (existsSync(join(root, 'steps', id))) throw new UsageError(`steps/${id} already exists`);
  const plan = await createStep(answers, { root });
  for (const file of [...plan.files.keys(), 'dist/index.mjs'].sort())
    out.log(`created steps/${plan.id}/${file}`);
  out.log(`added workflow ${plan.workflow} to e2e/bitrise.yml`);
  const problems = auditStepYml(join(plan.dir, 'step.yml'));
  for (const problem of problems) out.log(formatProblem(problem, root));
  out.log('');
  out.log('Next:');
  out.log(`  npx steps run ${plan.id} --input message=Hi     run it locally`);
  out.log(`  npx vitest run ${relative(root, join(plan.dir, 'test'))}       run its test`);
  out.log(`  edit steps/${plan.id}/step.yml and src/, then npm run build && npx steps readme`);
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}
