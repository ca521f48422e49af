/**
 * Maps parsed YAML/JSON entries back to line numbers. js-yaml 4 keeps no source positions, so
 * entries are located by searching the text for each key in document order: a cursor moves
 * forward as the walk does, which keeps repeated keys (`name:`) apart.
 */
export interface LineLocator {
  /** Line (1-based) of `key:` at or after the cursor; moves the cursor past it. */
  key(key: string, from: number): Located | undefined;
  /** Line of a scalar sequence item at or after `from`. */
  scalar(text: string, from: number): Located | undefined;
  lineAt(offset: number): number;
}

export interface Located {
  readonly line: number;
  /** Offset just past the match: where the search for the next entry starts. */
  readonly end: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createLineLocator(text: string): LineLocator {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);

  const lineAt = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };

  const search = (pattern: RegExp, from: number): Located | undefined => {
    pattern.lastIndex = from;
    const match = pattern.exec(text);
    if (match === null) return undefined;
    const start = match.index + (match[1]?.length ?? 0);
    return { line: lineAt(start), end: match.index + match[0].length };
  };

  return {
    key(key, from) {
      const k = escapeRegExp(key);
      // A key starts a line, follows `- `, `{` or `,` (flow and JSON), and ends at `:`.
      return search(new RegExp(`(^|[\\s{,\\[-])(?:"${k}"|'${k}'|${k})[ \\t]*:`, 'gm'), from);
    },
    scalar(value, from) {
      return search(new RegExp(`()${escapeRegExp(value)}`, 'g'), from);
    },
    lineAt,
  };
}
