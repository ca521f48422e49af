import { createLineLocator } from './line-locator.js';
import type { LineLocator } from './line-locator.js';

export type PathSegment = string | number;

export interface WalkEntry {
  readonly path: readonly PathSegment[];
  readonly key: PathSegment;
  readonly value: unknown;
  /** The mapping or sequence holding this entry. */
  readonly parent: unknown;
  /** The document (YAML documents of one file are walked in order). */
  readonly document: unknown;
  readonly line: number;
}

interface WalkState {
  readonly locator: LineLocator;
  readonly visit: (entry: WalkEntry) => void;
  /** Objects reached twice through YAML aliases are walked once (no alias blow-up). */
  readonly seen: Set<object>;
  document: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walkArray(
  items: readonly unknown[],
  path: readonly PathSegment[],
  from: number,
  line: number,
  state: WalkState,
): number {
  let cursor = from;
  items.forEach((item, index) => {
    let itemLine = line;
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
      const found = state.locator.scalar(String(item), cursor);
      if (found !== undefined) {
        itemLine = found.line;
        cursor = found.end;
      }
    } else if (isRecord(item)) {
      const first = Object.keys(item)[0];
      itemLine = (first === undefined ? undefined : state.locator.key(first, cursor)?.line) ?? line;
    }
    state.visit({
      path: [...path, index],
      key: index,
      value: item,
      parent: items,
      document: state.document,
      line: itemLine,
    });
    cursor = walkNode(item, [...path, index], cursor, itemLine, state);
  });
  return cursor;
}

function walkRecord(
  record: Record<string, unknown>,
  path: readonly PathSegment[],
  from: number,
  line: number,
  state: WalkState,
): number {
  let cursor = from;
  for (const [key, value] of Object.entries(record)) {
    // JavaScript orders integer-like keys first: when the forward search fails, look again
    // from the start of this mapping without moving the cursor back.
    const found = state.locator.key(key, cursor) ?? state.locator.key(key, from);
    const keyLine = found?.line ?? line;
    state.visit({
      path: [...path, key],
      key,
      value,
      parent: record,
      document: state.document,
      line: keyLine,
    });
    const end = walkNode(
      value,
      [...path, key],
      found === undefined ? cursor : Math.max(found.end, cursor),
      keyLine,
      state,
    );
    cursor = Math.max(cursor, end);
  }
  return cursor;
}

function walkNode(
  value: unknown,
  path: readonly PathSegment[],
  from: number,
  line: number,
  state: WalkState,
): number {
  if (typeof value !== 'object' || value === null) return from;
  if (state.seen.has(value)) return from;
  state.seen.add(value);
  return Array.isArray(value)
    ? walkArray(value, path, from, line, state)
    : walkRecord(value as Record<string, unknown>, path, from, line, state);
}

/** Visits every entry of `documents` (parsed from `text`), parents before children, with its line. */
export function walkDocuments(
  documents: readonly unknown[],
  text: string,
  visit: (entry: WalkEntry) => void,
): void {
  const state: WalkState = {
    locator: createLineLocator(text),
    visit,
    seen: new Set(),
    document: undefined,
  };
  let cursor = 0;
  for (const document of documents) {
    state.document = document;
    cursor = walkNode(document, [], cursor, state.locator.lineAt(cursor), state);
  }
}
