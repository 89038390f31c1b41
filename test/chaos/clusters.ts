// The ResourceManagers of a chaos run: an in-process RM emulator per region (restarted once, as an
// RM with work-preserving recovery), or one real Hadoop YARN (its RM kill -9'd once and started
// again). Both are read at the end the same way: GET /ws/v1/cluster/apps?applicationTags=sluice.

import { join, resolve } from 'node:path';
import { startRmEmulator } from '../../src/emulator/index.ts';
import { javaAvailable, startLocalYarn } from '../../src/local-yarn/index.ts';
import type { Children } from './children.ts';

export const REPO = resolve(import.meta.dirname, '../..');

export interface RmApp {
  id: string;
  state: string;
  finalStatus: string;
  tags: string[];
}

export interface Cluster {
  region: string;
  rmUrl: string;
  kind: 'emulator' | 'real-yarn';
  /** The region file's yarn fields that say where the RM is and how to launch the DS AM. */
  yarnFields: Record<string, unknown>;
  /** The RM fault: returns when the RM went away and when it served again (epoch ms). */
  restartRm(downMs: number): Promise<{ downAt: number; upAt: number }>;
}

/** Every app carrying Sluice's tag, as the RM's REST API lists them. */
export async function listSluiceApps(rmUrl: string): Promise<RmApp[]> {
  const res = await fetch(`${rmUrl}/ws/v1/cluster/apps?applicationTags=sluice`, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`GET ${rmUrl}/ws/v1/cluster/apps: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { apps: { app: Array<{ id: string; state: string; finalStatus: string; applicationTags?: string }> } | null };
  return (body.apps?.app ?? []).map((a) => ({
    id: a.id, state: a.state, finalStatus: a.finalStatus,
    tags: (a.applicationTags ?? '').split(',').filter(Boolean),
  }));
}

export async function startEmulators(regions: string[], scratch: string, children: Children): Promise<Cluster[]> {
  const clusters: Cluster[] = [];
  for (const region of regions) {
    const emu = await startRmEmulator({ workDir: join(scratch, `yarn-${region}`) });
    children.onStop(() => emu.close());
    clusters.push({
      region, rmUrl: emu.url, kind: 'emulator',
      yarnFields: { resourceManagers: [emu.url], distributedShellJar: join(REPO, 'test/support/emulator-appmaster.jar') },
      restartRm: async (downMs) => {
        // The emulator lives in this process, so it cannot be SIGKILLed: the restart happens at the
        // HTTP layer (port refused, then the same apps and containers), as an RM with
        // work-preserving recovery behaves.
        const downAt = Date.now();
        await emu.restart({ downMs });
        return { downAt, upAt: Date.now() };
      },
    });
  }
  return clusters;
}

export async function startRealYarnCluster(region: string, scratch: string, children: Children, log: (line: string) => void): Promise<Cluster> {
  if (!javaAvailable()) throw new Error('--real-yarn needs Java 17 and Maven (or the Hadoop jars cached)');
  const yarn = await startLocalYarn({ scratchDir: join(scratch, 'real-yarn'), log });
  // A stop that hangs must not keep the JVMs (or their containers) alive: kill() is the backstop.
  children.onStop(async () => {
    const forced = setTimeout(() => yarn.kill(), 60_000);
    try {
      await yarn.stop();
    } finally {
      clearTimeout(forced);
    }
  });
  return {
    region, rmUrl: yarn.rmUrl, kind: 'real-yarn',
    yarnFields: {
      resourceManagers: [yarn.rmUrl], distributedShellJar: yarn.distributedShellJar,
      amClasspath: yarn.amClasspath, hadoopJarCommand: yarn.hadoopJarCommand,
    },
    restartRm: async () => {
      const downAt = Date.now();
      await yarn.killRm('SIGKILL');
      await yarn.startRm(); // same ports and state store; waits for the NM to re-register
      return { downAt, upAt: Date.now() };
    },
  };
}
