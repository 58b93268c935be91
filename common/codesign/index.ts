/**
 * Code-signing assets that do not need Apple's servers: Xcode project analysis, p12 certificates,
 * provisioning profiles, their installation, and forcing manual signing into a project.
 */

export { BuildSettings } from './build-settings/resolver.ts';
export {
  type CertificateInfo,
  certificateInfoFromDer,
  certificateType,
} from './certificates/certificate-info.ts';
export {
  type LoadedCertificate,
  loadCertificates,
} from './certificates/load.ts';
export { decodeP12 } from './certificates/p12.ts';
export { normalizeSerial } from './certificates/serial.ts';
export { installCertificates } from './install/keychain.ts';
export {
  checkProfile,
  expiresWithin,
  normalizeUdid,
} from './profiles/check.ts';
export { installProfile, PROFILE_DIRS } from './profiles/install.ts';
export {
  decodeProfile,
  isXcodeManagedName,
  type ProvisioningProfile,
} from './profiles/profile.ts';
export {
  type AnalyzeProjectOptions,
  analyzeProject,
  type PlatformVariant,
  type ProjectAnalysis,
  type TargetAnalysis,
} from './project/analyze.ts';
export type { Platform } from './project/platform.ts';
export type { TargetKind } from './project/target-kind.ts';
export {
  forceManualSigning,
  forceManualSigningText,
  type ManualSigningTarget,
} from './signing/force-manual.ts';
export type { SigningEdit } from './signing/signing-edit.ts';
