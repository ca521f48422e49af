import * as v from 'valibot';
import { parseDuration } from './duration.js';
import { checkOrigin } from './origin.js';
import type { SettingKind } from './setting-kinds.js';
import { checkUrl } from './url.js';

export type LeafSchema = v.GenericSchema<unknown, unknown>;

const PEM_BLOCK = /^-----BEGIN ([A-Z0-9 ]+)-----\n[A-Za-z0-9+/=\s]+\n-----END \1-----$/;

/** Environment values are text; YAML values may already be numbers, booleans or lists. */
const numberFromText = v.pipe(v.string(), v.trim(), v.regex(/^[-+]?\d+$/), v.transform(Number));
const durationFromText = v.pipe(
  v.string(),
  v.check((text) => parseDuration(text) !== undefined),
  v.transform((text) => parseDuration(text) ?? Number.NaN),
);
const booleanFromText = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.picklist(['true', 'false', '1', '0']),
  v.transform((text) => text === 'true' || text === '1'),
);
const text = v.pipe(v.union([v.string(), v.pipe(v.number(), v.transform(String))]), v.trim());
const listFromText = v.pipe(
  v.string(),
  v.transform((value) => value.split(/[\s,]+/).filter((item) => item !== '')),
);
const list = v.union([v.array(v.string()), listFromText]);

export function leafSchema(kind: SettingKind): LeafSchema {
  switch (kind.type) {
    case 'integer':
      return v.pipe(
        v.union([v.number(), numberFromText]),
        v.integer(),
        v.minValue(kind.min),
        v.maxValue(kind.max),
      );
    case 'duration':
      return v.pipe(
        v.union([v.number(), durationFromText]),
        v.integer(),
        v.minValue(kind.min),
        v.maxValue(kind.max),
      );
    case 'boolean':
      return v.union([v.boolean(), booleanFromText]);
    case 'enum':
      return v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(kind.values));
    case 'list':
      return v.pipe(
        list,
        v.array(v.pipe(v.string(), v.trim(), v.picklist(kind.values))),
        v.minLength(1),
        v.transform((items) => [...new Set(items)]),
      );
    case 'origins':
      return v.pipe(
        list,
        v.array(
          v.pipe(
            v.string(),
            v.trim(),
            v.check((origin) => checkOrigin(origin).ok),
          ),
        ),
      );
    case 'url':
      return v.pipe(
        text,
        v.check((value) => checkUrl(value, kind.schemes) === undefined),
      );
    case 'pem':
      return v.pipe(
        v.string(),
        v.transform((value) => value.replace(/\\n/g, '\n').replace(/\r\n/g, '\n').trim()),
        v.regex(PEM_BLOCK),
      );
    case 'string': {
      const bounded = v.pipe(text, v.minLength(1), v.maxLength(kind.maxLength ?? 512));
      return kind.pattern === undefined ? bounded : v.pipe(bounded, v.regex(kind.pattern));
    }
  }
}
