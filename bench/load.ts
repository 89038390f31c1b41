// The load generator: POST /v1/jobs over undici, an Idempotency-Key on every POST (as a careful
// client sends), a trivial shell job spread round-robin over the given regions. Closed loop (N in
// flight, as fast as the API answers) for saturation; open loop (a fixed rate) for latency.

import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';

export interface Accepted {
  jobId: string;
  region: string;
  /** When the 202 was received (ms since the epoch, this host's clock). */
  at: number;
}

export interface LoadResult {
  accepted: Accepted[];
  /** Answers other than 202, by status (a refused or failed POST). */
  refused: Record<string, number>;
  /** From the first POST sent to the last answer received. */
  ms: number;
}

const SCRIPT = '#!/usr/bin/env bash\necho hi\n';

export class LoadClient {
  private readonly pool: Pool;
  private readonly run = randomBytes(4).toString('hex');
  private seq = 0;

  constructor(apiUrl: string, private readonly token: string, connections: number) {
    this.pool = new Pool(apiUrl, { connections, pipelining: 1 });
  }

  /** One POST; true when it was answered 202. */
  async post(region: string, out: LoadResult): Promise<boolean> {
    const key = `bench-${this.run}-${++this.seq}`;
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: '/v1/jobs',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ region, name: 'bench', kind: 'shell', script: SCRIPT }),
      });
      const text = await res.body.text();
      if (res.statusCode === 202) {
        out.accepted.push({ jobId: (JSON.parse(text) as { id: string }).id, region, at: Date.now() });
        return true;
      }
      out.refused[res.statusCode] = (out.refused[res.statusCode] ?? 0) + 1;
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'error';
      out.refused[code] = (out.refused[code] ?? 0) + 1;
    }
    return false;
  }

  /**
   * `concurrency` POSTs in flight until `count` are sent or `durationMs` has passed; with `gate`,
   * each POST first waits for it (e.g. until the jobs accepted but not yet submitted are few enough).
   */
  async closedLoop(opts: {
    regions: readonly string[]; concurrency: number; durationMs?: number; count?: number; signal?: AbortSignal;
    gate?: (until: number) => Promise<void>; onAccepted?: () => void;
  }): Promise<LoadResult> {
    const out: LoadResult = { accepted: [], refused: {}, ms: 0 };
    const started = Date.now();
    const endAt = opts.durationMs === undefined ? Infinity : started + opts.durationMs;
    let sent = 0;
    const lane = async () => {
      while (Date.now() < endAt && sent < (opts.count ?? Infinity) && !opts.signal?.aborted) {
        if (opts.gate) await opts.gate(endAt);
        if (Date.now() >= endAt || opts.signal?.aborted) break;
        const region = opts.regions[sent++ % opts.regions.length] as string;
        if (await this.post(region, out)) opts.onAccepted?.();
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, lane));
    out.ms = Date.now() - started;
    return out;
  }

  /** `rate` POSTs per second, each sent on time whatever the answers before it, for durationMs. */
  async openLoop(opts: { regions: readonly string[]; rate: number; durationMs: number; signal?: AbortSignal }): Promise<LoadResult> {
    const out: LoadResult = { accepted: [], refused: {}, ms: 0 };
    const started = Date.now();
    const total = Math.round((opts.rate * opts.durationMs) / 1000);
    const inFlight: Promise<boolean>[] = [];
    let sent = 0;
    while (sent < total && !opts.signal?.aborted) {
      const due = Math.min(total, Math.floor(((Date.now() - started) * opts.rate) / 1000) + 1);
      while (sent < due) inFlight.push(this.post(opts.regions[sent++ % opts.regions.length] as string, out));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inFlight);
    out.ms = Date.now() - started;
    return out;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
