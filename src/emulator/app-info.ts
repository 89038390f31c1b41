// EmulatedApp → the RM's AppInfo JSON (GET /apps/{id} and each element of GET /apps). Fields the
// real JAXB output leaves out while null (amContainerLogs before an AM exists) are left out here too.

import { isFinalStateStored, yarnState, type EmulatedApp } from './emulated-app.ts';

export interface AppInfoContext {
  rmUrl: string;
  clusterId: number;
  nodeHttpAddress: string;
}

/** Failed by the scheduler before any attempt (an unknown or parent queue): a 3.4.2 RM shows no
 * trackingUrl and trackingUI UNASSIGNED for it, even once final. */
function neverAttempted(app: EmulatedApp): boolean {
  return app.amContainerId === null && isFinalStateStored(app) && app.finalStatus === 'FAILED';
}

function trackingUi(app: EmulatedApp): string {
  if (neverAttempted(app)) return 'UNASSIGNED';
  if (isFinalStateStored(app)) return 'History';
  return app.state === 'RUNNING' || app.state === 'KILLING' ? 'ApplicationMaster' : 'UNASSIGNED';
}

export function toAppInfo(app: EmulatedApp, ctx: AppInfoContext): Record<string, unknown> {
  const now = Date.now();
  const running = app.state === 'RUNNING' || (app.state === 'KILLING' && app.stateBeforeKilling === 'RUNNING');
  const liveContainers = running ? 1 + app.containers.filter((c) => !c.done).length : 0;
  const info: Record<string, unknown> = {
    id: app.id,
    user: app.user,
    name: app.name,
    queue: app.queue,
    state: yarnState(app),
    finalStatus: app.finalStatus,
    progress: app.progress,
    trackingUI: trackingUi(app),
    // Without an AM attempt the RM links its own app page; otherwise the web proxy.
    trackingUrl: app.amContainerId ? `${ctx.rmUrl}/proxy/${app.id}/` : `${ctx.rmUrl}/cluster/app/${app.id}`,
    diagnostics: app.diagnostics,
    clusterId: ctx.clusterId,
    applicationType: app.applicationType,
    applicationTags: app.tags.join(','),
    priority: app.priority,
    startedTime: app.startedTime,
    launchTime: app.launchTime,
    finishedTime: app.finishedTime,
    elapsedTime: (app.finishedTime || now) - app.startedTime,
    allocatedMB: running ? app.amResource.memory + 1024 * (liveContainers - 1) : -1,
    allocatedVCores: running ? app.amResource.vCores + (liveContainers - 1) : -1,
    runningContainers: running ? liveContainers : -1,
    memorySeconds: 0,
    vcoreSeconds: 0,
    queueUsagePercentage: 0,
    clusterUsagePercentage: 0,
    preemptedResourceMB: 0,
    preemptedResourceVCores: 0,
    numNonAMContainerPreempted: 0,
    numAMContainerPreempted: 0,
    logAggregationStatus: 'DISABLED',
    unmanagedApplication: false,
    amNodeLabelExpression: '',
  };
  if (neverAttempted(app)) delete info.trackingUrl;
  if (app.amContainerId) {
    info.amContainerLogs = `http://${ctx.nodeHttpAddress}/node/containerlogs/${app.amContainerId}/${app.user}`;
    info.amHostHttpAddress = ctx.nodeHttpAddress;
  }
  return info;
}
