// Checks the outputs the previous Step exported, as the Bitrise CLI handed them on; see step.yml.
import { existsSync, readFileSync } from 'node:fs';

const { equals = '', equals_recorded = '', sensitive = '', log_path: log = '' } = process.env;
const problems = [];
const show = (value) => (value === undefined ? 'unset' : JSON.stringify(value));

for (const line of equals.split('\n').filter((l) => l.trim())) {
  const at = line.indexOf('=');
  const key = line.slice(0, at).trim();
  let expected;
  try {
    expected = JSON.parse(line.slice(at + 1));
  } catch {
    problems.push(`equals: "${line}" is not KEY=<JSON string>`);
    continue;
  }
  const actual = process.env[key];
  if (actual !== expected) problems.push(`${key} is ${show(actual)}, expected ${show(expected)}`);
  else console.log(`${key}: ok (${expected.length} characters)`);
}

const calls =
  log && existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
for (const check of equals_recorded.split('|').filter((c) => c.trim())) {
  const [key, source] = check.trim().split('=');
  const [tool, name] = (source ?? '').split(':');
  const call = calls.findLast((c) => c.tool === tool && name in c.env);
  if (!call) problems.push(`no recorded ${tool} call had ${name} set`);
  else if (process.env[key] !== call.env[name])
    problems.push(
      `${key} differs from the ${name} ${tool} was run with (${process.env[key]?.length ?? 'unset'} vs ${call.env[name].length} characters)`,
    );
  else console.log(`${key}: ok, same as ${tool}'s ${name}`);
}

for (const key of sensitive
  .split('|')
  .map((k) => k.trim())
  .filter(Boolean)) {
  if (!process.env[key]) problems.push(`${key} is not set`);
  // Printed on purpose: the CLI redacts sensitive outputs in every later Step's log.
  else console.log(`${key} (sensitive): ${process.env[key]}`);
}

if (problems.length > 0) {
  for (const problem of problems.slice(0, -1)) console.log(problem);
  console.log(`\x1b[31;1m${problems.at(-1)}\x1b[0m`);
  process.exit(1);
}
console.log('\x1b[32;1moutputs: ok\x1b[0m');
