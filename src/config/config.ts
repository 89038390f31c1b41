// Service configuration: config/default.json, then config/<env>.json, then environment variables
// (convict gives env precedence over files). Validated once, then frozen (compiled options).

import convict from 'convict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TokenGrant {
  token: string;
  principal: string;
  /** Region names, or "*" for all. */
  regions: string[];
  admin: boolean;
}

// Tokens arrive as JSON (one env variable) and are checked before anything starts.
convict.addFormat({
  name: 'tokens',
  coerce: (v: string) => JSON.parse(v) as unknown,
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be an array of {token, principal, regions, admin}');
    value.forEach((t, i) => {
      if (typeof t?.token !== 'string' || t.token.length < 8) throw new Error(`[${i}].token must be a string of at least 8 characters`);
      if (typeof t.principal !== 'string' || !t.principal) throw new Error(`[${i}].principal must be a non-empty string`);
      if (!Array.isArray(t.regions) || !t.regions.every((r: unknown) => typeof r === 'string')) throw new Error(`[${i}].regions must be an array of region names or "*"`);
    });
  },
});

// An interval or a period of 0 would be a hot loop or an instant expiry: at least 1.
convict.addFormat({
  name: 'positive',
  coerce: (v: string) => Number(v),
  validate(value: unknown) {
    if (!Number.isInteger(value) || (value as number) < 1) throw new Error('must be an integer ≥ 1');
  },
});

const schema = {
  env: { doc: 'Environment: selects config/<env>.json', format: ['development', 'test', 'production'], default: 'development', env: 'NODE_ENV' },
  redis: {
    url: { doc: 'Redis URL', format: String, default: 'redis://127.0.0.1:6379', env: 'SLUICE_REDIS_URL', sensitive: true },
    namespace: { doc: 'Prefix of every Redis key (several deployments or test runs can share a Redis)', format: String, default: 'sluice', env: 'SLUICE_NAMESPACE' },
  },
  http: {
    host: { doc: 'API listen host', format: String, default: '127.0.0.1', env: 'SLUICE_HTTP_HOST' },
    port: { doc: 'API listen port', format: 'port', default: 8080, env: 'SLUICE_HTTP_PORT' },
    bodyLimitBytes: { doc: 'Largest request body; above it: 413', format: 'nat', default: 4 * 1024 * 1024, env: 'SLUICE_HTTP_BODY_LIMIT_BYTES' },
    maxEventStreams: { doc: 'Most event streams (SSE) one API process serves at once; beyond it: 429', format: 'nat', default: 1000, env: 'SLUICE_HTTP_MAX_EVENT_STREAMS' },
  },
  auth: {
    tokens: {
      doc: 'Bearer tokens: [{token, principal, regions: ["*"|name...], admin}] (JSON in env)',
      format: 'tokens',
      default: [] as TokenGrant[],
      env: 'SLUICE_TOKENS',
      sensitive: true,
    },
  },
  log: {
    level: { doc: 'pino log level', format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', env: 'SLUICE_LOG_LEVEL' },
  },
  regions: {
    dir: { doc: 'Directory of region files', format: String, default: 'regions', env: 'SLUICE_REGIONS_DIR' },
  },
  idempotency: {
    ttlSeconds: { doc: 'How long an Idempotency-Key is remembered', format: 'nat', default: 7 * 24 * 3600, env: 'SLUICE_IDEMPOTENCY_TTL_SECONDS' },
  },
  events: {
    maxLength: { doc: 'Approximate number of events kept in the global stream', format: 'nat', default: 100000, env: 'SLUICE_EVENTS_MAX_LENGTH' },
  },
  retention: {
    days: { doc: 'How long a finished job (record, index entry, events, idempotency key) is kept after it ends', format: 'positive', default: 30, env: 'SLUICE_RETENTION_DAYS' },
    sweepIntervalSeconds: { doc: "How often each region's worker deletes what is past retention", format: 'positive', default: 300, env: 'SLUICE_RETENTION_SWEEP_INTERVAL_SECONDS' },
  },
  admin: {
    boardActions: { doc: 'Bull Board at /admin/queues lets admins retry, clean and promote jobs (default: read-only)', format: Boolean, default: false, env: 'SLUICE_ADMIN_BOARD_ACTIONS' },
    sessionTtlSeconds: { doc: 'How long a Bull Board login (its session cookie) lasts', format: 'positive', default: 8 * 3600, env: 'SLUICE_ADMIN_SESSION_TTL_SECONDS' },
  },
  metrics: {
    enabled: { doc: 'Serve Prometheus metrics on a listener of their own (the API and each worker)', format: Boolean, default: true, env: 'SLUICE_METRICS_ENABLED' },
    host: { doc: 'Metrics listener host: keep it on a private address (it is not the public API)', format: String, default: '127.0.0.1', env: 'SLUICE_METRICS_HOST' },
    port: { doc: 'Metrics listener port (0: any free port, logged); each process on one host needs its own', format: 'port', default: 9464, env: 'SLUICE_METRICS_PORT' },
    token: { doc: 'When set, a scrape must send Authorization: Bearer <token>', format: String, default: '', env: 'SLUICE_METRICS_TOKEN', sensitive: true },
  },
  webhooks: {
    enabled: { doc: 'This API process fans events out to webhook subscriptions and delivers them', format: Boolean, default: true, env: 'SLUICE_WEBHOOKS_ENABLED' },
    retryWindowSeconds: { doc: 'How long a delivery is retried (exponential backoff) before it is given up', format: 'positive', default: 24 * 3600, env: 'SLUICE_WEBHOOKS_RETRY_WINDOW_SECONDS' },
    backoffBaseMs: { doc: 'First retry delay; each next one doubles, up to backoffMaxMs', format: 'positive', default: 5000, env: 'SLUICE_WEBHOOKS_BACKOFF_BASE_MS' },
    backoffMaxMs: { doc: 'Longest delay between two attempts', format: 'positive', default: 3600 * 1000, env: 'SLUICE_WEBHOOKS_BACKOFF_MAX_MS' },
    timeoutMs: { doc: 'One attempt: connect, send and answer within this', format: 'positive', default: 10_000, env: 'SLUICE_WEBHOOKS_TIMEOUT_MS' },
    disableAfterFailures: { doc: 'Consecutive failed attempts after which a subscription is disabled (once they have also lasted disableAfterSeconds)', format: 'positive', default: 20, env: 'SLUICE_WEBHOOKS_DISABLE_AFTER_FAILURES' },
    disableAfterSeconds: { doc: "How long a subscription's attempts must have kept failing (with no success) before it is disabled: a short outage never disables it", format: 'nat', default: 3600, env: 'SLUICE_WEBHOOKS_DISABLE_AFTER_SECONDS' },
    allowedNetworks: { doc: 'CIDRs a webhook URL may reach although private, loopback or link-local (SSRF guard), e.g. 10.0.0.0/8', format: Array, default: [] as string[], env: 'SLUICE_WEBHOOKS_ALLOWED_NETWORKS' },
    concurrency: { doc: 'Deliveries in flight at once per API process', format: 'positive', default: 16, env: 'SLUICE_WEBHOOKS_CONCURRENCY' },
  },
  reconcile: {
    intervalSeconds: { doc: "How often each region's worker reconciles YARN's Sluice-tagged applications with the job records", format: 'positive', default: 30, env: 'SLUICE_RECONCILE_INTERVAL_SECONDS' },
    graceSeconds: { doc: 'How long a stray application (its job ended or unknown) may run before reconciliation kills it', format: 'nat', default: 60, env: 'SLUICE_RECONCILE_GRACE_SECONDS' },
  },
};

export interface SluiceConfig {
  env: 'development' | 'test' | 'production';
  redis: { url: string; namespace: string };
  http: { host: string; port: number; bodyLimitBytes: number; maxEventStreams: number };
  auth: { tokens: TokenGrant[] };
  log: { level: string };
  regions: { dir: string };
  idempotency: { ttlSeconds: number };
  events: { maxLength: number };
  retention: { days: number; sweepIntervalSeconds: number };
  reconcile: { intervalSeconds: number; graceSeconds: number };
  admin: { boardActions: boolean; sessionTtlSeconds: number };
  metrics: { enabled: boolean; host: string; port: number; token: string };
  webhooks: {
    enabled: boolean;
    retryWindowSeconds: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    timeoutMs: number;
    disableAfterFailures: number;
    disableAfterSeconds: number;
    allowedNetworks: string[];
    concurrency: number;
  };
}

export function loadConfig(opts: { configDir?: string; env?: NodeJS.ProcessEnv } = {}): SluiceConfig {
  const configDir = opts.configDir ?? resolve('config');
  const conf = convict(schema as never, { env: opts.env ?? process.env });
  const defaults = join(configDir, 'default.json');
  if (existsSync(defaults)) conf.loadFile(defaults);
  const envFile = join(configDir, `${conf.get('env' as never)}.json`);
  if (existsSync(envFile)) conf.loadFile(envFile);
  conf.validate({ allowed: 'strict' });
  const config = conf.getProperties() as SluiceConfig;
  config.auth.tokens = config.auth.tokens.map((t) => ({ ...t, admin: t.admin === true }));
  config.regions.dir = resolve(config.regions.dir);
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
