export interface TestDevice {
  id?: number;
  userId?: number;
  udid: string;
  title: string;
  deviceType: string;
  createdAt?: string;
  updatedAt?: string;
}

/** Apple UDIDs contain only letters, digits and dashes; anything else is copy-paste noise. */
function cleanUdid(udid: string): string {
  return udid.replace(/[^a-zA-Z0-9-]/g, '');
}

function udidKey(udid: string): string {
  return udid.toLowerCase().replace(/-/g, '');
}

/** Keeps the first device of each UDID (compared without case and dashes); returns the rest apart. */
export function dedupeDevices(devices: TestDevice[]): { unique: TestDevice[]; duplicates: TestDevice[] } {
  const seen = new Set<string>();
  const unique: TestDevice[] = [];
  const duplicates: TestDevice[] = [];
  for (const device of devices) {
    const cleaned = { ...device, udid: cleanUdid(device.udid) };
    const key = udidKey(cleaned.udid);
    if (seen.has(key)) duplicates.push(cleaned);
    else {
      seen.add(key);
      unique.push(cleaned);
    }
  }
  return { unique, duplicates };
}
