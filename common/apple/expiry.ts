/** Renders a date the way Go's time.String() does in UTC: `2019-04-06 12:04:59 +0000 UTC`. */
export function goUtcString(date: Date): string {
  const iso = date.toISOString(); // 2019-04-06T12:04:59.000Z
  const millis = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${millis ? `.${millis}` : ''} +0000 UTC`;
}

export function isExpired(expiry: Date | undefined, now: Date): boolean {
  return expiry !== undefined && expiry.getTime() < now.getTime();
}

export interface TimeLeft {
  days: number;
  hours: number;
  totalMs: number;
}

export function timeLeft(expiry: Date, now: Date): TimeLeft {
  const totalMs = Math.max(0, expiry.getTime() - now.getTime());
  const totalHours = Math.floor(totalMs / 3_600_000);
  return { days: Math.floor(totalHours / 24), hours: totalHours % 24, totalMs };
}

export function formatTimeLeft(left: TimeLeft): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return `${plural(left.days, 'day')} ${plural(left.hours, 'hour')}`;
}

export const REAUTHENTICATE_HINT =
  'to renew it, re-authenticate the Apple ID on bitrise.io (Account settings › Apple Developer Account › Apple ID connection, with 2FA), then rebuild';

/** The warning shown when the session is close to its end; undefined when it is not. */
export function nearExpiryWarning(
  expiry: Date | undefined,
  now: Date,
  warningDays: number,
): string | undefined {
  if (!expiry || isExpired(expiry, now)) return undefined;
  const left = timeLeft(expiry, now);
  if (left.totalMs > warningDays * 86_400_000) return undefined;
  return `The 2FA session of the connected Apple ID expires in ${formatTimeLeft(left)} (at ${goUtcString(expiry)}): ${REAUTHENTICATE_HINT}`;
}
