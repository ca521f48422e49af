import { randomUUID } from 'node:crypto';
import { parseOutbound } from '@chatbox/message';
import type { OutboundFrame } from '@chatbox/message';
import type { Connection } from '../../src/index.js';

type Waiter = { match: (frame: OutboundFrame) => boolean; resolve: (frame: OutboundFrame) => void };

/**
 * An in-memory Connection as the websocket layer implements it: frames are parsed with the
 * protocol's own parser (a frame the schema refuses fails the test), `close` marks it closed and
 * runs `onClose` (the websocket layer calls `router.detach` there).
 */
export class FakeConnection implements Connection {
  readonly id = randomUUID();
  readonly userId: string;
  readonly roles: readonly string[];
  readonly frames: OutboundFrame[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | undefined;
  onClose: (() => void) | undefined;
  /** When false, `send` refuses (a socket over its buffer bound). */
  accepting = true;
  readonly #waiters = new Set<Waiter>();

  constructor(userId = 'user-1', roles: readonly string[] = ['user']) {
    this.userId = userId;
    this.roles = roles;
  }

  send(text: string): boolean {
    if (this.closed !== undefined || !this.accepting) return false;
    const parsed = parseOutbound(text);
    if (!parsed.ok) throw new Error(`router sent an invalid frame: ${parsed.message}`);
    this.raw.push(text);
    this.frames.push(parsed.frame);
    for (const waiter of [...this.#waiters]) {
      if (waiter.match(parsed.frame)) {
        this.#waiters.delete(waiter);
        waiter.resolve(parsed.frame);
      }
    }
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed !== undefined) return;
    this.closed = { code, reason };
    this.onClose?.();
  }

  of<T extends OutboundFrame['type']>(type: T): Extract<OutboundFrame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<OutboundFrame, { type: T }> => f.type === type);
  }

  /** The first frame received so far, or later, of `type` that matches `predicate`. */
  waitFor<T extends OutboundFrame['type']>(
    type: T,
    predicate: (frame: Extract<OutboundFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Extract<OutboundFrame, { type: T }>> {
    const match = (frame: OutboundFrame): boolean =>
      frame.type === type && predicate(frame as Extract<OutboundFrame, { type: T }>);
    const found = this.frames.find(match);
    if (found !== undefined) return Promise.resolve(found as Extract<OutboundFrame, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `no ${type} frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(',')}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as Extract<OutboundFrame, { type: T }>);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** The reply text as a client rebuilds it from deltas, using offsets to skip what it has. */
  textOf(seq: number, start = ''): string {
    let text = start;
    for (const frame of this.of('delta')) {
      if (frame.seq !== seq) continue;
      if (frame.offset + frame.text.length <= text.length) continue;
      text = text.slice(0, frame.offset) + frame.text;
    }
    return text;
  }
}
