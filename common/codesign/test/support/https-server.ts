import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import { testKeyPair } from '../../../../testkit/identities/index.ts';
import { createHttpClient, EXTRA_CA_ENV, HOST_MAP_ENV } from '../../../step/index.ts';

export interface TestHttpsServer {
  /** A got instance that reaches `host` on this server and trusts its certificate. */
  http: ReturnType<typeof createHttpClient>;
  host: string;
  requests: string[];
  close: () => Promise<void>;
}

/** A real TLS server for `host`, reached through the shared client's test host mapping. */
export async function startHttpsServer(
  dir: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host = 'certs.example.test',
): Promise<TestHttpsServer> {
  const keys = testKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  const name = [{ name: 'commonName', value: host }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: host }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, certPem);
  const requests: string[] = [];
  const server: Server = createServer(
    { key: forge.pki.privateKeyToPem(keys.privateKey), cert: certPem },
    (req, res) => {
      requests.push(req.url ?? '');
      handler(req, res);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const http = createHttpClient({
    env: { [HOST_MAP_ENV]: `${host}=127.0.0.1:${port}`, [EXTRA_CA_ENV]: caFile },
  });
  return {
    http,
    host,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
