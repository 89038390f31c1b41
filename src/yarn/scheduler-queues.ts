// Which queue names a submission may use, read from the RM's GET /ws/v1/cluster/scheduler answer
// (RMWebServices.getSchedulerInfo → SchedulerTypeInfo). Checked against a real Hadoop 3.4.2 RM
// (YARN.md, "The scheduler's queues"): only a CapacityScheduler without queue auto-creation has a
// closed list; everything else is "the RM can't say" (names: null) with the reason, never a guess.

import { z } from 'zod';
import { capacityQueueSchema, schedulerResponseSchema, type CapacityQueueBody } from './schemas.ts';

/** names: every spelling of a queue a submission may name now; null: the RM can't say (why says why). */
export type LeafQueues = { names: string[] } | { names: null; why: string };

/** The `type` a CapacityScheduler leaf carries (JAXB's xsi:type); parents carry none. */
const CS_LEAF = 'capacitySchedulerLeafQueueInfo';

export function leafQueuesOf(body: unknown): LeafQueues {
  const envelope = schedulerResponseSchema.safeParse(body);
  if (!envelope.success) return cannotSay(`unexpected scheduler answer: ${firstIssue(envelope.error)}`);
  const info = envelope.data.scheduler.schedulerInfo;
  switch (info.type) {
    case 'capacityScheduler': return capacityLeafQueues(info);
    // FifoScheduler has one queue and ignores the name: a 3.4.2 RM ran an app submitted to "anything".
    case 'fifoScheduler': return cannotSay('FifoScheduler accepts any queue name');
    // FairScheduler places apps by its placement policy and, by default (allow-undeclared-pools),
    // creates a queue it doesn't have: a 3.4.2 RM ran an app submitted to "undeclared" in root.undeclared.
    case 'fairScheduler': return cannotSay('FairScheduler creates undeclared queues and maps names by its placement policy');
    default: return cannotSay(`unknown scheduler type ${info.type}`);
  }
}

interface Seen {
  /** Short names of every queue, parents included: a short name used twice is refused as ambiguous. */
  shortNames: Map<string, number>;
  /** RUNNING leaves: their short name and, when the RM reports it, their full path. */
  leaves: { name: string; path: string | null }[];
}

/**
 * A 3.4.2 CapacityScheduler accepts a RUNNING leaf by its full path (root.a.x) or by its short
 * name when no other queue has it; it fails the app for an ambiguous short name, a parent, a
 * STOPPED leaf or a partial path (a.x). So those are left out.
 */
function capacityLeafQueues(root: unknown): LeafQueues {
  const seen: Seen = { shortNames: new Map(), leaves: [] };
  const problem = walk(root, 'root', seen);
  if (problem) return cannotSay(problem);
  const names = new Set<string>();
  for (const leaf of seen.leaves) {
    if (leaf.path) names.add(leaf.path);
    if (seen.shortNames.get(leaf.name) === 1) names.add(leaf.name);
  }
  return { names: [...names].sort() };
}

/** Records one queue and its children; returns what makes the tree not understood, if anything. */
function walk(raw: unknown, where: string, seen: Seen): string | null {
  const parsed = capacityQueueSchema.safeParse(raw);
  if (!parsed.success) return `unexpected CapacityScheduler queue at ${where}: ${firstIssue(parsed.error)}`;
  const q: CapacityQueueBody = parsed.data;
  const path = q.queuePath ?? where;
  // Auto-creation makes queues at submission (through placement rules this endpoint doesn't show):
  // a name missing from the list may still be accepted. 3.4.2 reports it on every queue.
  if ((q.autoCreationEligibility && q.autoCreationEligibility !== 'off') || q.autoCreateChildQueueEnabled) {
    return `queue ${path} creates child queues at submission (auto-creation ${q.autoCreationEligibility ?? 'legacy'})`;
  }
  seen.shortNames.set(q.queueName, (seen.shortNames.get(q.queueName) ?? 0) + 1);
  const children = q.queues?.queue == null ? [] : Array.isArray(q.queues.queue) ? q.queues.queue : [q.queues.queue];
  if (q.type === CS_LEAF) {
    if (children.length > 0) return `leaf queue ${path} has child queues`;
    if (q.state === undefined || q.state === null) return `leaf queue ${path} has no state`;
    if (q.state === 'RUNNING') seen.leaves.push({ name: q.queueName, path: q.queuePath ?? null });
    return null;
  }
  // Not a leaf and no children: e.g. a reservation plan queue that hides its queues. Not understood.
  if (children.length === 0) return `queue ${path} is neither a leaf nor a parent with child queues`;
  for (const [i, child] of children.entries()) {
    const name = (child as { queueName?: unknown } | null)?.queueName;
    const problem = walk(child, typeof name === 'string' ? `${path}.${name}` : `${path}.queues.queue.${i}`, seen);
    if (problem) return problem;
  }
  return null;
}

function cannotSay(why: string): LeafQueues {
  return { names: null, why };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  return `${field}: ${issue?.message ?? 'invalid'}`;
}
