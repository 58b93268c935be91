export {
  BuildApiError,
  CONNECTION_PATH,
  connectionUrl,
  type FetchConnectionOptions,
  fetchConnection,
} from './build-api.ts';
export {
  type ApiKeyConnection,
  type AppleIdConnection,
  type Connection,
  ConnectionPayloadError,
  EMPTY_CONNECTION,
  IDMSA_ORIGIN,
  isConnected,
  parseConnection,
} from './connection.ts';
export { cleanUdid, dedupeDevices, type TestDevice } from './test-devices.ts';
