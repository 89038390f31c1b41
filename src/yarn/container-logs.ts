// A job's container logs, read from the NodeManager that ran it (NMWebServices:
// GET /ws/v1/node/containerlogs/{containerid}/{filename}). Without log aggregation the NM keeps
// them on its disk after the app ends (yarn.nodemanager.log.retain-seconds).

import { request, type Dispatcher } from 'undici';
import { truncate, YarnError } from './errors.ts';
import type { YarnApplication } from './resource-manager.ts';

export interface JobContainer {
  /** host:port of the NodeManager's web server. */
  nodeHttpAddress: string;
  containerId: string;
}

export interface NodeAccess {
  dispatcher: Dispatcher;
  user: string;
  signal?: AbortSignal;
}

const AM_LOG_LINK = /^https?:\/\/([^/]+)\/node\/containerlogs\/(container_[\w]+?_)(\d{6,})\//;

/**
 * Where a Distributed Shell job's script runs. The DS AM logs every launch ("Launching shell
 * command on a new container., containerId=…, containerNodeURI=host:port"), so its stderr names
 * the job's container and node. Guessing "the AM's id + 1" is wrong after an RM restart (the
 * container ids gain an epoch), so the guess is only the fallback. null: no AM container yet.
 */
export async function findJobContainer(app: YarnApplication, access: NodeAccess): Promise<JobContainer | null> {
  const link = amLink(app);
  if (!link) return null;
  const am: JobContainer = { nodeHttpAddress: link.node, containerId: `${link.prefix}${link.seq}` };
  const amLog = await readContainerLog({ ...access, container: am, file: 'AppMaster.stderr', tailBytes: 1024 * 1024 }).catch(() => '');
  const launch = /Launching shell command on a new container\., containerId=(container_\w+)(?:.*?containerNodeURI=([^,\s]+))?/.exec(amLog);
  if (launch) return { containerId: launch[1]!, nodeHttpAddress: launch[2] ?? am.nodeHttpAddress };
  const next = String(Number(link.seq) + 1).padStart(link.seq.length, '0');
  return { nodeHttpAddress: am.nodeHttpAddress, containerId: `${link.prefix}${next}` };
}

/**
 * An application's AM container (from its amContainerLogs link), or null before it has one: for a
 * job's child, where its own output is (a cluster-mode Spark driver runs in its AM container).
 */
export function amContainerOf(app: YarnApplication): JobContainer | null {
  const link = amLink(app);
  return link ? { nodeHttpAddress: link.node, containerId: `${link.prefix}${link.seq}` } : null;
}

/** The AM container's node and id (its prefix and sequence number) from the app's log link. */
function amLink(app: YarnApplication): { node: string; prefix: string; seq: string } | null {
  const m = AM_LOG_LINK.exec(app.amContainerLogs ?? '');
  return m ? { node: m[1]!, prefix: m[2]!, seq: m[3]! } : null;
}

export interface ReadLogOptions extends NodeAccess {
  container: JobContainer;
  file: string;
  /** At most this many bytes, from the end. */
  tailBytes: number;
}

export async function readContainerLog(o: ReadLogOptions): Promise<string> {
  const url = `http://${o.container.nodeHttpAddress}/ws/v1/node/containerlogs/${o.container.containerId}/${encodeURIComponent(o.file)}?size=-${o.tailBytes}&user.name=${encodeURIComponent(o.user)}`;
  const step = `read ${o.file} of ${o.container.containerId}`;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { dispatcher: o.dispatcher, signal: o.signal });
  } catch (err) {
    throw new YarnError('NM_UNREACHABLE', { step, rmUrl: `http://${o.container.nodeHttpAddress}`, message: (err as Error).message, cause: err });
  }
  const text = await res.body.text();
  if (res.statusCode === 200) return unwrapNodeManagerLog(text, o.file);
  throw new YarnError(res.statusCode === 404 ? 'LOG_NOT_FOUND' : 'RM_ERROR', {
    step, rmUrl: `http://${o.container.nodeHttpAddress}`, status: res.statusCode, message: `${res.statusCode}: ${truncate(text)}`,
  });
}

/**
 * The NM wraps a log file in a header ("Container: … LogType:… LogLength:… LogContents:") and a
 * trailer ("End of LogType:<file>." and a row of stars): return only the file's bytes.
 */
export function unwrapNodeManagerLog(body: string, file: string): string {
  const start = body.indexOf('\nLogContents:\n');
  const end = body.lastIndexOf(`End of LogType:${file}.`);
  if (start < 0 || end < start) return body;
  return body.slice(start + '\nLogContents:\n'.length, end);
}
