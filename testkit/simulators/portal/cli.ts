/**
 * Runs the simulated Developer Portal by hand:
 *   npx tsx testkit/simulators/portal/cli.ts [--latency 100] [--page-size 20]
 * Prints the env vars that route Apple's hosts to it and where the throwaway API key and
 * session cookies were written, then logs one line per request to stderr until Ctrl-C.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPortalSimulator } from './index.ts';

const { values } = parseArgs({
  options: { latency: { type: 'string' }, 'page-size': { type: 'string' } },
});

const sim = await startPortalSimulator({
  latencyMs: values.latency ? Number(values.latency) : 0,
  pageSizeCap: values['page-size'] ? Number(values['page-size']) : undefined,
  seed: { certificates: [{ certificateType: 'DEVELOPMENT' }, { certificateType: 'DISTRIBUTION' }] },
});
const dir = mkdtempSync(join(tmpdir(), 'portal-simulator-'));
const keyFile = join(dir, `AuthKey_${sim.apiKey.keyId}.p8`);
writeFileSync(keyFile, sim.apiKey.privateKeyPem, { mode: 0o600 });
const cookiesFile = join(dir, 'session_cookies.json');
writeFileSync(cookiesFile, JSON.stringify({ 'https://idmsa.apple.com': sim.sessionCookies }, null, 2), {
  mode: 0o600,
});

for (const [key, value] of Object.entries(sim.hostMapEnv)) console.log(`export ${key}=${value}`);
console.log(`# API key: key ID ${sim.apiKey.keyId}, issuer ${sim.apiKey.issuerId}, key file ${keyFile}`);
console.log(`# Apple ID session cookies: ${cookiesFile}; teams ${sim.teams.map((t) => t.teamId).join(', ')}`);

let logged = 0;
const timer = setInterval(() => {
  for (const r of sim.requestLog.slice(logged)) {
    console.error(
      `${new Date(r.at).toISOString()} ${r.transport} ${r.method} ${r.path} -> ${r.status} ${r.fault ?? ''}`,
    );
  }
  logged = sim.requestLog.length;
}, 200);

process.once('SIGINT', () => {
  clearInterval(timer);
  void sim.close().then(() => process.exit(0));
});
