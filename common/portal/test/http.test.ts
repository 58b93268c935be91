import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTls } from '../../../testkit/simulators/tls/index.ts';
import { createHttpClient, EXTRA_CA_ENV, HOST_MAP_ENV, parseHostMap } from '../../step/index.ts';

// common/step/http.ts is shared; these tests pin the behaviour the portal client relies on.
describe('createHttpClient test routing', () => {
  const tls = testTls(['api.appstoreconnect.apple.com', 'developer.apple.com']);
  let server: https.Server;
  let port = 0;
  const seen: Array<{ host?: string; servername: string | false | null; path?: string }> = [];

  beforeAll(async () => {
    server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      seen.push({ host: req.headers.host, servername: (req.socket as TLSSocket).servername, path: req.url });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends requests for a mapped host to the mapped address, verifying TLS for the real host name', async () => {
    const http = createHttpClient({
      env: { [HOST_MAP_ENV]: `api.appstoreconnect.apple.com=127.0.0.1:${port}`, [EXTRA_CA_ENV]: tls.caFile },
    });
    const response = await http('https://api.appstoreconnect.apple.com/v1/devices?limit=1');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true });
    expect(seen.at(-1)).toEqual({
      host: 'api.appstoreconnect.apple.com',
      servername: 'api.appstoreconnect.apple.com',
      path: '/v1/devices?limit=1',
    });
  });

  it('refuses the simulator certificate without the extra CA', async () => {
    const http = createHttpClient({
      env: { [HOST_MAP_ENV]: `developer.apple.com=127.0.0.1:${port}` },
      timeoutMs: 5000,
    });
    await expect(http('https://developer.apple.com/x')).rejects.toThrow(
      /self[- ]signed|unable to verify|issuer/i,
    );
  });

  it('refuses a mapped host that the certificate does not cover', async () => {
    const http = createHttpClient({
      env: { [HOST_MAP_ENV]: `idmsa.apple.com=127.0.0.1:${port}`, [EXTRA_CA_ENV]: tls.caFile },
      timeoutMs: 5000,
    });
    await expect(http('https://idmsa.apple.com/x')).rejects.toThrow(/altnames|does not match|Hostname/i);
  });

  it('parses the host map strictly', () => {
    expect([...parseHostMap('A.example.com=127.0.0.1:1, b.example.com=[::1]:2')]).toEqual([
      ['a.example.com', { host: '127.0.0.1', port: 1 }],
      ['b.example.com', { host: '::1', port: 2 }],
    ]);
    expect(() => parseHostMap('example.com=127.0.0.1')).toThrow(/not host=address:port/);
  });
});
