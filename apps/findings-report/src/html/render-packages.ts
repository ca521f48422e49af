import { escapeMarkup as x } from '../escape.js';
import type { PackageReport } from '../report-model.js';
import { DEFAULT_TREND_RUNS } from '../trend.js';
import { formatPct, plural } from './format.js';
import { sparkline } from './sparkline.js';

export interface RenderPackagesOptions {
  readonly packages: readonly PackageReport[];
  readonly targetPct: number;
}

export function renderPackages({ packages, targetPct }: RenderPackagesOptions): string {
  const rows = packages.map((pkg) => {
    const { production } = pkg;
    const ran = production.passed + production.failed;
    const tests =
      ran === 0 && production.skipped === 0
        ? '<span class="muted">none</span>'
        : `${production.passed} passed${production.failed > 0 ? ` · <strong class="text-bad">${production.failed} failed</strong>` : ''}${production.skipped > 0 ? ` · ${production.skipped} skipped` : ''}`;
    const points = pkg.trend.map((point) => {
      const total = point.passed + point.failed;
      return {
        ratio: total === 0 ? 0 : point.passed / total,
        tone: point.failed > 0 ? 'tone-regressed' : total === 0 ? 'tone-none' : 'tone-resolved',
      };
    });
    const label = `Production tests passing over the last ${plural(pkg.trend.length, 'run')} of ${pkg.name}`;
    return `<tr><th scope="row"><span class="pkg-name">${x(pkg.name)}</span> <span class="muted">${x(pkg.dir)}</span></th>
<td>${meter(pkg.coverage?.linesPct ?? null, targetPct, `Line coverage of ${pkg.name}`)}</td>
<td>${meter(pkg.coverage?.branchesPct ?? null, targetPct, `Branch coverage of ${pkg.name}`)}</td>
<td>${tests}</td><td class="trend">${sparkline({ points, label, slots: DEFAULT_TREND_RUNS })}</td></tr>`;
  });
  return `<div class="table-scroll"><table class="packages">
<caption class="visually-hidden">Coverage against the ${targetPct} % target and production tests per package</caption>
<thead><tr><th scope="col">Package</th><th scope="col">Lines</th><th scope="col">Branches</th><th scope="col">Production tests</th><th scope="col">Trend</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}

// A bar with the target marked: the number is the content, the bar only helps the eye.
function meter(pct: number | null, targetPct: number, label: string): string {
  if (pct === null) return '<span class="muted">no summary</span>';
  const met = pct >= targetPct;
  return (
    `<div class="meter ${met ? 'met' : 'unmet'}"><span class="meter-value">${x(formatPct(pct))}</span>` +
    `<span class="meter-track" role="img" aria-label="${x(`${label}: ${formatPct(pct)}, target ${targetPct} %`)}"><span class="meter-fill" style="width:${Math.min(Math.max(pct, 0), 100).toFixed(1)}%"></span><span class="meter-target" style="left:${targetPct}%"></span></span>` +
    `<span class="visually-hidden">${met ? 'meets' : 'below'} the ${targetPct} % target</span></div>`
  );
}
