// The plot, written by hand as SVG: left, throughput per configuration (jobs/s, with the bare
// BullMQ ceiling as a line when it fits the scale, else noted); right, latency p50/p99 (ms) for
// 202 → RM submit and for state change → SSE at each tracked level, with the target line.

import type { BenchResults } from './results.ts';

interface Bar {
  label: string;
  value: number;
  color: string;
}

const W = 980;
const H = 420;
const PANEL_W = 440;
const TOP = 60;
const BOTTOM = 330;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : String(Math.round(n * 10) / 10));

/** A round axis maximum above `max`: 1, 2 or 5 × 10^k. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function panel(x0: number, title: string, unit: string, groups: { name: string; bars: Bar[] }[], line?: { value: number; label: string }): string {
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite);
  const lineFits = line !== undefined && Number.isFinite(line.value) && line.value <= 3 * Math.max(...values, 1);
  const top = niceMax(Math.max(...values, lineFits ? line!.value : 0));
  const y = (v: number) => BOTTOM - ((BOTTOM - TOP) * Math.max(0, v)) / top;
  const out: string[] = [`<text x="${x0}" y="30" font-size="15" font-weight="bold">${esc(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    out.push(`<line x1="${x0 + 40}" x2="${x0 + PANEL_W}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${x0 + 36}" y="${y(v) + 4}" font-size="10" text-anchor="end">${fmt(v)}</text>`);
  }
  out.push(`<text x="${x0}" y="${TOP - 12}" font-size="11">${esc(unit)}</text>`);
  const slot = (PANEL_W - 50) / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const gx = x0 + 45 + gi * slot;
    const bw = Math.min(36, (slot - 10) / Math.max(1, g.bars.length));
    g.bars.forEach((b, bi) => {
      const bx = gx + 5 + bi * bw;
      const v = Number.isFinite(b.value) ? b.value : 0;
      out.push(`<rect x="${bx}" y="${y(v)}" width="${bw - 3}" height="${BOTTOM - y(v)}" fill="${b.color}"><title>${esc(`${g.name} ${b.label}: ${fmt(v)} ${unit}`)}</title></rect>`);
      out.push(`<text x="${bx + (bw - 3) / 2}" y="${y(v) - 4}" font-size="9" text-anchor="middle">${fmt(v)}</text>`);
    });
    const words = g.name.split(' ');
    const mid = Math.ceil(words.length / 2);
    [words.slice(0, mid).join(' '), words.slice(mid).join(' ')].forEach((text, li) => {
      out.push(`<text x="${gx + slot / 2}" y="${BOTTOM + 16 + li * 12}" font-size="10" text-anchor="middle">${esc(text)}</text>`);
    });
  });
  if (line && Number.isFinite(line.value)) {
    if (lineFits) {
      out.push(`<line x1="${x0 + 40}" x2="${x0 + PANEL_W}" y1="${y(line.value)}" y2="${y(line.value)}" stroke="#c00" stroke-dasharray="5,4"/>`);
      out.push(`<text x="${x0 + PANEL_W}" y="${y(line.value) - 4}" font-size="10" fill="#c00" text-anchor="end">${esc(line.label)}</text>`);
    } else {
      out.push(`<text x="${x0 + PANEL_W}" y="${TOP - 12}" font-size="10" fill="#c00" text-anchor="end">${esc(`${line.label} (off this scale)`)}</text>`);
    }
  }
  return out.join('\n');
}

export function benchSvg(r: BenchResults): string {
  const blue = '#3b6ea5';
  const grey = '#999';
  const throughput = [
    { name: 'API alone (202/s)', bars: [{ label: '202/s', value: r.p2.apiAlone.acceptedPerSecond, color: grey }] },
    ...r.p2.configs.map((c) => ({ name: `${c.regions} region${c.regions > 1 ? 's' : ''} c${c.concurrency}`, bars: [{ label: 'submits/s', value: c.submitsPerSecond, color: blue }] })),
  ];
  const light = '#8fb3d9';
  const dark = '#1f4e79';
  const latency = [
    { name: `202 → submit @${r.p1.offeredPerSecond}/s`, bars: [{ label: 'p50', value: r.p1.p50Ms, color: light }, { label: 'p99', value: r.p1.p99Ms, color: dark }] },
    ...r.p3.levels.map((l) => ({ name: `→ SSE at ${l.tracked.toLocaleString('en-US')} tracked`, bars: [{ label: 'p50', value: l.sseP50Ms, color: light }, { label: 'p99', value: l.sseP99Ms, color: dark }] })),
  ];
  const m = r.machine;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
<rect width="${W}" height="${H}" fill="#fff"/>
${panel(20, 'Throughput: HTTP → RM submit', 'jobs/s', throughput, { value: r.ceiling.processedPerSecond, label: `bare BullMQ ${fmt(r.ceiling.processedPerSecond)}/s` })}
${panel(520, 'Latency p50 (light) / p99 (dark)', 'ms', latency, { value: r.p3.tickIntervalMs + 100, label: `SSE target: tick + 100 ms` })}
<text x="20" y="${H - 20}" font-size="10" fill="#555">${esc(`npm run bench${r.quick ? ' --quick' : ''}: ${m.cores} cores, ${m.cpu}, Node ${m.node}, Sluice from ${m.sluiceBuild}, ${m.at}`)}</text>
</svg>
`;
}
