// A production test is named `ProductionIssueNN_<Name>`; NN is the finding it proves.
const TOKEN_PATTERN = /ProductionIssue(\d{2})_([A-Za-z0-9]+)/g;

export const TEST_NAME_PATTERN = /^ProductionIssue(\d{2})_[A-Za-z0-9]+$/;

export interface ProductionToken {
  readonly name: string;
  readonly finding: string;
}

/** Every distinct token in a Jest test's names (a describe title and an `it` title may both carry one). */
export function productionTokens(...names: readonly string[]): ProductionToken[] {
  const found = new Map<string, ProductionToken>();
  for (const text of names) {
    for (const match of text.matchAll(TOKEN_PATTERN)) {
      const finding = match[1] ?? '';
      found.set(match[0], { name: match[0], finding });
    }
  }
  return [...found.values()];
}

/** The finding id a catalogued test name belongs to, or null when the name is malformed. */
export function findingOfTestName(name: string): string | null {
  return TEST_NAME_PATTERN.exec(name)?.[1] ?? null;
}
