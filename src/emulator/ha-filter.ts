// RMWebAppFilter on a standby RM: every request except a few exempt paths is answered with a
// text/plain redirect instead of being served. Exempt: /ws/v1/cluster/info (exactly), /cluster,
// /proxy/…, /isActive, /conf, /stacks, /logLevel, /logs, /jmx, /prom.

const EXEMPT = new Set(['/ws/v1/cluster/info', '/cluster', '/conf', '/stacks', '/logLevel', '/logs', '/isActive', '/jmx', '/prom']);
const BASIC_SLEEP_S = 5;
const MAX_SLEEP_S = 5 * 60;
const ZK_STATE = 'HA Zookeeper Connection State: CONNECTED';

export interface HaAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function isExempt(path: string): boolean {
  // /ws/v1/node/ belongs to the emulated NodeManager, which a standby RM does not filter.
  return EXEMPT.has(path) || path.startsWith('/proxy/') || path.startsWith('/ws/v1/node/');
}

/**
 * The standby's answer to a non-exempt request. `pathAndQuery` is the request URL without host;
 * `selfUrl` this RM's own address; `activeUrl` the active RM's address, if one is known.
 */
export function standbyAnswer(pathAndQuery: string, selfUrl: string, activeUrl: string | null): HaAnswer {
  if (activeUrl) {
    return {
      status: 307,
      headers: { location: activeUrl.replace(/\/+$/, '') + pathAndQuery, 'content-type': 'text/plain; charset=utf-8' },
      // The real filter prints the HTML-escaped path and query, not the full URL.
      body: `This is standby RM. The redirect url is: ${escapeHtml(pathAndQuery)}\n`,
    };
  }
  // No active RM: a Refresh header back to itself, counting retries in next-refresh-interval. The
  // real RM randomises the wait (×0.5–1.5); the emulator uses the middle, 5 s then doubling.
  const url = new URL(pathAndQuery, selfUrl);
  const retryParam = url.searchParams.get('next-refresh-interval');
  const retries = retryParam === null ? 0 : Number.parseInt(retryParam.trim(), 10);
  const next = BASIC_SLEEP_S * 2 ** (Number.isNaN(retries) ? 0 : retries);
  if (Number.isNaN(retries) || next > MAX_SLEEP_S) {
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `There is no active RM right now.\n${ZK_STATE}\n` };
  }
  url.searchParams.set('next-refresh-interval', String(retries + 1));
  return {
    status: 307,
    headers: { refresh: `${next};url=${url.href}`, 'content-type': 'text/plain; charset=utf-8' },
    body: `Can not find any active RM. Will retry in next ${next} seconds.\n${ZK_STATE}\n`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
