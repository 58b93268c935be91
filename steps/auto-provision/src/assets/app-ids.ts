import { type BundleId, mapConcurrent, type PortalClient } from '../../../../common/portal/index.ts';
import { type Logger, StepError } from '../../../../common/step/index.ts';
import {
  iCloudContainers,
  isAppClip,
  needsManualConfiguration,
  requiredCapabilities,
  satisfies,
} from '../capabilities.ts';
import type { PortalWriter } from '../writer.ts';
import { appIdName } from './names.ts';

export interface EnsuredAppId {
  bundleId: BundleId;
  /** New, or capabilities were added: profiles made before cannot carry them. */
  changed: boolean;
  created: boolean;
}

/**
 * The App IDs of a run, each found or created once however many profiles need it (targets are
 * provisioned concurrently), with the capabilities its entitlements need enabled.
 */
export class AppIds {
  private readonly pending = new Map<string, Promise<EnsuredAppId>>();
  /** App IDs created with iCloud containers: the API cannot assign containers to them. */
  private readonly lackingICloudContainers: string[] = [];

  constructor(
    private readonly portal: PortalClient,
    private readonly writer: PortalWriter,
    private readonly logger: Logger,
  ) {}

  /** `target` names the target in errors. */
  ensure(identifier: string, entitlements: Record<string, unknown>, target: string): Promise<EnsuredAppId> {
    let pending = this.pending.get(identifier);
    if (!pending) {
      pending = this.findOrCreate(identifier, entitlements, target);
      this.pending.set(identifier, pending);
    }
    return pending;
  }

  /** Fails when an App ID was created that needs iCloud containers added by hand (upstream's message). */
  assertICloudContainersAssigned(): void {
    if (this.lackingICloudContainers.length === 0) return;
    throw new StepError(
      `Unable to automatically assign iCloud containers to the following app IDs: ${this.lackingICloudContainers.join(', ')}. You have to manually add the listed containers to your app ID at: https://developer.apple.com/account/resources/identifiers/list`,
    );
  }

  /** go-xcode `ensureBundleID`: find, else create; then enable the capabilities the entitlements need. */
  private async findOrCreate(
    identifier: string,
    entitlements: Record<string, unknown>,
    target: string,
  ): Promise<EnsuredAppId> {
    const capabilities = requiredCapabilities(entitlements);
    const found = await this.portal.findBundleId(identifier);
    if (!found) {
      if (isAppClip(entitlements)) {
        this.logger.warn(
          `The App Clip's App ID (${identifier}) has to be created manually on the Developer Portal (Certificates, Identifiers & Profiles › Identifiers), with the parent app's App ID`,
        );
        throw new StepError(
          `can't create Application Identifier for App Clip target (${target}): ${identifier}`,
        );
      }
      const created = await this.writer.createBundleId(identifier, appIdName(identifier));
      await this.enableCapabilities(created, capabilities);
      if (iCloudContainers(entitlements).length > 0) this.lackingICloudContainers.push(identifier);
      return { bundleId: created, created: true, changed: true };
    }
    if (capabilities.length === 0) return { bundleId: found, created: false, changed: false };
    const existing = await this.portal.listBundleIdCapabilities(found);
    const missing = capabilities.filter((c) => !satisfies(existing, c));
    if (missing.length === 0) return { bundleId: found, created: false, changed: false };
    if (isAppClip(entitlements) && missing.some((c) => c.type === 'APPLE_ID_AUTH')) {
      throw new StepError(
        `can't create Application Identifier for App Clip target (${target}) with Sign in with Apple capability: enable Sign in with Apple on ${identifier} manually on the Developer Portal`,
      );
    }
    this.logger.print(`App ID ${identifier} lacks ${missing.map((c) => c.type).join(', ')}`);
    await this.enableCapabilities(found, missing);
    return { bundleId: found, created: false, changed: true };
  }

  private async enableCapabilities(
    bundleId: BundleId,
    capabilities: ReturnType<typeof requiredCapabilities>,
  ): Promise<void> {
    await mapConcurrent(capabilities, 4, async (capability) => {
      await this.writer.enableCapability(bundleId, capability.type, capability.settings);
      if (needsManualConfiguration(capability.type))
        this.logger.warn(
          `${bundleId.attributes.identifier}: ${capability.type} is enabled, its details will have to be configured manually on the Developer Portal`,
        );
    });
  }
}
