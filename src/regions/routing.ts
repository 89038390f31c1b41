// One undici dispatcher per region: every outbound call of that region's worker goes through it
// (ResourceManager, staging, checks). Today it carries the region's timeouts; proxy, source address,
// host overrides, CA and the egress allow-list join it here, in one place.

import { Agent, type Dispatcher } from 'undici';
import type { Region } from './region-schema.ts';

export function buildRegionDispatcher(region: Region): Dispatcher {
  const { connectTimeoutMs, requestTimeoutMs } = region.network;
  return new Agent({
    connect: { timeout: connectTimeoutMs },
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    connections: 16,
  });
}
