import type { WebSocket } from 'ws';
import type { PacedReplySpec } from './protocol.js';

const ECHO_CHARS = 200;

/**
 * The demo provider's canned reply (packages/llm demo-provider.ts), reproduced so the bare
 * baseline streams the same number of chunks of the same size as chatbox does.
 */
export function cannedReply(content: string): string {
  const said = Array.from(content).slice(0, ECHO_CHARS).join('');
  return `[demo] No language model is configured, so this reply is canned. You said: "${said}"`;
}

export function chunksOf(text: string, chunkSize: number): string[] {
  const points = Array.from(text);
  const chunks: string[] = [];
  for (let start = 0; start < points.length; start += chunkSize)
    chunks.push(points.slice(start, start + chunkSize).join(''));
  return chunks;
}

interface SendFrameLike {
  readonly type?: unknown;
  readonly content?: unknown;
  readonly clientMessageId?: unknown;
}

/**
 * The provider's own pace with nothing around it: ack, then one delta per chunk after `delayMs`
 * (a timer per chunk, like the demo provider), then done. Plain JSON.stringify, no validation.
 */
export function streamPacedReply(socket: WebSocket, text: string, spec: PacedReplySpec): void {
  let frame: SendFrameLike;
  try {
    frame = JSON.parse(text) as SendFrameLike;
  } catch {
    return;
  }
  if (frame.type !== 'send' || typeof frame.content !== 'string') return;
  const sessionId = 'bare';
  socket.send(
    JSON.stringify({
      type: 'ack',
      sessionId,
      clientMessageId: frame.clientMessageId,
      seq: 1,
      duplicate: false,
    }),
  );
  const chunks = chunksOf(cannedReply(frame.content), spec.chunkSize);
  let index = 0;
  let offset = 0;
  const next = (): void => {
    const chunk = chunks[index];
    if (socket.readyState !== socket.OPEN || chunk === undefined) return;
    socket.send(JSON.stringify({ type: 'delta', sessionId, seq: 2, offset, text: chunk }));
    index += 1;
    offset += chunk.length;
    if (index < chunks.length) setTimeout(next, spec.delayMs);
    else socket.send(JSON.stringify({ type: 'done', sessionId, seq: 2, status: 'complete' }));
  };
  setTimeout(next, spec.delayMs);
}
