// Checks the stand-ins' recording log for one call; see step.yml.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const { action = 'assert', log_path: log, tool, argv = '', env_present = '', env_absent = '' } = process.env;
const fail = (message) => {
  console.log(`\x1b[31;1m${message}\x1b[0m`);
  process.exit(1);
};
if (!log) fail('log_path is empty: set STAND_IN_LOG in the workflow envs');
if (action === 'reset') {
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, '');
  console.log(`reset ${log}`);
  process.exit(0);
}
const calls = existsSync(log)
  ? readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
const call = calls.find((c) => c.tool === tool && c.argv.join(' ') === argv);
if (!call)
  fail(
    `no ${tool} call with arguments "${argv}"; recorded: ${calls.map((c) => `${c.tool} ${c.argv.join(' ')}`).join(', ') || 'none'}`,
  );
const list = (text) =>
  text
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);
for (const key of list(env_present)) if (!call.env[key]) fail(`${tool} ${argv}: ${key} was not set`);
for (const key of list(env_absent)) if (key in call.env) fail(`${tool} ${argv}: ${key} was set`);
console.log(`\x1b[32;1m${tool} ${argv}: ok\x1b[0m`);
