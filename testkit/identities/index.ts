/**
 * Test helpers for code-signing assets: throwaway identities, p12 files and provisioning profiles
 * in Apple's formats. For tests and simulators only; the Steps never import this.
 */
export {
  createTestIdentity,
  createTestP12,
  newTestKeyPair,
  type TestIdentity,
  type TestIdentityOptions,
  type TestP12Options,
  testKeyPair,
} from './identity.ts';
export { createTestProfile, signPlist, type TestProfileOptions, type TestProfileType } from './profile.ts';
