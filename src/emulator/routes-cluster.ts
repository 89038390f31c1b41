// Cluster-level endpoints: /ws/v1/cluster[/info], /ws/v1/cluster/metrics, /ws/v1/cluster/scheduler
// and /isActive.

import type { FastifyInstance } from 'fastify';
import { yarnState } from './emulated-app.ts';
import type { RmContext } from './rm-context.ts';

const VERSION = '3.4.x-emulator';

export function registerClusterRoutes(app: FastifyInstance, ctx: RmContext): void {
  const clusterInfo = async () => ({
    clusterInfo: {
      id: ctx.registry.clusterTimestamp,
      startedOn: ctx.registry.clusterTimestamp,
      state: 'STARTED',
      haState: ctx.ha.state,
      rmStateStoreName: 'org.apache.hadoop.yarn.server.resourcemanager.recovery.NullRMStateStore',
      resourceManagerVersion: VERSION,
      resourceManagerBuildVersion: `${VERSION} from sluice`,
      resourceManagerVersionBuiltOn: new Date(ctx.registry.clusterTimestamp).toUTCString(),
      hadoopVersion: VERSION,
      hadoopBuildVersion: `${VERSION} from sluice`,
      hadoopVersionBuiltOn: new Date(ctx.registry.clusterTimestamp).toUTCString(),
      haZooKeeperConnectionState: 'CONNECTED',
    },
  });
  // Both answer ClusterInfo, but only …/info is exempt from a standby's redirect.
  app.get('/ws/v1/cluster', clusterInfo);
  app.get('/ws/v1/cluster/info', clusterInfo);

  app.get('/ws/v1/cluster/metrics', async () => {
    const apps = ctx.registry.all();
    const inState = (...states: string[]) => apps.filter((a) => states.includes(yarnState(a))).length;
    const running = apps.filter((a) => yarnState(a) === 'RUNNING');
    const allocatedMB = running.reduce((sum, a) => sum + a.amResource.memory + 1024 * a.containers.filter((c) => !c.done).length, 0);
    const allocatedVCores = running.reduce((sum, a) => sum + a.amResource.vCores + a.containers.filter((c) => !c.done).length, 0);
    const containers = running.reduce((sum, a) => sum + 1 + a.containers.filter((c) => !c.done).length, 0);
    const { memory, vCores } = ctx.config.maxResource; // one NodeManager of the maximum size
    return {
      clusterMetrics: {
        appsSubmitted: apps.length,
        appsCompleted: inState('FINISHED', 'FAILED', 'KILLED'),
        appsPending: inState('NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED'),
        appsRunning: running.length,
        appsFailed: inState('FAILED'),
        appsKilled: inState('KILLED'),
        reservedMB: 0,
        availableMB: memory - allocatedMB,
        allocatedMB,
        reservedVirtualCores: 0,
        availableVirtualCores: vCores - allocatedVCores,
        allocatedVirtualCores: allocatedVCores,
        containersAllocated: containers,
        containersReserved: 0,
        containersPending: 0,
        totalMB: memory,
        totalVirtualCores: vCores,
        totalNodes: 1,
        lostNodes: 0,
        unhealthyNodes: 0,
        decommissioningNodes: 0,
        decommissionedNodes: 0,
        rebootedNodes: 0,
        activeNodes: 1,
        shutdownNodes: 0,
      },
    };
  });

  // Not exempt from a standby's redirect (ha-filter), like every other /ws/v1/cluster/* but /info.
  app.get('/ws/v1/cluster/scheduler', async () => {
    const live = ctx.registry.all().filter((a) => !['FINISHED', 'FAILED', 'KILLED'].includes(yarnState(a)));
    return ctx.scheduler.schedulerInfo((queuePath) => live.filter((a) => a.queue === queuePath).length, ctx.config.maxResource);
  });

  // IsActiveServlet: 200 text when active, 405 (sendError) when not.
  app.get('/isActive', async (_req, reply) => {
    reply.header('cache-control', 'must-revalidate,no-cache,no-store').type('text/plain; charset=utf-8');
    if (ctx.ha.state === 'ACTIVE') return reply.code(200).send('I am Active!');
    return reply.code(405).send('I am not Active!');
  });
}
