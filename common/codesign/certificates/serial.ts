import { StepError } from '../../step/errors.ts';

/**
 * A certificate serial number as one canonical string: upper-case hex without leading zeros, as
 * Apple shows it (developer portal, Keychain Access). Accepts what the sources write: forge's
 * lower-case hex with a sign byte (`00f1…`), OpenSSL's `F1:E2`, a `0x` prefix, the portal's
 * `serialNumber`, or a bigint. Anything that is not hexadecimal is an error.
 */
export function normalizeSerial(serial: string | bigint): string {
  if (typeof serial === 'bigint') return serial.toString(16).toUpperCase();
  const hex = serial.replace(/[\s:]/g, '').replace(/^0x/i, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) throw new StepError(`certificate serial "${serial}" is not hexadecimal`);
  return hex.replace(/^0+(?=.)/, '');
}
