/** The first line of an error's message: enough for a report line, no stack. */
export function errorMessage(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split('\n')[0] ?? '';
}
