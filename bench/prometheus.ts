// Reads a worker's /metrics (Prometheus text): the tracker's tick histogram and tracked gauge.

import { request } from 'undici';

export interface TrackerMetrics {
  /** Ticks timed so far (histogram _count) and their total seconds (_sum). */
  ticks: number;
  tickSeconds: number;
  tracked: number;
}

function sample(text: string, name: string, region: string): number {
  const re = new RegExp(`^${name}\\{[^}]*region="${region}"[^}]*\\}\\s+(\\S+)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : 0;
}

export async function trackerMetrics(metricsUrl: string, region: string): Promise<TrackerMetrics> {
  const res = await request(metricsUrl);
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`bench: ${metricsUrl} answered ${res.statusCode}`);
  return {
    ticks: sample(text, 'sluice_tracker_tick_duration_seconds_count', region),
    tickSeconds: sample(text, 'sluice_tracker_tick_duration_seconds_sum', region),
    tracked: sample(text, 'sluice_tracker_applications', region),
  };
}
