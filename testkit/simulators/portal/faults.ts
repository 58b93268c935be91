/** What a queued fault does to a matching request. */
export type PortalFault =
  /** Answer with this status and an Apple-style error body; 429 adds X-Rate-Limit. */
  | { kind: 'status'; status: number; retryAfter?: string; code?: string; detail?: string }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** Wait, then handle the request normally (combine with a short client timeout for "slow"). */
  | { kind: 'delay'; ms: number }
  /** Reject the request's paging cursor the way Apple does; only requests with a cursor match. */
  | { kind: 'invalid-cursor' }
  /** Answer with this raw body (a truncated JSON, an HTML error page, `{}`), bypassing the schema check. */
  | { kind: 'raw'; status: number; body: string; contentType?: string };

export interface PortalFaultRule {
  /** The resource path, transport-independent: `/v1/devices`, `/v1/profiles/ABC/certificates`, `listTeams`. */
  path: string | RegExp;
  /** The logical method (GET for an Apple ID read sent as POST with X-HTTP-Method-Override). */
  method?: string;
  /** How many matching requests get the fault; default 1. */
  times?: number;
  fault: PortalFault;
}

export interface FaultMatch {
  path: string;
  method: string;
  hasCursor: boolean;
}

/** Queued faults; each rule applies to the next `times` matching requests, in queue order. */
export class PortalFaults {
  private rules: Array<PortalFaultRule & { left: number }> = [];

  add(rule: PortalFaultRule): this {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  /** Faults not yet used up, so a test can assert its faults were consumed. */
  pending(): PortalFaultRule[] {
    return this.rules.filter((r) => r.left > 0);
  }

  take(request: FaultMatch): PortalFault | undefined {
    const rule = this.rules.find(
      (r) =>
        r.left > 0 &&
        (typeof r.path === 'string' ? r.path === request.path : r.path.test(request.path)) &&
        (!r.method || r.method.toUpperCase() === request.method) &&
        (r.fault.kind !== 'invalid-cursor' || request.hasCursor),
    );
    if (!rule) return undefined;
    rule.left--;
    return rule.fault;
  }
}

export function describeFault(fault: PortalFault): string {
  switch (fault.kind) {
    case 'status':
      return `status ${fault.status}${fault.retryAfter !== undefined ? ` Retry-After ${fault.retryAfter}` : ''}`;
    case 'delay':
      return `delay ${fault.ms} ms`;
    case 'raw':
      return `raw ${fault.status} ${JSON.stringify(fault.body.slice(0, 20))}`;
    default:
      return fault.kind;
  }
}
