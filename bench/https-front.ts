// The Bitrise build API over https, as on bitrise.io: a TLS front for the (plain http) build API
// simulator, so a benchmarked Step pays for its first TLS connection at the build API fetch, as it
// does on bitrise.io, and not at its first request to Apple.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EXTRA_CA_ENV, HOST_MAP_ENV } from '../common/step/test-settings.ts';
import { testTls } from '../testkit/simulators/tls/index.ts';

const HOST = 'app.bitrise.io';

export interface HttpsFront {
  /** The build URL through the front: https://app.bitrise.io/<the simulator's build path>. */
  buildUrl: string;
  /** The Step's routing settings: `routes` plus app.bitrise.io, and both CAs trusted. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Fronts `buildApiUrl` (http://127.0.0.1:port/build/…) with https for app.bitrise.io. */
export async function httpsFront(
  buildApiUrl: string,
  routes: { [HOST_MAP_ENV]: string; [EXTRA_CA_ENV]: string },
): Promise<HttpsFront> {
  const target = new URL(buildApiUrl);
  const tls = testTls([HOST]);
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const forward = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const caFile = join(tls.caFile, '..', 'with-simulators.pem');
  writeFileSync(caFile, `${tls.caCertPem}\n${readFileSync(routes[EXTRA_CA_ENV], 'utf8')}`);
  return {
    buildUrl: `https://${HOST}${target.pathname}`,
    env: { [HOST_MAP_ENV]: `${routes[HOST_MAP_ENV]},${HOST}=127.0.0.1:${port}`, [EXTRA_CA_ENV]: caFile },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
