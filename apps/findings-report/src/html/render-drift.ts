import { escapeMarkup as x } from '../escape.js';
import type { Drift, DriftKind } from '../report-model.js';

const KIND_LABELS: Readonly<Record<DriftKind, string>> = {
  'no-results': 'No result',
  'test-not-run': 'Test did not run',
  'unknown-finding': 'Unknown finding',
  'unlisted-test': 'Test not catalogued',
  'invalid-input': 'Unreadable input',
  'unknown-figure': 'Figure for unknown finding',
};

export function renderDrift(drift: readonly Drift[]): string {
  if (drift.length === 0)
    return '<p class="ok-line">The catalogue and the test results agree: no drift.</p>';
  const items = drift.map((item) => {
    const kind = x(KIND_LABELS[item.kind]);
    const linked =
      item.finding !== null && item.kind !== 'unknown-finding' && item.kind !== 'unknown-figure';
    return `<li class="drift-item"><span class="badge level level-${x(item.level)}">${item.level === 'error' ? 'Error' : 'Warning'}</span>${
      linked
        ? `<a class="drift-kind" href="#finding-${x(item.finding ?? '')}">${kind}</a>`
        : `<span class="drift-kind">${kind}</span>`
    }<span class="drift-message">${x(item.message)}</span></li>`;
  });
  return `<ul class="drift">${items.join('')}</ul>`;
}
