// The RM's application table: ids handed out by new-application, submitted apps, and the list
// query of GET /apps with ClientRMService.getApplications' filter semantics.

import { formatApplicationId, parseApplicationId, type ParsedAppId } from './application-id.ts';
import { yarnState, type EmulatedApp, type YarnState } from './emulated-app.ts';

export interface AppListQuery {
  /** Lowercased YarnApplicationState names; empty = all. */
  states: Set<string>;
  /** Lowercased; an app matches if it carries ANY of them; empty = all. */
  tags: Set<string>;
  users: Set<string>;
  applicationTypes: Set<string>;
  startedTimeBegin: number;
  startedTimeEnd: number;
  finishedTimeBegin: number;
  finishedTimeEnd: number;
  limit: number | null;
}

const key = (id: ParsedAppId): string => `${id.clusterTimestamp}_${id.sequence}`;

export class AppRegistry {
  private nextSequence = 1;
  private readonly issued = new Set<string>();
  private readonly apps = new Map<string, EmulatedApp>();

  constructor(private epoch: number) {}

  /** The RM's start time: the middle part of the ids it issues now. */
  get clusterTimestamp(): number {
    return this.epoch;
  }

  /**
   * A restarted RM (work-preserving recovery): it keeps every recovered app, and issues new ids
   * under its new start time, counting from 1 again, as ResourceManager's applicationCounter does.
   * Ids issued before stay submittable (a real RM accepts any well-formed id anyway).
   */
  restarted(clusterTimestamp: number): void {
    this.epoch = Math.max(clusterTimestamp, this.epoch + 1);
    this.nextSequence = 1;
  }

  /** ClientRMService.getNewApplication: the next id of this RM. */
  issueId(): string {
    const id: ParsedAppId = { clusterTimestamp: this.epoch, sequence: this.nextSequence++ };
    this.issued.add(key(id));
    return formatApplicationId(id);
  }

  wasIssued(id: ParsedAppId): boolean {
    return this.issued.has(key(id));
  }

  add(app: EmulatedApp): void {
    this.apps.set(key(app.parsedId), app);
  }

  get(id: ParsedAppId): EmulatedApp | undefined {
    return this.apps.get(key(id));
  }

  /** Look up by the exact string the RM printed (for the test-facing accessors). */
  find(id: string): EmulatedApp | undefined {
    try {
      return this.get(parseApplicationId(id));
    } catch {
      return undefined;
    }
  }

  all(): EmulatedApp[] {
    return [...this.apps.values()];
  }

  list(q: AppListQuery): EmulatedApp[] {
    const out: EmulatedApp[] = [];
    for (const app of this.apps.values()) {
      if (q.limit !== null && out.length >= q.limit) break;
      const state: YarnState = yarnState(app);
      if (q.states.size > 0 && !q.states.has(state.toLowerCase())) continue;
      if (q.users.size > 0 && !q.users.has(app.user)) continue;
      if (q.applicationTypes.size > 0 && !q.applicationTypes.has(app.applicationType.toLowerCase())) continue;
      if (q.tags.size > 0 && !app.tags.some((t) => q.tags.has(t))) continue;
      if (app.startedTime < q.startedTimeBegin || app.startedTime > q.startedTimeEnd) continue;
      // A running app has finishedTime 0, so any finishedTimeBegin > 0 leaves it out (as on a real RM).
      if (app.finishedTime < q.finishedTimeBegin || app.finishedTime > q.finishedTimeEnd) continue;
      out.push(app);
    }
    return out;
  }
}
