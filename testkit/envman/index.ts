import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The envman tests put on PATH, as the Bitrise CLI provides its own: it records the call's argv,
 * then runs tools/envman, which follows the real envman's rules.
 */
export const E2E_ENVMAN_DIR = dirname(fileURLToPath(import.meta.url));
