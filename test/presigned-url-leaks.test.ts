/**
 * Pre-signed URLs are credentials: every Step is run end to end with a pre-signed `api_key_path`
 * (and auto-provision with pre-signed, password-carrying `certificate_urls`) served by a local
 * server, once downloading and once refused, and the harness's leak scan is handed the
 * signatures and passwords, so a run fails if any of them is printed in any form.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRA_CA_ENV, HOST_MAP_ENV } from '../common/step/test-settings.ts';
import { API_KEY_ISSUER_ID, API_KEY_PRIVATE_KEY_PEM } from '../testkit/fixtures/connections/index.ts';
import { developmentInputs, seededDevelopmentIdentity } from '../testkit/fixtures/provisioning.ts';
import { generateProject } from '../testkit/fixtures/xcode-project.ts';
import { callsOf, REPO_ROOT, runStepSh } from '../testkit/harness.ts';
import { type PortalSimulator, startPortalSimulator } from '../testkit/simulators/portal/index.ts';
import { createCa, issueCertificate } from '../testkit/simulators/tls/index.ts';

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** An S3-style pre-signed query: its signature and credential are what must never be printed. */
function presigned(signature: string, credential: string): string {
  return new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credential}/20240101/us-east-1/s3/aws4_request`,
    'X-Amz-Date': '20240101T000000Z',
    'X-Amz-Expires': '3600',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': signature,
  }).toString();
}

const KEY_SIGNATURE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const KEY_CREDENTIAL = 'AKIAKEYSIGNER0001';
const DENIED_SIGNATURE = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
const CERT_SIGNATURE = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const CERT_CREDENTIAL = 'AKIACERTSIGNER002';
const CERT_USER = 'cert-downloader';
const CERT_PASSWORD = 'cert-basic-pw-59c1';

/** What the leak scan looks for besides sensitive inputs: every credential above, raw and encoded. */
const URL_SECRETS = [
  KEY_SIGNATURE,
  KEY_CREDENTIAL,
  DENIED_SIGNATURE,
  CERT_SIGNATURE,
  CERT_CREDENTIAL,
  CERT_PASSWORD,
]
  .flatMap((secret) => [secret, encodeURIComponent(`${secret}/20240101`)])
  .concat([presigned(KEY_SIGNATURE, KEY_CREDENTIAL), presigned(CERT_SIGNATURE, CERT_CREDENTIAL)]);

/** Serves files only to requests that carry the expected query (and Basic credentials), else 403. */
interface FileServer {
  files: Map<string, { body: string | Buffer; query: string; basic?: string }>;
  requests: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

function fileServer(): FileServer {
  const files: FileServer['files'] = new Map();
  const requests: string[] = [];
  return {
    files,
    requests,
    handler: (req, res) => {
      requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const file = files.get(url.pathname);
      if (!file) return void res.writeHead(404).end('no such file');
      const basic = file.basic ? `Basic ${Buffer.from(file.basic).toString('base64')}` : undefined;
      if (url.search.slice(1) !== file.query || req.headers.authorization !== basic)
        return void res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      res.writeHead(200).end(file.body);
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );
}

const keys = fileServer();
const keyServer = createHttpServer(keys.handler);
let keyBase = '';
beforeAll(async () => {
  keyBase = `http://127.0.0.1:${await listen(keyServer)}`;
});
afterAll(() => keyServer.close());

/** A pre-signed URL of an API key served by the key server; the key ID is in the file name. */
function serveKey(keyId: string, pem: string): string {
  const path = `/keys/AuthKey_${keyId}.p8`;
  keys.files.set(path, { body: pem, query: presigned(KEY_SIGNATURE, KEY_CREDENTIAL) });
  return `${keyBase}${path}?${presigned(KEY_SIGNATURE, KEY_CREDENTIAL)}`;
}

/** A URL the server refuses: the signature does not match, as with an expired pre-signed URL. */
function deniedKeyUrl(keyId: string): string {
  const path = `/denied/AuthKey_${keyId}.p8`;
  keys.files.set(path, { body: API_KEY_PRIVATE_KEY_PEM, query: presigned(KEY_SIGNATURE, KEY_CREDENTIAL) });
  return `${keyBase}${path}?${presigned(DENIED_SIGNATURE, KEY_CREDENTIAL)}`;
}

/** The config echo of a key URL: where it points, its query masked. */
const SHOWN_KEY = (keyId: string, folder = 'keys') =>
  `- api_key_path: ${keyBase}/${folder}/AuthKey_${keyId}.p8?*****`;

describe('fastlane-wrapper with a pre-signed api_key_path', () => {
  const run = (apiKeyPath: string) =>
    runStepSh('fastlane-wrapper', {
      inputs: {
        lane: 'ios beta',
        connection: 'off',
        api_key_path: apiKeyPath,
        api_issuer: API_KEY_ISSUER_ID,
      },
      env: { STAND_IN_CAPTURE_FILES: 'APP_STORE_CONNECT_API_KEY_PATH' },
      secrets: URL_SECRETS,
    });

  it('downloads the key and prints the URL only without its query', async () => {
    const result = await run(serveKey('FLSIGNED01', API_KEY_PRIVATE_KEY_PEM));
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain(SHOWN_KEY('FLSIGNED01'));
    const lane = callsOf(result, 'fastlane').find((call) => call.argv.includes('beta'))!;
    expect(JSON.parse(lane.files['APP_STORE_CONNECT_API_KEY_PATH']!.content)).toMatchObject({
      key_id: 'FLSIGNED01',
    });
    expect(keys.requests.at(-1)).toBe(
      `/keys/AuthKey_FLSIGNED01.p8?${presigned(KEY_SIGNATURE, KEY_CREDENTIAL)}`,
    );
  });

  it('fails a refused download without printing the URL', async () => {
    const result = await run(deniedKeyUrl('FLDENIED01'));
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('failed to download the API key: HTTP 403');
    expect(result.output).toContain(SHOWN_KEY('FLDENIED01', 'denied'));
  });
});

describe('deploy-to-itunes-connect with a pre-signed api_key_path', () => {
  const ipa = join(REPO_ROOT, 'steps/deploy-to-itunes-connect/test/fixtures/App.ipa');
  const run = (apiKeyPath: string) =>
    runStepSh('deploy-to-itunes-connect', {
      inputs: {
        connection: 'off',
        api_key_path: apiKeyPath,
        api_issuer: API_KEY_ISSUER_ID,
        ipa_path: ipa,
        app_id: '1234567890',
        // The key file goes to deliver; the API upload is covered by the Step's own tests.
        upload_method: 'deliver',
      },
      env: { STAND_IN_CAPTURE_ARGS: '--api_key_path', STAND_IN_XCODEBUILD_VERSION: '16.2 16C5032a' },
      secrets: URL_SECRETS,
    });

  it('uploads with the downloaded key and prints the URL only without its query', async () => {
    const result = await run(serveKey('DLSIGNED01', API_KEY_PRIVATE_KEY_PEM));
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain(SHOWN_KEY('DLSIGNED01'));
    const deliver = callsOf(result, 'fastlane').find((call) => call.argv.includes('deliver'))!;
    expect(JSON.parse(deliver.files['--api_key_path']!.content)).toMatchObject({ key_id: 'DLSIGNED01' });
  });

  it('fails a refused download without printing the URL', async () => {
    const result = await run(deniedKeyUrl('DLDENIED01'));
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('failed to download the API key: HTTP 403');
    expect(callsOf(result, 'fastlane').filter((call) => call.argv.includes('deliver'))).toEqual([]);
  });
});

/**
 * A server certificate for `host` from a CA of its own. Its CA must not share the portal CA's
 * name: OpenSSL picks an issuer by name, so a second CA of the same name fails verification.
 */
function serverTls(host: string): { caCertPem: string; certPem: string; keyPem: string } {
  const ca = createCa('presigned-url-leaks test CA');
  const server = issueCertificate(ca, {
    subject: [{ name: 'commonName', value: host }],
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: host }] },
    ],
  });
  return {
    caCertPem: forge.pki.certificateToPem(ca.cert),
    certPem: forge.pki.certificateToPem(server.cert),
    keyPem: forge.pki.privateKeyToPem(server.key!),
  };
}

describe('auto-provision with a pre-signed api_key_path and certificate URLs', () => {
  const CERT_HOST = 'certs.presigned.test';
  const certs = fileServer();
  const tls = serverTls(CERT_HOST);
  const certServer = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, certs.handler);
  let portal: PortalSimulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    const port = await listen(certServer);
    portal = await startPortalSimulator({});
    // One CA file may hold several certificates: the portal's CA and the certificate server's.
    const caFile = join(tempDir('presigned-ca-'), 'ca.pem');
    writeFileSync(caFile, readFileSync(portal.hostMapEnv[EXTRA_CA_ENV], 'utf8') + tls.caCertPem);
    env = {
      [HOST_MAP_ENV]: `${portal.hostMapEnv[HOST_MAP_ENV]},${CERT_HOST}=127.0.0.1:${port}`,
      [EXTRA_CA_ENV]: caFile,
    };
  });
  afterAll(async () => {
    certServer.close();
    await portal.close();
  });

  async function run(name: string, options: { keyUrl?: string; certQuery?: string }) {
    const dir = tempDir(`presigned-${name}-`);
    const dev = seededDevelopmentIdentity(portal, dir);
    const project = generateProject({ dir: join(dir, 'project'), extensions: 0 });
    const path = `/signed/${name}/dev.p12`;
    certs.files.set(path, {
      body: readFileSync(dev.p12Path),
      query: presigned(CERT_SIGNATURE, CERT_CREDENTIAL),
      basic: `${CERT_USER}:${CERT_PASSWORD}`,
    });
    const certUrl = `https://${CERT_USER}:${CERT_PASSWORD}@${CERT_HOST}${path}?${
      options.certQuery ?? presigned(CERT_SIGNATURE, CERT_CREDENTIAL)
    }`;
    const result = await runStepSh('auto-provision', {
      inputs: {
        ...developmentInputs(dev, project),
        connection: 'off',
        api_key_path: options.keyUrl ?? serveKey(portal.apiKey.keyId, portal.apiKey.privateKeyPem),
        api_issuer: portal.apiKey.issuerId,
        certificate_urls: certUrl,
      },
      env,
      secrets: URL_SECRETS,
    });
    return { result, shownCert: `https://*****@${CERT_HOST}${path}?*****` };
  }

  it('signs with both downloaded, printing each URL only without its credentials', async () => {
    const { result, shownCert } = await run('ok', {});
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain(SHOWN_KEY(portal.apiKey.keyId));
    expect(result.output).toContain(`- certificate_urls: ${shownCert}`);
    expect(result.output).toContain(`Loading certificate 1 (${shownCert})`);
    expect(certs.requests.at(-1)).toBe(`/signed/ok/dev.p12?${presigned(CERT_SIGNATURE, CERT_CREDENTIAL)}`);
  });

  it('fails a refused certificate download without printing its URL', async () => {
    const { result, shownCert } = await run('denied-cert', {
      certQuery: presigned(DENIED_SIGNATURE, CERT_CREDENTIAL),
    });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain(`failed to download certificate 1 (${shownCert}): HTTP 403`);
  });

  it('fails a refused key download without printing its URL', async () => {
    const { result } = await run('denied-key', { keyUrl: deniedKeyUrl(portal.apiKey.keyId) });
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('failed to download the API key: HTTP 403');
  });
});
