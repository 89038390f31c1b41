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
