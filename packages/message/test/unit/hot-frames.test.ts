import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MessageError } from '../../src/errors.js';
import { DONE_STATUSES, type OutboundFrame } from '../../src/outbound-schema.js';
import {
  ackFrame,
  createDeltaSerializer,
  deltaFrame,
  doneFrame,
  parseOutbound,
  pongFrame,
  serializeOutbound,
} from '../../src/outbound.js';
import { utf16 } from '../support/arbitraries.js';

// The fast builders must be indistinguishable from the validated path: for any input, the same
// text (which the outbound schema accepts) or the same MessageError.

const RUNS = { numRuns: 3_000 };

type Outcome =
  | { readonly text: string }
  | { readonly code: string; readonly message: string; readonly issues: unknown };

function outcome(call: () => string): Outcome {
  try {
    return { text: call() };
  } catch (error) {
    if (error instanceof MessageError) {
      return { code: error.code, message: error.message, issues: error.issues };
    }
    throw error;
  }
}

/** What the builders did before: spread the fields, set the type, run the schema. */
function validated(type: OutboundFrame['type'], fields: unknown): Outcome {
  return outcome(() =>
    serializeOutbound({ ...(fields as object), type } as unknown as OutboundFrame),
  );
}

function expectSame(fast: Outcome, slow: Outcome): void {
  expect(fast).toEqual(slow);
  if ('text' in fast) {
    expect(parseOutbound(fast.text).ok).toBe(true);
    expect(fast.text).not.toMatch(/[<>&\u2028\u2029]/);
  }
}

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0),
  fc.array(fc.nat(), { maxLength: 2 }),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
);
const uuidish = fc.oneof(
  { weight: 8, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.uuid().map((id) => id.toUpperCase()) },
  { weight: 1, arbitrary: fc.uuid().map((id) => `${id} `) },
  { weight: 1, arbitrary: anyValue },
);
const countish = fc.oneof(
  { weight: 8, arbitrary: fc.maxSafeNat() },
  { weight: 1, arbitrary: fc.constantFrom(-0, -1, 0.5, Number.MAX_SAFE_INTEGER + 1) },
  { weight: 1, arbitrary: anyValue },
);
const textish = fc.oneof(
  { weight: 8, arbitrary: fc.oneof(utf16(64), fc.string({ unit: 'binary' }), fc.json()) },
  { weight: 1, arbitrary: anyValue },
);
const stopReasonish = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
  fc.constantFrom('end_turn', 'max_tokens', 'end turn', '', 'x'.repeat(65), '<b>'),
  anyValue,
);
const usageish = fc.oneof(
  { weight: 6, arbitrary: fc.record({ inputTokens: countish, outputTokens: countish }) },
  { weight: 1, arbitrary: fc.record({ inputTokens: countish }) },
  {
    weight: 1,
    arbitrary: fc.record({ inputTokens: countish, outputTokens: countish, cost: anyValue }),
  },
  { weight: 1, arbitrary: anyValue },
);
const pingIdish = fc.oneof(
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    minLength: 1,
    maxLength: 64,
  }),
  fc.constantFrom('<script>', '"\\', 'a&b', '', 'x'.repeat(65), 'tab\there', 'é'),
  anyValue,
);
const extraKeys = fc.dictionary(
  fc.constantFrom('type', 'stack', 'extra', 'constructor', 'toString', '__proto__'),
  anyValue,
  { maxKeys: 2 },
);

/** Mostly well-formed field bags, with keys missing, extra keys and non-objects mixed in. */
function fieldBag(
  model: Record<string, fc.Arbitrary<unknown>>,
  required: readonly string[],
): fc.Arbitrary<unknown> {
  const full = fc.record(model, { requiredKeys: [...required] });
  return fc.oneof(
    { weight: 10, arbitrary: full },
    { weight: 2, arbitrary: fc.record(model, { requiredKeys: [] }) },
    {
      weight: 2,
      arbitrary: fc.tuple(full, extraKeys).map(([base, extra]) => ({ ...base, ...extra })),
    },
    { weight: 1, arbitrary: anyValue },
  );
}

describe('fast outbound builders equal the validated path', () => {
  it('deltaFrame, for arbitrary fields', () => {
    const bag = fieldBag({ sessionId: uuidish, seq: countish, offset: countish, text: textish }, [
      'sessionId',
      'seq',
      'offset',
      'text',
    ]);
    fc.assert(
      fc.property(bag, (fields) => {
        expectSame(
          outcome(() => deltaFrame(fields as never)),
          validated('delta', fields),
        );
      }),
      RUNS,
    );
  });

  it('ackFrame, for arbitrary fields', () => {
    const bag = fieldBag(
      { sessionId: uuidish, clientMessageId: uuidish, seq: countish, duplicate: fc.boolean() },
      ['sessionId', 'clientMessageId', 'seq', 'duplicate'],
    );
    fc.assert(
      fc.property(bag, (fields) => {
        expectSame(
          outcome(() => ackFrame(fields as never)),
          validated('ack', fields),
        );
      }),
      RUNS,
    );
  });

  it('doneFrame, for arbitrary fields', () => {
    const bag = fieldBag(
      {
        sessionId: uuidish,
        seq: countish,
        status: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...DONE_STATUSES) },
          { weight: 1, arbitrary: fc.constantFrom('streaming', 'COMPLETE', '') },
        ),
        stopReason: stopReasonish,
        usage: usageish,
      },
      ['sessionId', 'seq', 'status'],
    );
    fc.assert(
      fc.property(bag, (fields) => {
        expectSame(
          outcome(() => doneFrame(fields as never)),
          validated('done', fields),
        );
      }),
      RUNS,
    );
  });

  it('pongFrame, for arbitrary fields', () => {
    const bag = fieldBag({ id: pingIdish }, []);
    fc.assert(
      fc.property(bag, (fields) => {
        expectSame(
          outcome(() => pongFrame(fields as never)),
          validated('pong', fields),
        );
      }),
      RUNS,
    );
    expectSame(
      outcome(() => pongFrame()),
      validated('pong', {}),
    );
  });

  it('createDeltaSerializer writes what deltaFrame writes, for any offset and text', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.maxSafeNat(), countish, textish, (sessionId, seq, offset, text) => {
        const delta = createDeltaSerializer(sessionId, seq);
        const expected = validated('delta', { sessionId, seq, offset, text });
        expectSame(
          outcome(() => delta(offset as number, text as string)),
          expected,
        );
      }),
      RUNS,
    );
  });

  it('createDeltaSerializer refuses a bad sessionId or seq at once, as deltaFrame would', () => {
    fc.assert(
      fc.property(uuidish, countish, (sessionId, seq) => {
        const made = outcome(() => {
          createDeltaSerializer(sessionId as string, seq as number);
          return '';
        });
        const expected = validated('delta', { sessionId, seq, offset: 0, text: '' });
        if ('code' in expected) expect(made).toEqual(expected);
        else expect(made).toEqual({ text: '' });
      }),
      RUNS,
    );
  });
});

describe('fast outbound builders: inputs a spread would read differently', () => {
  const sessionId = randomUUID();

  it('an inherited field is not a field (the validated path decides)', () => {
    const inherited = Object.assign(Object.create({ text: 'from the prototype' }) as object, {
      sessionId,
      seq: 1,
      offset: 0,
    });
    expectSame(
      outcome(() => deltaFrame(inherited as never)),
      validated('delta', inherited),
    );
    expect('code' in outcome(() => deltaFrame(inherited as never))).toBe(true);
    const withType = Object.assign(Object.create({ type: 'done' }) as object, {
      sessionId,
      seq: 1,
      offset: 0,
      text: 'x',
    });
    expectSame(
      outcome(() => deltaFrame(withType)),
      validated('delta', withType),
    );
  });

  it('a non-enumerable field is not a field', () => {
    const hidden = { sessionId, seq: 1, offset: 0 };
    Object.defineProperty(hidden, 'text', { value: 'hidden', enumerable: false });
    expectSame(
      outcome(() => deltaFrame(hidden as never)),
      validated('delta', hidden),
    );
    const hiddenStop = { sessionId, seq: 1, status: 'complete' };
    Object.defineProperty(hiddenStop, 'stopReason', { value: 'bad reason', enumerable: false });
    expectSame(
      outcome(() => doneFrame(hiddenStop as never)),
      validated('done', hiddenStop),
    );
    expect(doneFrame(hiddenStop as never)).toBe(
      `{"type":"done","sessionId":"${sessionId}","seq":1,"status":"complete"}`,
    );
  });

  it('writes -0 as 0 and the literal frame texts of the protocol', () => {
    const clientMessageId = randomUUID();
    expect(deltaFrame({ sessionId, seq: -0, offset: -0, text: '<&>\u2028' })).toBe(
      `{"type":"delta","sessionId":"${sessionId}","seq":0,"offset":0,"text":"\\u003c\\u0026\\u003e\\u2028"}`,
    );
    expect(createDeltaSerializer(sessionId, 3)(5, 'a"b\\')).toBe(
      `{"type":"delta","sessionId":"${sessionId}","seq":3,"offset":5,"text":"a\\"b\\\\"}`,
    );
    expect(ackFrame({ sessionId, clientMessageId, seq: 2, duplicate: true })).toBe(
      `{"type":"ack","sessionId":"${sessionId}","clientMessageId":"${clientMessageId}","seq":2,"duplicate":true}`,
    );
    expect(
      doneFrame({
        sessionId,
        seq: 2,
        status: 'complete',
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 2 },
      }),
    ).toBe(
      `{"type":"done","sessionId":"${sessionId}","seq":2,"status":"complete","stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":2}}`,
    );
    expect(pongFrame({ id: '<a href="x">' })).toBe(
      '{"type":"pong","id":"\\u003ca href=\\"x\\"\\u003e"}',
    );
    expect(pongFrame(null as never)).toBe('{"type":"pong"}');
  });
});
