import type { OutboundFrame } from '@chatbox/message';
import type { WsTestClient } from '@chatbox/testkit';

export type FrameOf<T extends OutboundFrame['type']> = Extract<OutboundFrame, { type: T }>;

export function isFrame<T extends OutboundFrame['type']>(
  value: unknown,
  type: T,
): value is FrameOf<T> {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}

/** The next server frame of `type` (the client's cursor moves past the frames it skips). */
export async function nextOfType<T extends OutboundFrame['type']>(
  client: WsTestClient,
  type: T,
  timeoutMs?: number,
): Promise<FrameOf<T>> {
  const frame: unknown = await client.next((value: unknown) => isFrame(value, type), timeoutMs);
  return frame as FrameOf<T>;
}

/** Every frame of `type` the client has received so far. */
export function receivedOfType<T extends OutboundFrame['type']>(
  client: WsTestClient,
  type: T,
): Array<FrameOf<T>> {
  return client.received.filter((value): value is FrameOf<T> => isFrame(value, type));
}
