// A ResourceManager that holds many applications without running anything: for measuring the
// tracker at 10,000 applications, where the emulator would start a process per application. It
// answers only what a worker asks (cluster info, the scheduler's queues, the application list and
// one application), each application in the emulator's own AppInfo JSON, and counts list requests.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toAppInfo } from '../../src/emulator/app-info.ts';
import type { EmulatedApp } from '../../src/emulator/emulated-app.ts';

export interface ManyAppsRm {
  url: string;
  /** Adds RUNNING applications (id, tags); returns nothing until a list asks. */
  addRunning(apps: { id: string; tags: string[] }[]): void;
  /** Ends every live application as FINISHED/SUCCEEDED, now. */
  finishAll(): void;
  /** GET /ws/v1/cluster/apps requests so far. */
  listRequests(): number;
  close(): Promise<void>;
}

const CLUSTER_TS = Date.now();

export async function startManyAppsRm(): Promise<ManyAppsRm> {
  const apps = new Map<string, EmulatedApp>();
  let lists = 0;
  // The list JSON is cached per query until an application changes: the RM's cost is not measured here.
  const cache = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://rm');
    const send = (status: number, body: unknown) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    };
    const ctx = { rmUrl: base, clusterId: CLUSTER_TS, nodeHttpAddress: '127.0.0.1:8042' };
    if (url.pathname === '/ws/v1/cluster/info') {
      return send(200, { clusterInfo: { id: CLUSTER_TS, haState: 'ACTIVE', resourceManagerVersion: '3.4.1', startedOn: CLUSTER_TS } });
    }
    if (url.pathname === '/ws/v1/cluster/scheduler') {
      return send(200, { scheduler: { schedulerInfo: { type: 'capacityScheduler', queueName: 'root', queues: { queue: [
        { type: 'capacitySchedulerLeafQueueInfo', queueName: 'default', queuePath: 'root.default', state: 'RUNNING' },
      ] } } } });
    }
    if (url.pathname === '/ws/v1/cluster/apps') {
      lists++;
      const key = url.search;
      let text = cache.get(key);
      if (text === undefined) {
        const states = new Set((url.searchParams.get('states') ?? '').split(',').filter(Boolean));
        const finishedBegin = Number(url.searchParams.get('finishedTimeBegin') ?? 0);
        const listed = [...apps.values()].filter((a) => (states.size === 0 || states.has(a.state)) && a.finishedTime >= finishedBegin);
        text = JSON.stringify({ apps: listed.length ? { app: listed.map((a) => toAppInfo(a, ctx)) } : null });
        cache.set(key, text);
      }
      return send(200, text);
    }
    const one = /^\/ws\/v1\/cluster\/apps\/([^/]+)$/.exec(url.pathname);
    const app = one ? apps.get(one[1]!) : undefined;
    if (app) return send(200, { app: toAppInfo(app, ctx) });
    return send(404, { RemoteException: { exception: 'NotFoundException', message: `no ${url.pathname}`, javaClassName: 'org.apache.hadoop.yarn.webapp.NotFoundException' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    addRunning(list) {
      const now = Date.now();
      for (const { id, tags } of list) {
        const [, ts, seq] = id.split('_');
        apps.set(id, {
          id, parsedId: { clusterTimestamp: Number(ts), sequence: Number(seq) }, user: 'sluice', name: 'bench',
          queue: 'root.default', applicationType: 'SLUICE', tags, priority: 0, maxAppAttempts: 1,
          amResource: { memory: 1024, vCores: 1 }, amEnvironment: {}, amCommand: '', amLocalResources: {},
          state: 'RUNNING', stateBeforeKilling: null, finalStatus: 'UNDEFINED', diagnostics: '', progress: 0,
          startedTime: now, launchTime: now, finishedTime: 0, amContainerId: `container_${ts}_${seq}_01_000001`,
          appDir: null, containers: [], timers: new Set(), submitArrivedAt: now,
        });
      }
      cache.clear();
    },
    finishAll() {
      const now = Date.now();
      for (const a of apps.values()) {
        if (a.state !== 'RUNNING') continue;
        a.state = 'FINISHED';
        a.finalStatus = 'SUCCEEDED';
        a.progress = 100;
        a.finishedTime = now;
      }
      cache.clear();
    },
    listRequests: () => lists,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
