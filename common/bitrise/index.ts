export {
  BuildApiError,
  connectionUrl,
  fetchConnection,
} from './build-api.ts';
export {
  type Connection,
  ConnectionPayloadError,
  EMPTY_CONNECTION,
  IDMSA_ORIGIN,
  isConnected,
  parseConnection,
} from './connection.ts';
export { dedupeDevices, type TestDevice } from './test-devices.ts';
