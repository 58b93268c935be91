// Appends one call to $STAND_IN_LOG in the stand-ins' record format, without reading stdin.
import { appendFileSync } from 'node:fs';

const [tool, ...argv] = process.argv.slice(2);
if (process.env.STAND_IN_LOG) {
  const record = { tool, argv, cwd: process.cwd(), stdin: '', env: process.env, files: {}, at: Date.now() };
  appendFileSync(process.env.STAND_IN_LOG, `${JSON.stringify(record)}\n`);
}
