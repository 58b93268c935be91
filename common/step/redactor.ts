/**
 * Process-wide secret redaction. Every line the Steps print passes through `redactor.redact`,
 * so a secret registered here never reaches the build log, whoever prints it.
 */
export const MASK = '*****';

// Values this short would mask ordinary words and make logs unreadable (the toolkit's advice too).
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();
  private ordered: string[] = [];

  /** Registers a secret; multi-line values are also registered line by line. */
  add(value: string | undefined | null): void {
    if (!value) return;
    const candidates = [value, ...value.split(/\r?\n/).map((line) => line.trim())];
    let changed = false;
    for (const candidate of candidates) {
      if (candidate.length < MIN_SECRET_LENGTH || this.secrets.has(candidate)) continue;
      this.secrets.add(candidate);
      changed = true;
    }
    // Longest first, so a secret that contains another is masked whole.
    if (changed) this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.ordered) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** Forgets every secret; for tests that share one process. */
  clear(): void {
    this.secrets.clear();
    this.ordered = [];
  }
}

export const redactor = new Redactor();
