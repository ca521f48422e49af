/** Per-user connection cap; a shared (Redis) implementation fits the same shape. */
export interface ConnectionLimiter {
  acquire(userId: string): Promise<{ ok: true; release(): Promise<void> } | { ok: false }>;
}

/** In-process counts: one entry per connected user, removed with the user's last socket. */
export function createMemoryConnectionLimiter(limit: number): ConnectionLimiter {
  const counts = new Map<string, number>();
  return {
    acquire(userId: string) {
      const held = counts.get(userId) ?? 0;
      if (held >= limit) return Promise.resolve({ ok: false as const });
      counts.set(userId, held + 1);
      let released = false;
      return Promise.resolve({
        ok: true as const,
        release(): Promise<void> {
          if (released) return Promise.resolve();
          released = true;
          const left = (counts.get(userId) ?? 1) - 1;
          if (left <= 0) counts.delete(userId);
          else counts.set(userId, left);
          return Promise.resolve();
        },
      });
    },
  };
}
