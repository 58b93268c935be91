import type { Clock, Logger } from '../../../../common/step/index.ts';

/** At most one progress line per this long on a long upload. */
const PROGRESS_INTERVAL_MS = 5000;

const mb = (bytes: number) => (bytes / 1_000_000).toFixed(1);

/** `45 s`, `3 min 5 s`. */
export function formatSeconds(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  return whole % 60 === 0 ? `${minutes} min` : `${minutes} min ${whole % 60} s`;
}

/**
 * Progress of the parts' bytes: percent, throughput and time left, printed at most every few
 * seconds (the clock's scale shortens that in tests). Bytes of a failed attempt are taken back,
 * so the percentage never runs ahead of what App Store Connect kept.
 */
export class UploadProgress {
  private done = 0;
  private readonly started: number;
  private lastPrinted: number;

  constructor(
    private readonly total: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.started = clock.now();
    this.lastPrinted = this.started;
  }

  add(bytes: number): void {
    this.done += bytes;
    const now = this.clock.now();
    if (now - this.lastPrinted < PROGRESS_INTERVAL_MS * this.clock.scale || this.done >= this.total) return;
    this.lastPrinted = now;
    this.logger.print(this.line(now));
  }

  /** A failed attempt's bytes, which will be sent again. */
  takeBack(bytes: number): void {
    this.done -= bytes;
  }

  /** `Uploaded 45% (90.0 of 200.0 MB), 12.3 MB/s, about 9 s left` */
  line(now = this.clock.now()): string {
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const percent = Math.floor((this.done / this.total) * 100);
    const left = rate > 0 ? `, about ${formatSeconds((this.total - this.done) / rate)} left` : '';
    return `Uploaded ${percent}% (${mb(this.done)} of ${mb(this.total)} MB), ${mb(rate)} MB/s${left}`;
  }
}
