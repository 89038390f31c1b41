// The local stack's demo: one shell job submitted over the API, its events followed to the end,
// then its record and its stdout shown. `signal` cuts it short when dev starts stopping.

export async function runExampleJob(api: string, token: string, region: string, signal: AbortSignal): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const spec = {
    region, name: 'hello-sluice', kind: 'shell',
    script: '#!/usr/bin/env bash\necho "hello from $(hostname), args: $*, TARGET=$TARGET"\n',
    args: ['--date', new Date().toISOString().slice(0, 10)], env: { TARGET: 'dev' },
    labels: { team: 'platform', dag: 'example' },
  };
  console.log(`submitting an example job to ${region}:\n  curl -X POST ${api}/v1/jobs -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' -d '${JSON.stringify(spec)}'`);
  const res = await fetch(`${api}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify(spec), signal });
  const job = (await res.json()) as { id: string };
  console.log(`HTTP ${res.status}: job ${job.id}`);
  const events = await fetch(`${api}/v1/jobs/${job.id}/events`, { headers, signal });
  const decoder = new TextDecoder();
  for await (const chunk of events.body as unknown as AsyncIterable<Uint8Array>) {
    for (const line of decoder.decode(chunk).split('\n')) {
      if (!line.startsWith('data: ')) continue;
      const e = JSON.parse(line.slice(6)) as { from: string | null; to: string };
      console.log(`  ${e.from ?? '(new)'} → ${e.to}`);
    }
  }
  const final = await (await fetch(`${api}/v1/jobs/${job.id}`, { headers, signal })).json();
  console.log(`job ${job.id} ended: ${JSON.stringify(final, null, 2)}`);
  const logs = await fetch(`${api}/v1/jobs/${job.id}/logs`, { headers, signal });
  console.log(`its stdout (GET /v1/jobs/${job.id}/logs):\n${await logs.text()}`);
}
