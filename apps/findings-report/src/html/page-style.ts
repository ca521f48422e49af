// Inline so the page is one file; colour pairs of badges keep >= 4.5:1 contrast (checked by the browser test).
export const PAGE_STYLE = `
:root{--bg:#f5f6f8;--surface:#fff;--text:#1b2430;--muted:#556170;--line:#e1e5ea;--line-strong:#cfd5dc;--accent:#1d4ed8;--head:#0f172a;
--ok:#15803d;--bad:#b91c1c;--warn:#b45309;--radius:8px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--text);font-size:15px;line-height:1.5}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
a{color:var(--accent)}
.wrap{max-width:1320px;margin:0 auto;padding:0 28px}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip-link{position:absolute;left:-999px;top:8px;background:#fff;padding:6px 10px;border-radius:4px}
.skip-link:focus{left:8px;z-index:10}
.muted{color:var(--muted)}
.masthead{background:var(--head);color:#f8fafc;padding:28px 0 30px}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;font-weight:600;color:#cbd5e1}
.masthead h1{margin:4px 0 6px;font-size:28px;font-weight:700;letter-spacing:-.01em}
.masthead .meta{margin:0;color:#cbd5e1;font-size:14px}
.masthead code{color:#f8fafc;background:#1e293b;padding:1px 6px;border-radius:4px}
.verdict{display:inline-block;margin-left:6px;padding:1px 10px;border-radius:999px;font-weight:600;font-size:13px}
.verdict-pass{background:#dcfce7;color:#14532d}.verdict-fail{background:#fee2e2;color:#7f1d1d}
.totals{list-style:none;display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:12px;margin:22px 0 0;padding:0}
.total a{display:block;text-decoration:none;background:#1e293b;border:1px solid #334155;border-top:4px solid var(--tone);border-radius:var(--radius);padding:10px 14px;color:#f8fafc}
.total a:hover,.total a:focus-visible{background:#273449}
.total-value{display:block;font-size:26px;font-weight:700;line-height:1.15}
.total-label{display:block;font-size:13px;color:#cbd5e1}
.total-resolved{--tone:#22c55e}.total-regressed{--tone:#ef4444}.total-untested{--tone:#f59e0b}.total-open{--tone:#f97316}.total-false-positive{--tone:#818cf8}.total-drift{--tone:#94a3b8}
main{max-width:1320px;margin:0 auto;padding:8px 28px 40px}
section{margin-top:28px}
.section-head{display:flex;align-items:baseline;justify-content:space-between;gap:16px;flex-wrap:wrap}
h2{font-size:19px;margin:0 0 10px}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:14px 0 6px}
.section-note{margin:0 0 10px;color:var(--muted);font-size:14px}
.card{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:14px 18px}
.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:12px 16px;background:var(--surface);border:1px solid var(--line);border-radius:var(--radius) var(--radius) 0 0;border-bottom:0;padding:12px 16px}
.filters label{display:flex;flex-direction:column;font-size:12px;font-weight:600;color:var(--muted);gap:3px}
.filters select{font:inherit;font-size:14px;color:var(--text);padding:5px 8px;border:1px solid var(--line-strong);border-radius:6px;background:#fff;min-width:170px}
.filters button{font:inherit;font-size:14px;padding:5px 12px;border:1px solid var(--line-strong);border-radius:6px;background:#fff;color:var(--text);cursor:pointer}
.filters button:hover{background:#f1f5f9}
.filter-count{margin:0 0 0 auto;font-size:14px;color:var(--muted);align-self:center}
.table-scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top}
.num{text-align:right;white-space:nowrap}
table.findings{background:var(--surface);border:1px solid var(--line)}
.filters:not([hidden])+.table-scroll table.findings{border-radius:0 0 var(--radius) var(--radius)}
.findings thead th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);background:#f8fafc;border-bottom:1px solid var(--line);padding:9px 12px}
.finding-row>*{padding:12px 12px 6px;border-top:1px solid var(--line)}
.finding-row .id{font-variant-numeric:tabular-nums;font-weight:700;color:var(--muted);width:40px}
.what{min-width:320px}
.title{font-weight:600}
.claim{margin:3px 0 0;color:var(--muted);font-size:13.5px}
.claim-label{font-weight:600}
.pkg{display:inline-block;font-size:12.5px;background:#f1f5f9;border:1px solid var(--line);border-radius:4px;padding:0 6px;margin:0 2px 3px 0;white-space:nowrap}
.badge{display:inline-block;border-radius:999px;padding:2px 10px;font-size:12.5px;font-weight:600;white-space:nowrap;line-height:1.5}
.status-resolved,.outcome-passed{background:#dcfce7;color:#14532d}
.status-regressed,.outcome-failed{background:#fee2e2;color:#7f1d1d}
.status-untested,.outcome-not-run{background:#fef3c7;color:#78350f}
.status-open{background:#ffedd5;color:#7c2d12}
.status-false-positive{background:#e0e7ff;color:#312e81}
.sev-critical{background:#991b1b;color:#fff}.sev-high{background:#fed7aa;color:#7c2d12}.sev-medium{background:#fef08a;color:#713f12}.sev-low{background:#e2e8f0;color:#1e293b}
.level-error{background:#fee2e2;color:#7f1d1d}.level-warning{background:#fef3c7;color:#78350f}
.was{display:block;font-size:12px;color:var(--muted);margin-top:3px}
.tests{white-space:nowrap;font-size:14px}
.count{font-weight:700;font-variant-numeric:tabular-nums}
.flags{display:block;margin-top:4px}
.flag{display:inline-block;font-size:12px;font-weight:600;border-radius:4px;padding:0 6px;margin:0 4px 2px 0}
.flag-bad{background:#fee2e2;color:#7f1d1d}.flag-good{background:#dcfce7;color:#14532d}.flag-warn{background:#fef3c7;color:#78350f}
.spark{display:block}
.spark polyline{fill:none;stroke:#94a3b8;stroke-width:1.5}
.spark .frame{fill:#f1f5f9}
.dot{stroke:#fff;stroke-width:1}
.tone-resolved{fill:#16a34a}.tone-regressed{fill:#dc2626}.tone-untested{fill:#d97706}.tone-open{fill:#ea580c}.tone-false-positive{fill:#4f46e5}.tone-none{fill:#94a3b8}
.detail-row td{padding:0 12px 10px 52px}
details>summary{cursor:pointer;color:var(--accent);font-size:13.5px;font-weight:500;padding:2px 0;width:max-content}
details[open]>summary{margin-bottom:4px}
.detail-grid{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:8px 32px;background:#f8fafc;border:1px solid var(--line);border-radius:var(--radius);padding:4px 18px 14px}
.detail-grid p{margin:0 0 6px;font-size:14px}
.code-links{margin:0;padding-left:18px}
.missing{color:var(--muted);font-size:13px}
table.evidence,table.figures{background:var(--surface);border:1px solid var(--line);font-size:13.5px}
.evidence th,.evidence td,.figures th,.figures td{padding:6px 10px;border-bottom:1px solid var(--line)}
.evidence thead th,.figures thead th,.packages thead th,.bench thead th,.inputs thead th{font-size:12px;color:var(--muted);font-weight:600;background:#f8fafc}
.test-name{font-weight:600;margin-right:6px}
.runs{list-style:none;margin:4px 0 0;padding:0;font-size:12.5px}
.runs li{margin:1px 0}
.detail-grid .run-origin{margin:2px 0 0;font-size:12px;color:var(--muted)}
.more-runs>summary{font-size:12.5px;margin-top:2px}
.when{white-space:nowrap}
.run-status{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;background:#94a3b8}
.run-passed{background:#16a34a}.run-failed{background:#dc2626}
.failure td{background:#fff7f7}
.failure-of,.detail-grid .failure-of{font-size:12.5px;font-weight:600;color:#7f1d1d;margin:4px 0 2px}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #fecaca;border-radius:6px;padding:8px 10px;margin:0 0 6px;max-height:320px;overflow:auto;font-size:12px}
.empty{padding:22px;text-align:center;color:var(--muted)}
table.packages,table.bench,table.inputs{background:var(--surface);border:1px solid var(--line);font-size:14px}
.packages th,.packages td,.bench th,.bench td,.inputs th,.inputs td{padding:8px 12px;border-bottom:1px solid var(--line)}
.pkg-name{font-weight:600}
.packages tbody th .muted{font-weight:400;font-size:12.5px;margin-left:4px}
.meter{display:flex;align-items:center;gap:10px;min-width:170px}
.meter-value{width:56px;font-variant-numeric:tabular-nums;font-weight:600}
.meter-track{position:relative;flex:1;height:8px;background:#e2e8f0;border-radius:4px;max-width:120px}
.meter-fill{position:absolute;left:0;top:0;bottom:0;border-radius:4px;background:#16a34a}
.unmet .meter-fill{background:#dc2626}.unmet .meter-value{color:var(--bad)}
.meter-target{position:absolute;top:-3px;bottom:-3px;width:2px;background:#0f172a}
.text-bad{color:var(--bad)}
.drift{list-style:none;margin:0;padding:0;background:var(--surface);border:1px solid var(--line);border-radius:var(--radius)}
.drift-item{display:flex;gap:12px;align-items:baseline;padding:8px 14px;border-bottom:1px solid var(--line);font-size:14px}
.drift-item:last-child{border-bottom:0}
.drift-kind{font-weight:600;min-width:190px}
.ok-line{background:#f0fdf4;border:1px solid #bbf7d0;color:#14532d;border-radius:var(--radius);padding:10px 14px;margin:0}
.changes{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px;margin:0}
.change-group{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:10px 14px}
.change-group dt{font-weight:600;margin-bottom:4px}
.change-group dd{margin:0 0 2px}
.meta-line{color:var(--muted);font-size:14px;margin:0 0 10px}
table.bench{table-layout:fixed}
.bench th:first-child{width:30%}
.bench th:last-child{width:22%}
.bench th[scope=row]{font-weight:500}
footer{color:var(--muted);font-size:13px;max-width:1320px;margin:0 auto;padding:18px 28px 36px;border-top:1px solid var(--line)}
@media (max-width:900px){.totals{grid-template-columns:repeat(3,minmax(0,1fr))}.detail-grid,.changes{grid-template-columns:1fr}.detail-row td{padding-left:12px}}
@media print{
body{background:#fff;font-size:11pt}
.masthead{background:#fff;color:#000;padding:0 0 8px;border-bottom:2px solid #000}
.masthead .meta,.eyebrow,.total-label{color:#333}
.masthead code{background:none;color:#000}
.total a{background:#fff;color:#000;border-color:#999}
.filters,.skip-link{display:none!important}
.wrap,main{max-width:none;padding-left:0;padding-right:0}
tbody.finding{break-inside:avoid}
details>summary{display:none}
pre{max-height:none}
a{color:#000;text-decoration:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;
