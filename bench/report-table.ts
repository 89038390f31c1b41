// The printed table: each figure, its ratio to the bare-BullMQ ceiling where that means something
// (throughput), and the target with whether this run meets it.

import type { BenchResults } from './results.ts';

interface Row {
  figure: string;
  value: string;
  ceiling: string;
  target: string;
}

const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : 'n/a');
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function tableRows(r: BenchResults): Row[] {
  const ceiling = r.ceiling.processedPerSecond;
  const rows: Row[] = [
    { figure: `bare BullMQ processed/s (ceiling, concurrency ${r.ceiling.concurrency})`, value: num(ceiling), ceiling: '100%', target: '' },
  ];
  rows.push({ figure: 'P2 API alone: 202s/s', value: num(r.p2.apiAlone.acceptedPerSecond), ceiling: pct(r.p2.apiAlone.acceptedPerSecond / ceiling), target: '' });
  const one = r.p2.configs.filter((c) => c.regions === 1);
  const bestOne = Math.max(...one.map((c) => c.submitsPerSecond));
  for (const c of r.p2.configs) {
    const target = c.regions === 1
      ? `≥ 1,500/s and ≥ 10%: ${mark(c.submitsPerSecond >= 1500 && c.submitsPerSecond >= 0.1 * ceiling)}`
      : `no worse than 1 region: ${mark(c.submitsPerSecond >= (one.find((o) => o.concurrency === c.concurrency)?.submitsPerSecond ?? bestOne))}`;
    rows.push({ figure: `P2 HTTP → RM submit/s, ${c.label}`, value: num(c.submitsPerSecond), ceiling: pct(c.submitsPerSecond / ceiling), target });
  }
  rows.push({ figure: `P1 202 → RM submit p50 at ${r.p1.offeredPerSecond}/s (ms)`, value: num(r.p1.p50Ms, 1), ceiling: '', target: `≤ 10 ms: ${mark(r.p1.p50Ms <= 10)}` });
  rows.push({ figure: `P1 202 → RM submit p99 at ${r.p1.offeredPerSecond}/s (ms)`, value: num(r.p1.p99Ms, 1), ceiling: '', target: `≤ 50 ms: ${mark(r.p1.p99Ms <= 50)}` });
  const tick = r.p3.tickIntervalMs;
  for (const l of r.p3.levels) {
    rows.push({ figure: `P3 ${num(l.tracked)} tracked: RM requests/tick`, value: num(l.rmRequestsPerTick, 2), ceiling: '', target: `2: ${mark(l.rmRequestsPerTick <= 2)}` });
    rows.push({ figure: `P3 ${num(l.tracked)} tracked: tick duration (ms, interval ${tick})`, value: num(l.tickMeanMs, 1), ceiling: '', target: `< ${tick}: ${mark(l.tickMeanMs < tick)}` });
    rows.push({ figure: `P3 ${num(l.tracked)} tracked: state change → SSE p50 (ms)`, value: num(l.sseP50Ms), ceiling: '', target: '' });
    rows.push({ figure: `P3 ${num(l.tracked)} tracked: state change → SSE p99 (ms)`, value: num(l.sseP99Ms), ceiling: '', target: `≤ ${tick + 100}: ${mark(l.sseP99Ms <= tick + 100)}` });
  }
  const { rss, redis } = r.p4;
  rows.push({ figure: 'P4 API RSS idle (MB)', value: num(rss.apiIdleMb), ceiling: '', target: '' });
  rows.push({ figure: 'P4 worker RSS idle (MB)', value: num(rss.workerIdleMb), ceiling: '', target: '' });
  rows.push({ figure: `P4 API RSS at ${num(rss.maxTracked)} tracked (MB)`, value: num(rss.apiAtMaxMb), ceiling: '', target: '' });
  rows.push({ figure: `P4 worker RSS at ${num(rss.maxTracked)} tracked (MB)`, value: num(rss.workerAtMaxMb), ceiling: '', target: `≤ 150: ${mark(rss.workerAtMaxMb <= 150)}` });
  const top = (byName: Record<string, number>) => Object.entries(byName).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ');
  rows.push({ figure: `P4 Redis commands/job, API (${top(redis.api.byName)})`, value: num(redis.api.total, 1), ceiling: '', target: '' });
  rows.push({ figure: `P4 Redis commands/job, worker phase (${top(redis.worker.byName)})`, value: num(redis.worker.total, 1), ceiling: '', target: '' });
  if (r.p5) {
    const p5 = r.p5;
    const both = (label: string, m: { mean: number; max: number }, unit: (n: number) => string, target = (_: number) => '') => {
      rows.push({ figure: `P5 real YARN (${p5.jobs} jobs): ${label}, mean`, value: unit(m.mean), ceiling: '', target: target(m.mean) });
      rows.push({ figure: `P5 real YARN (${p5.jobs} jobs): ${label}, max`, value: unit(m.max), ceiling: '', target: target(m.max) });
    };
    const ms = (n: number) => num(n);
    both("Sluice's share of end-to-end", p5.sluiceSharePercent, (n) => `${num(n, 1)}%`, (n) => `≤ 5%: ${mark(n <= 5)}`);
    both('end-to-end, 202 → terminal on SSE (ms)', p5.endToEndMs, ms);
    both("YARN's own finishedTime − startedTime (ms)", p5.yarnMs, ms);
    both('QUEUED → ACCEPTED (ms)', p5.queuedToAcceptedMs, ms);
    both(`YARN finishedTime → job finishedAt (ms, tick ${p5.trackerIntervalMs})`, p5.finishedGapMs, ms);
  }
  return rows;
}

export function formatTable(r: BenchResults): string {
  const rows = tableRows(r);
  const head: Row = { figure: 'figure', value: 'value', ceiling: 'of ceiling', target: 'target' };
  const w = (k: keyof Row) => Math.max(...[head, ...rows].map((x) => x[k].length));
  const line = (x: Row) => `${x.figure.padEnd(w('figure'))}  ${x.value.padStart(w('value'))}  ${x.ceiling.padStart(w('ceiling'))}  ${x.target}`;
  const m = r.machine;
  return [
    `Sluice bench${r.quick ? ' (--quick)' : ''}: ${m.cores} cores, ${m.cpu}, Node ${m.node}, Sluice from ${m.sluiceBuild}, ${m.at}`,
    line(head),
    '-'.repeat(w('figure') + w('value') + w('ceiling') + 30),
    ...rows.map(line),
  ].join('\n');
}
