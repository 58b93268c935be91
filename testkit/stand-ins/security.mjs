#!/usr/bin/env node
// A stand-in for macOS `security` that follows the real tool's rules for the subcommands our
// Steps run (see security-commands.mjs and security-keychains.mjs), keeping its keychains and
// search list in files under $HOME. Every call is recorded like the other stand-ins' (record.mjs).
// Faults for tests, as with record.mjs: STAND_IN_SECURITY_EXIT and _STDOUT answer the calls whose
// joined argv contains STAND_IN_SECURITY_FAIL_ON (all calls without it) instead of running them;
// STAND_IN_SECURITY_SLEEP_MS (with _SLEEP_ON) waits before a call.
import { getopt } from './getopt.mjs';
import { configuredAnswer, configuredSleep, recordCall } from './recording.mjs';
import { COMMANDS, help } from './security-commands.mjs';

const TOOL = 'security';

function usage() {
  process.stdout.write(
    'Usage: security [-h] [-i] [-l] [-p prompt] [-q] [-v] [command] [opt ...]\n' +
      '    -i    Run in interactive mode.\n' +
      '    -l    Run /usr/bin/leaks -nocontext before exiting.\n' +
      '    -p    Set the prompt to "prompt" (implies -i).\n' +
      '    -q    Be less verbose.\n' +
      "    -v    Be more verbose about what's going on.\n" +
      'security commands are:\n',
  );
  help([]);
  return 2;
}

/** security.c main and execute_command: global options, then the first command the word is a prefix of. */
async function run(argv) {
  const { options, operands, error } = getopt(argv, 'hilp:qv');
  if (error) {
    process.stderr.write(`security: ${error}\n`);
    return usage();
  }
  const flags = new Set(options.map(([flag]) => flag));
  if (flags.has('h')) return help(operands);
  if (flags.has('i') || flags.has('p')) {
    process.stderr.write('security stand-in: interactive mode is not implemented by this stand-in\n');
    return 1;
  }
  if (operands.length === 0) return usage();
  const [word, ...args] = operands;
  const command = COMMANDS.find((c) => c.name.startsWith(word));
  if (!command) {
    process.stderr.write(`security: unknown command "${word}"\n`);
    return 1;
  }
  // -v echoes the command with each argument quoted, passwords included, as the real tool does.
  if (flags.has('v')) process.stderr.write(`${command.name}${args.map((a) => ` "${a}"`).join('')}\n`);
  if (command.name === 'help') return help(args);
  if (!command.run) {
    process.stderr.write(`security stand-in: "${command.name}" is not implemented by this stand-in\n`);
    return 1;
  }
  const result = await command.run(args);
  if (result === 2)
    process.stderr.write(`Usage: ${command.name} ${command.usage}\n        ${command.help}\n`);
  return result;
}

const argv = process.argv.slice(2);
recordCall(TOOL, argv);
await configuredSleep(TOOL, argv);
const answer = configuredAnswer(TOOL, argv);
if (answer) {
  if (answer.stdout) process.stdout.write(`${answer.stdout}\n`);
  process.exitCode = answer.exitCode;
} else {
  process.exitCode = await run(argv);
}
