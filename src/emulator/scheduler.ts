// The emulated CapacityScheduler's queues: root with the configured leaves, all RUNNING, as a stock
// Hadoop 3.4.2 serves them on GET /ws/v1/cluster/scheduler, and the placement it does once an app
// is saved (checked on a real 3.4.2 RM, YARN.md "The scheduler's queues"). Leaves can change while
// the emulator runs (setQueues), as after `yarn rmadmin -refreshQueues`.

/** A leaf's name: YARN splits paths on dots, and "root" is the root's. */
const QUEUE_NAME = /^[^.\s]+$/;

export function checkQueueNames(names: readonly string[]): readonly string[] {
  if (names.length === 0) throw new Error('RM emulator: queues must name at least one leaf queue');
  for (const name of names) {
    if (!QUEUE_NAME.test(name) || name === 'root') throw new Error(`RM emulator: bad queue name ${JSON.stringify(name)} (a leaf under root: no dots or spaces, not "root")`);
  }
  if (new Set(names).size !== names.length) throw new Error(`RM emulator: queue names repeat: ${names.join(', ')}`);
  return Object.freeze([...names]);
}

/** Where the scheduler puts an app: its leaf's full path, or why the app fails. */
export type Placement = { ok: true; queuePath: string } | { ok: false; diagnostics: string };

export class EmulatedScheduler {
  private leaves: readonly string[];

  constructor(leaves: readonly string[]) {
    this.leaves = checkQueueNames(leaves);
  }

  queues(): readonly string[] {
    return this.leaves;
  }

  setQueues(leaves: readonly string[]): void {
    this.leaves = checkQueueNames(leaves);
  }

  /**
   * CapacityScheduler.addApplication on a 3.4.2 RM: a leaf by its short name or full path; "root"
   * is a parent; anything else (other case, a partial path) is unknown. The diagnostics are the
   * RM's own, spacing included.
   */
  place(queue: string, appId: string, user: string): Placement {
    const leaf = queue.startsWith('root.') ? queue.slice('root.'.length) : queue;
    if (this.leaves.includes(leaf)) return { ok: true, queuePath: `root.${leaf}` };
    if (queue === 'root') return { ok: false, diagnostics: `Application ${appId} submitted by user : ${user} to non-leaf queue : ${queue}` };
    return { ok: false, diagnostics: `Application ${appId} submitted by user ${user} to unknown queue: ${queue}` };
  }

  /**
   * SchedulerTypeInfo JSON of the CapacityScheduler: the fields that say what each queue is (type on
   * leaves, queueName, queuePath, queueType, state, creation and auto-creation) with 3.4.2's values
   * for a percentage-configured tree, capacity split evenly. Resource and capacity breakdowns the
   * real RM adds (capacities, resources, health, ACLs) are left out.
   */
  schedulerInfo(liveApps: (queuePath: string) => number, maxResource: { memory: number; vCores: number }): Record<string, unknown> {
    const share = Math.round(10000 / this.leaves.length) / 100;
    const queue = (name: string) => {
      const queuePath = `root.${name}`;
      const apps = liveApps(queuePath);
      return {
        type: 'capacitySchedulerLeafQueueInfo',
        queuePath,
        capacity: share,
        usedCapacity: 0,
        maxCapacity: 100,
        absoluteCapacity: share,
        absoluteMaxCapacity: 100,
        absoluteUsedCapacity: 0,
        weight: -1,
        normalizedWeight: 0,
        numApplications: apps,
        maxParallelApps: 2147483647,
        queueName: name,
        isAbsoluteResource: false,
        state: 'RUNNING',
        resourcesUsed: { memory: 0, vCores: 0 },
        hideReservationQueues: false,
        nodeLabels: ['*'],
        allocatedContainers: 0,
        reservedContainers: 0,
        pendingContainers: 0,
        maximumAllocation: { memory: maxResource.memory, vCores: maxResource.vCores },
        queuePriority: 0,
        orderingPolicyInfo: 'fifo',
        autoCreateChildQueueEnabled: false,
        mode: 'percentage',
        queueType: 'leaf',
        creationMethod: 'static',
        autoCreationEligibility: 'off',
        numActiveApplications: apps,
        numPendingApplications: 0,
        numContainers: 0,
        maxApplications: 10000,
        maxApplicationsPerUser: 10000,
        userLimit: 100,
        userLimitFactor: 1,
        configuredMaxAMResourceLimit: 0.5,
        preemptionDisabled: true,
        intraQueuePreemptionDisabled: true,
        defaultPriority: 0,
        isAutoCreatedLeafQueue: false,
        maxApplicationLifetime: -1,
        defaultApplicationLifetime: -1,
      };
    };
    return {
      scheduler: {
        schedulerInfo: {
          type: 'capacityScheduler',
          capacity: 100,
          usedCapacity: 0,
          maxCapacity: 100,
          weight: -1,
          normalizedWeight: 0,
          queueName: 'root',
          queuePath: 'root',
          maxParallelApps: 2147483647,
          isAbsoluteResource: false,
          // 3.4.2 lists leaves before parents (YARN-4785); here every child is a leaf.
          queues: { queue: this.leaves.map(queue) },
          maximumAllocation: { memory: maxResource.memory, vCores: maxResource.vCores },
          queuePriority: 0,
          orderingPolicyInfo: 'utilization',
          mode: 'percentage',
          queueType: 'parent',
          creationMethod: 'static',
          autoCreationEligibility: 'off',
        },
      },
    };
  }
}
