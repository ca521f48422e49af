import type { Logger } from 'pino';

export const DEFAULT_AUDIT_CAPACITY = 1_000;

export type AuditOutcome =
  | 'ok'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'invalid'
  | 'not_found'
  | 'unavailable'
  | 'error';

/** One admin request: who, what, on which target, when, how it ended (S10, finding 18). */
export interface AuditEntry {
  readonly at: string;
  /** The verified token's subject; null when no token verified. */
  readonly actor: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly correlationId: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
  /** Newest first. */
  recent(limit: number): AuditEntry[];
  readonly size: number;
  /** Entries recorded since start, including those the ring has dropped. */
  readonly total: number;
}

export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return status < 500 ? 'invalid' : 'error';
  }
}

/** A bounded ring: memory stays constant however many admin requests arrive (finding 11's lesson). */
class RingAuditLog implements AuditLog {
  readonly #entries: (AuditEntry | undefined)[];
  readonly #logger: Logger;
  #next = 0;
  #size = 0;
  #total = 0;

  constructor(logger: Logger, capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new TypeError(`audit capacity must be a positive integer, got ${capacity}`);
    this.#entries = new Array<AuditEntry | undefined>(capacity);
    this.#logger = logger;
  }

  get size(): number {
    return this.#size;
  }

  get total(): number {
    return this.#total;
  }

  record(entry: AuditEntry): void {
    const frozen = Object.freeze({ ...entry });
    this.#entries[this.#next] = frozen;
    this.#next = (this.#next + 1) % this.#entries.length;
    this.#size = Math.min(this.#size + 1, this.#entries.length);
    this.#total += 1;
    this.#logger.info({ audit: frozen }, 'admin action');
  }

  recent(limit: number): AuditEntry[] {
    const count = Math.max(0, Math.min(limit, this.#size));
    const out: AuditEntry[] = [];
    for (let i = 1; i <= count; i += 1) {
      const index = (this.#next - i + this.#entries.length) % this.#entries.length;
      const entry = this.#entries[index];
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }
}

export function createAuditLog(logger: Logger, capacity = DEFAULT_AUDIT_CAPACITY): AuditLog {
  return new RingAuditLog(logger, capacity);
}
