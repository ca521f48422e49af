import type { LlmMessage } from '@chatbox/llm';
import type { ChatMessage } from '@chatbox/session';

const JOIN = '\n\n';

/**
 * The model context for the reply at `replySeq`: the held history before it, newest first until
 * `budgetChars` is spent, empty texts left out, consecutive turns of one role joined (the API wants
 * alternating turns) and leading assistant turns dropped (the API wants a user turn first).
 */
export function modelContext(
  history: readonly ChatMessage[],
  replySeq: number,
  budgetChars: number,
): LlmMessage[] {
  const picked: ChatMessage[] = [];
  let left = budgetChars;
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const message = history[i] as ChatMessage;
    if (message.seq >= replySeq || message.content.length === 0) continue;
    // Each message may be joined to its neighbour: count the separator against the budget too.
    const cost = message.content.length + JOIN.length;
    if (cost > left) break;
    left -= cost;
    picked.push(message);
  }
  picked.reverse();
  const turns: LlmMessage[] = [];
  for (const message of picked) {
    const last = turns.at(-1);
    if (last === undefined && message.role === 'assistant') continue;
    if (last !== undefined && last.role === message.role) {
      last.content = `${last.content}${JOIN}${message.content}`;
    } else {
      turns.push({ role: message.role, content: message.content });
    }
  }
  return turns;
}
