import * as v from 'valibot';
import { MAX_PING_ID_CHARS } from './limits.js';

/** Printable ASCII: a ping id is echoed verbatim, so it is kept to characters that log safely. */
export const PING_ID = new RegExp(`^[\\x20-\\x7E]{1,${MAX_PING_ID_CHARS}}$`);

/** A UUID string (any version, either case). Only a string passes: `{"$ne": null}` is a type error. */
export const uuidField = v.pipe(v.string(), v.uuid());

/** Inbound ids are lower-cased so one id has one spelling for dedupe and lookups (finding 02). */
export const inboundUuidField = v.pipe(v.string(), v.uuid(), v.toLowerCase());

/**
 * A sequence number, offset or counter: a safe integer >= 0. `-0` becomes `0` so a frame that
 * went through JSON once compares equal to itself.
 */
export const countField = v.pipe(
  v.number(),
  v.safeInteger(),
  v.minValue(0),
  v.transform((value: number) => value + 0),
);

export const pingIdField = v.pipe(
  v.string(),
  v.regex(PING_ID, `expected 1 to ${MAX_PING_ID_CHARS} printable ASCII characters`),
);
