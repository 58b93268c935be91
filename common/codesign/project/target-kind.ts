import type { NativeTarget } from '../pbxproj/project.ts';

export type TargetKind =
  | 'app'
  | 'app-clip'
  | 'app-extension'
  | 'watch-app'
  | 'watch-extension'
  | 'ui-test'
  | 'other';

const PREFIX = 'com.apple.product-type.';

export function targetKind(target: Pick<NativeTarget, 'productType' | 'productFile'>): TargetKind {
  const type = target.productType.startsWith(PREFIX)
    ? target.productType.slice(PREFIX.length)
    : target.productType;
  if (type === 'application.on-demand-install-capable') return 'app-clip';
  if (/^application\.watchapp/.test(type)) return 'watch-app';
  if (/^watchkit2?-extension/.test(type)) return 'watch-extension';
  if (/^(app-extension|extensionkit-extension|tv-app-extension|xpc-service)/.test(type)) {
    return type.startsWith('xpc') ? 'other' : 'app-extension';
  }
  if (type.startsWith('application')) return 'app';
  if (type === 'bundle.ui-testing') return 'ui-test';
  // Unknown product types: judge by the product's extension, as upstream does.
  if (target.productFile?.endsWith('.appex')) return 'app-extension';
  if (target.productFile?.endsWith('.app')) return 'app';
  return 'other';
}

/** Products that are signed with their own bundle ID and profile: `.app` and `.appex`. */
export function isExecutableKind(kind: TargetKind): boolean {
  return kind !== 'ui-test' && kind !== 'other';
}
