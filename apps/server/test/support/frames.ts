import type { OutboundFrame } from '@chatbox/message';
import type { WsTestClient } from '@chatbox/testkit';

export type FrameType = OutboundFrame['type'];
export type FrameOf<T extends FrameType> = Extract<OutboundFrame, { type: T }>;

function isFrame(value: unknown): value is OutboundFrame {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/** The next server frame of one of `types` (and matching `where`), typed by the protocol. */
export async function nextFrame<T extends FrameType>(
  client: WsTestClient,
  types: T | readonly T[],
  where: (frame: FrameOf<T>) => boolean = () => true,
  timeoutMs?: number,
): Promise<FrameOf<T>> {
  const wanted: readonly FrameType[] = Array.isArray(types) ? types : [types as T];
  const frame: unknown = await client.next(
    (candidate: unknown) =>
      isFrame(candidate) && wanted.includes(candidate.type) && where(candidate as FrameOf<T>),
    timeoutMs,
  );
  return frame as FrameOf<T>;
}

/** Every frame of `type` received so far. */
export function received<T extends FrameType>(client: WsTestClient, type: T): FrameOf<T>[] {
  return client.received.filter(
    (frame): frame is FrameOf<T> => isFrame(frame) && frame.type === type,
  );
}
