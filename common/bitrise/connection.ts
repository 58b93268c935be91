import { Cookie } from 'tough-cookie';
import { privateKeyPem } from '../formats/pem.ts';
import { StepError } from '../step/errors.ts';
import { redactor } from '../step/redactor.ts';
import { Secret } from '../step/secret.ts';
import { dedupeDevices, type TestDevice } from './test-devices.ts';

/** The session cookies' origin that holds the Apple ID 2FA session. */
export const IDMSA_ORIGIN = 'https://idmsa.apple.com';

export interface AppleIdConnection {
  appleId: string;
  password: Secret;
  appSpecificPassword: Secret;
  /** Absent: the server set no expiry. */
  sessionExpiryDate?: Date;
  /** Keyed by origin URL, e.g. `https://idmsa.apple.com`, in the server's order. */
  sessionCookies: Record<string, Cookie[]>;
}

export interface ApiKeyConnection {
  keyId: string;
  issuerId: string;
  /** PEM; bare keys are wrapped. */
  privateKey: Secret;
  isEnterpriseAccount: boolean;
}

/** What the build's connected Apple Developer account offers. `{}` is a valid, empty connection. */
export interface Connection {
  appleId?: AppleIdConnection;
  apiKey?: ApiKeyConnection;
  testDevices: TestDevice[];
  /** Devices dropped as duplicates of earlier UDIDs, kept for debug logging. */
  duplicateTestDevices: TestDevice[];
  /** Why the build API gave no connection when it failed, so a Step can name it as the cause. */
  fetchError?: StepError;
}

export const EMPTY_CONNECTION: Connection = Object.freeze({
  testDevices: [],
  duplicateTestDevices: [],
}) as Connection;

export function isConnected(connection: Connection): boolean {
  return connection.appleId !== undefined || connection.apiKey !== undefined;
}

/** A payload we could not understand. Never carries the body: it is full of secrets. */
export class ConnectionPayloadError extends StepError {
  constructor(reason: string) {
    super(`invalid Apple Developer connection data from the build API: ${reason}`, {
      hint: 'rerun the build; if it keeps happening, reconnect the Apple Developer account on bitrise.io, or set connection to off and use the inputs',
    });
    this.name = 'ConnectionPayloadError';
  }
}

const APPLE_ID_KEYS = [
  'apple_id',
  'password',
  'app_specific_password',
  'connection_expiry_date',
  'session_cookies',
];
const API_KEY_KEYS = ['key_id', 'issuer_id', 'private_key', 'is_enterprise_account'];

type Json = Record<string, unknown>;

export function parseConnection(text: string): Connection {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConnectionPayloadError(
      `the response is not valid JSON (${(err as Error).message.replace(/"[^"]*"/g, '…')})`,
    );
  }
  if (!isObject(data)) throw new ConnectionPayloadError('the response is not a JSON object');

  const connection: Connection = { testDevices: [], duplicateTestDevices: [] };
  if (APPLE_ID_KEYS.some((key) => key in data)) connection.appleId = parseAppleId(data);
  if (API_KEY_KEYS.some((key) => key in data)) connection.apiKey = parseApiKey(data);
  if (data['test_devices'] !== undefined && data['test_devices'] !== null) {
    const { unique, duplicates } = dedupeDevices(parseDevices(data['test_devices']));
    connection.testDevices = unique;
    connection.duplicateTestDevices = duplicates;
  }
  return connection;
}

function parseAppleId(data: Json): AppleIdConnection {
  const password = optionalString(data, 'password');
  const appSpecificPassword = optionalString(data, 'app_specific_password');
  const expiry = data['connection_expiry_date'];
  let sessionExpiryDate: Date | undefined;
  if (expiry !== undefined && expiry !== null) {
    if (typeof expiry !== 'string' || !isRfc3339(expiry)) {
      throw new ConnectionPayloadError('connection_expiry_date is not an RFC 3339 date');
    }
    sessionExpiryDate = new Date(expiry);
  }
  const sessionCookies: Record<string, Cookie[]> = {};
  const rawCookies = data['session_cookies'];
  if (rawCookies !== undefined && rawCookies !== null) {
    if (!isObject(rawCookies)) throw new ConnectionPayloadError('session_cookies is not an object');
    for (const [origin, list] of Object.entries(rawCookies)) {
      if (list === null) continue;
      if (!Array.isArray(list))
        throw new ConnectionPayloadError(`session_cookies["${origin}"] is not a list`);
      sessionCookies[origin] = list.map((raw, index) =>
        parseCookie(raw, `session_cookies["${origin}"][${index}]`),
      );
    }
  }
  const appleId = optionalString(data, 'apple_id');
  // The Apple ID is an account name worth protecting: the Steps' apple_id inputs are sensitive too.
  redactor.add(appleId);
  return {
    appleId,
    password: new Secret(password),
    appSpecificPassword: new Secret(appSpecificPassword),
    sessionExpiryDate,
    sessionCookies,
  };
}

function parseCookie(raw: unknown, field: string): Cookie {
  if (!isObject(raw)) throw new ConnectionPayloadError(`${field} is not an object`);
  const value = optionalString(raw, 'value', field);
  redactor.add(value);
  const forDomain = raw['for_domain'];
  if (forDomain !== undefined && forDomain !== null && typeof forDomain !== 'boolean') {
    throw new ConnectionPayloadError(`${field}.for_domain is not a boolean`);
  }
  const maxAge = raw['max_age'];
  if (maxAge !== undefined && maxAge !== null && (typeof maxAge !== 'number' || !Number.isInteger(maxAge))) {
    throw new ConnectionPayloadError(`${field}.max_age is not a whole number`);
  }
  const expires = optionalString(raw, 'expires', field);
  const expiresDate = expires ? new Date(expires) : undefined;
  return new Cookie({
    key: optionalString(raw, 'name', field),
    value,
    domain: optionalString(raw, 'domain', field),
    path: optionalString(raw, 'path', field),
    secure: optionalBool(raw, 'secure', field),
    httpOnly: optionalBool(raw, 'httponly', field),
    // http-cookie's for_domain is tough-cookie's !hostOnly; the payload defaults it to true.
    hostOnly: forDomain === false,
    maxAge: typeof maxAge === 'number' ? maxAge : undefined,
    expires: expiresDate && !Number.isNaN(expiresDate.getTime()) ? expiresDate : undefined,
  });
}

function parseApiKey(data: Json): ApiKeyConnection {
  // Upstream's validation order: issuer, key id, key.
  for (const field of ['issuer_id', 'key_id', 'private_key']) {
    if (!optionalString(data, field)) {
      throw new ConnectionPayloadError(`invalid authentication credentials, empty ${field} in response`);
    }
  }
  const enterprise = data['is_enterprise_account'];
  if (enterprise !== undefined && enterprise !== null && typeof enterprise !== 'boolean') {
    throw new ConnectionPayloadError('is_enterprise_account is not a boolean');
  }
  return {
    keyId: optionalString(data, 'key_id'),
    issuerId: optionalString(data, 'issuer_id'),
    // Bare base64 keys are wrapped, so every consumer sees PEM.
    privateKey: new Secret(privateKeyPem(optionalString(data, 'private_key'))),
    isEnterpriseAccount: enterprise === true,
  };
}

function parseDevices(raw: unknown): TestDevice[] {
  if (!Array.isArray(raw)) throw new ConnectionPayloadError('test_devices is not a list');
  return raw.map((item, index) => {
    const field = `test_devices[${index}]`;
    if (!isObject(item)) throw new ConnectionPayloadError(`${field} is not an object`);
    for (const dateField of ['created_at', 'updated_at']) {
      const value = item[dateField];
      if (value !== undefined && value !== null && (typeof value !== 'string' || !isRfc3339(value))) {
        throw new ConnectionPayloadError(`${field}.${dateField} is not an RFC 3339 date`);
      }
    }
    return {
      id: typeof item['id'] === 'number' ? item['id'] : undefined,
      userId: typeof item['user_id'] === 'number' ? item['user_id'] : undefined,
      udid: optionalString(item, 'device_identifier', field),
      title: optionalString(item, 'title', field),
      deviceType: optionalString(item, 'device_type', field),
      createdAt: (item['created_at'] as string | undefined) ?? undefined,
      updatedAt: (item['updated_at'] as string | undefined) ?? undefined,
    };
  });
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(new Date(value).getTime());
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(data: Json, key: string, parent?: string): string {
  const value = data[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new ConnectionPayloadError(`${parent ? `${parent}.` : ''}${key} is not a string`);
  return value;
}

function optionalBool(data: Json, key: string, parent: string): boolean {
  const value = data[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new ConnectionPayloadError(`${parent}.${key} is not a boolean`);
  return value;
}
