import type { Config } from '@chatbox/config';
import type { LlmProvider } from '@chatbox/llm';
import type { Logger } from 'pino';

export interface ModeSummary {
  readonly env: Config['env'];
  readonly storage: 'memory' | 'mongodb';
  readonly limiter: 'memory' | 'redis';
  readonly llm: 'anthropic' | 'demo';
  /** The embedded defaults in use, in plain words. */
  readonly embedded: readonly string[];
}

export function modeSummary(config: Config, llm: Pick<LlmProvider, 'name' | 'demo'>): ModeSummary {
  const embedded: string[] = [];
  if (config.env === 'development') embedded.push('development mode');
  if (config.storage.backend === 'memory')
    embedded.push('in-memory store (not durable: sessions die with the process)');
  if (config.rateLimit.backend === 'memory')
    embedded.push('in-memory rate limiter (limits hold per instance)');
  if (llm.demo) embedded.push('demo model (canned replies, no language model is called)');
  return {
    env: config.env,
    storage: config.storage.backend,
    limiter: config.rateLimit.backend,
    llm: llm.name,
    embedded,
  };
}

/** The first log lines say what runs, so nobody mistakes the embedded defaults for production. */
export function announceMode(
  config: Config,
  llm: Pick<LlmProvider, 'name' | 'demo'>,
  logger: Logger,
): ModeSummary {
  const summary = modeSummary(config, llm);
  logger.info(
    { storage: summary.storage, limiter: summary.limiter, llm: summary.llm },
    `chatbox starting in ${summary.env}`,
  );
  for (const line of summary.embedded) logger.warn({ embedded: true }, line);
  for (const notice of config.notices) logger.info({ notice: true }, notice);
  return summary;
}
