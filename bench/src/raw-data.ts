import type { RawData } from 'ws';

/** A ws text frame's payload as a string, whatever buffer form ws delivered it in. */
export function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
