import { describe, expect, it } from '@jest/globals';
import type { ChatMessage, MessageRole } from '@chatbox/session';
import { modelContext } from '../../src/model-context.js';

const at = new Date(0);
function message(seq: number, role: MessageRole, content: string): ChatMessage {
  return { sessionId: 's', seq, role, content, status: 'complete', createdAt: at, updatedAt: at };
}

describe('modelContext', () => {
  it('keeps the conversation before the reply in order', () => {
    const history = [
      message(1, 'user', 'hi'),
      message(2, 'assistant', 'hello'),
      message(3, 'user', 'how?'),
      message(4, 'assistant', ''),
    ];
    expect(modelContext(history, 4, 1_000)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'how?' },
    ]);
  });

  it('joins consecutive turns of one role and skips empty replies', () => {
    const history = [message(1, 'user', 'a'), message(2, 'assistant', ''), message(3, 'user', 'b')];
    expect(modelContext(history, 4, 1_000)).toEqual([{ role: 'user', content: 'a\n\nb' }]);
  });

  it('drops the oldest messages over the budget and never starts with an assistant turn', () => {
    const history = [
      message(1, 'user', 'x'.repeat(50)),
      message(2, 'assistant', 'y'.repeat(10)),
      message(3, 'user', 'z'.repeat(10)),
    ];
    expect(modelContext(history, 4, 30)).toEqual([{ role: 'user', content: 'z'.repeat(10) }]);
    expect(modelContext(history, 4, 10)).toEqual([]);
  });
});
