/**
 * Runs the simulated build API by hand, e.g. to point a locally built step at it:
 *   npx tsx testkit/simulators/build-api/cli.ts --fixture apple-id --queue 503,503
 * Prints the env vars to export, then logs one line per request to stderr until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import {
  appleIdConnection,
  type ConnectionFixtureName,
  loadConnectionFixture,
} from '../../fixtures/connections/index.ts';
import { parseFault, startBuildApiSimulator } from './index.ts';

const { values } = parseArgs({
  options: {
    fixture: { type: 'string', default: 'apple-id-fresh' },
    token: { type: 'string' },
    fault: { type: 'string' },
    queue: { type: 'string' },
  },
});

// `apple-id-fresh` is the Apple ID fixture with an expiry 20 days ahead; the static file's is in 2019.
const payload =
  values.fixture === 'apple-id-fresh'
    ? appleIdConnection()
    : loadConnectionFixture(values.fixture as ConnectionFixtureName);

const sim = await startBuildApiSimulator({
  payload,
  token: values.token,
  fault: values.fault ? parseFault(values.fault) : null,
});
if (values.queue) sim.queueFaults(values.queue.split(',').map(parseFault));

console.log(`export BITRISE_BUILD_URL=${sim.url}`);
console.log(`export BITRISE_BUILD_API_TOKEN=${sim.token}`);

let logged = 0;
const timer = setInterval(() => {
  for (const r of sim.requests.slice(logged)) {
    console.error(
      `${new Date(r.at).toISOString()} ${r.method} ${r.path} -> ${r.status ?? '(pending)'} ${r.fault ?? ''}`,
    );
  }
  logged = sim.requests.length;
}, 200);

process.once('SIGINT', () => {
  clearInterval(timer);
  void sim.close().then(() => process.exit(0));
});
