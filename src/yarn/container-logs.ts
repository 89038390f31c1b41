// A job's container logs, read from the NodeManager that ran it (NMWebServices:
// GET /ws/v1/node/containerlogs/{containerid}/{filename}). The NM keeps them on its disk after the
// app ends (without log aggregation) for yarn.nodemanager.log.retain-seconds.

import { request, type Dispatcher } from 'undici';
import { truncate, YarnError } from './errors.ts';
import type { YarnApplication } from './resource-manager.ts';

export interface JobContainer {
  /** host:port of the NodeManager's web server. */
  nodeHttpAddress: string;
  containerId: string;
}

/**
 * Where a Distributed Shell job's script ran: Sluice asks for one container, which YARN numbers
 * right after the AM's (…_000001 → …_000002) on the first attempt. The AM's log link names its
 * node and container id; the shell container is assumed on the same NM when the cluster has one
 * node, which is what amContainerLogs tells us (see the note in README's limits).
 */
export function jobContainer(app: YarnApplication): JobContainer | null {
  const m = /^https?:\/\/([^/]+)\/node\/containerlogs\/(container_[\w]+?_)(\d{6,})\//.exec(app.amContainerLogs ?? '');
  if (!m) return null;
  const next = String(Number(m[3]) + 1).padStart(m[3]!.length, '0');
  return { nodeHttpAddress: m[1]!, containerId: `${m[2]}${next}` };
}

export interface ReadLogOptions {
  dispatcher: Dispatcher;
  user: string;
  container: JobContainer;
  file: 'stdout' | 'stderr';
  /** At most this many bytes, from the end. */
  tailBytes: number;
  signal?: AbortSignal;
}

export async function readContainerLog(o: ReadLogOptions): Promise<string> {
  const url = `http://${o.container.nodeHttpAddress}/ws/v1/node/containerlogs/${o.container.containerId}/${o.file}?size=-${o.tailBytes}&user.name=${encodeURIComponent(o.user)}`;
  const step = `read ${o.file} of ${o.container.containerId}`;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { dispatcher: o.dispatcher, signal: o.signal });
  } catch (err) {
    throw new YarnError('NM_UNREACHABLE', { step, rmUrl: `http://${o.container.nodeHttpAddress}`, message: (err as Error).message, cause: err });
  }
  const text = await res.body.text();
  if (res.statusCode === 200) return text;
  throw new YarnError(res.statusCode === 404 ? 'LOG_NOT_FOUND' : 'RM_ERROR', {
    step, rmUrl: `http://${o.container.nodeHttpAddress}`, status: res.statusCode, message: `${res.statusCode}: ${truncate(text)}`,
  });
}
