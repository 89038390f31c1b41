// Lua scripts that make a job's record change and its event one atomic step, so a reader never
// sees a state without its event, a terminal job can never change again, and no writer can make
// a move that src/jobs/job-state.ts's JOB_TRANSITIONS does not allow (ARCHITECTURE.md).

import { JOB_TRANSITIONS, TERMINAL_STATES } from '../jobs/index.ts';
import { ADOPTION_FIELD_SEPARATOR } from './adoption-fields.ts';

/** The transition table as a Lua table literal: ALLOWED[from][to] = true. */
const luaAllowed = `local ALLOWED = {${Object.entries(JOB_TRANSITIONS)
  .map(([from, tos]) => `${from} = {${tos.map((to) => `${to} = true`).join(', ')}}`)
  .join(', ')}}`;
const luaTerminal = `local TERMINAL = {${TERMINAL_STATES.map((s) => `${s} = true`).join(', ')}}`;

/**
 * create-job
 * KEYS: idempotencyKey (the job key again when none), jobKey, jobIndex, events, jobEvents, pending(region),
 *       finished(region), adoption(region, today)
 * ARGV: jobId, idempotencyValue ("" = none), ttlSeconds, maxLen, at, atMs, initialState, adoptionField
 *       ("" = none), retentionSeconds, adoptionTtlSeconds, field, value, ...
 * → {"exists", storedValue} | {"created", eventId}
 *
 * A job starts QUEUED (pending until tracked or ended), or SHADOWED: terminal from the start, so it
 * is finished (for retention) and counted in the migration view in the same step. It records its
 * creation on Redis's clock (redisCreatedMs), which the submit step compares with its connection's
 * last reconnect (src/store/write-loss-watch.ts).
 */
export const CREATE_JOB = `
if ARGV[2] ~= '' then
  local existing = redis.call('GET', KEYS[1])
  if existing then return {'exists', existing} end
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
end
local fields = {}
for i = 11, #ARGV do fields[#fields + 1] = ARGV[i] end
-- Redis's own clock: the submit step compares it with when its connection last (re)connected.
local t = redis.call('TIME')
fields[#fields + 1] = 'redisCreatedMs'
fields[#fields + 1] = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[3], 0, ARGV[1])
local state = ARGV[7]
if state == 'QUEUED' then
  redis.call('ZADD', KEYS[6], tonumber(ARGV[6]), ARGV[1])
else
  redis.call('ZADD', KEYS[7], tonumber(ARGV[6]), ARGV[1])
end
local region = redis.call('HGET', KEYS[2], 'region')
local id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*',
  'type', 'job.state_changed', 'jobId', ARGV[1], 'region', region, 'from', '', 'to', state, 'at', ARGV[5], 'application', '')
redis.call('XADD', KEYS[5], id,
  'type', 'job.state_changed', 'jobId', ARGV[1], 'region', region, 'from', '', 'to', state, 'at', ARGV[5], 'application', '')
if state ~= 'QUEUED' then redis.call('EXPIRE', KEYS[5], tonumber(ARGV[9])) end
if ARGV[8] ~= '' then
  redis.call('HINCRBY', KEYS[8], ARGV[8], 1)
  redis.call('EXPIRE', KEYS[8], tonumber(ARGV[10]))
end
return {'created', id}
`;

/**
 * transition
 * KEYS: jobKey, events, jobEvents, tracked(region), appJobs(region), finished(region), pending(region), reconcile(region),
 *       adoption(region, today)
 * ARGV: to ("" = keep state), allowedFrom (comma list, "" = any), at, maxLen, applicationJson,
 *       atMs, retentionSeconds, trackAppId ("" = none), trackScore, countAdoption ("1" | "0"),
 *       adoptionTtlSeconds, field, value, ...
 * → {outcome, previousState, eventId[, kind, createdAt]}; outcome: ok | missing | terminal | conflict;
 *   kind and createdAt come with an event (the state changed), for the caller's job metrics
 *
 * Tracking goes with the state: trackAppId adds the application to the region's tracked set in
 * the same step (ACCEPTED and tracked are never apart), and a terminal move removes the job's
 * application from it, records the finish time for retention, expires the job's own stream and
 * counts the end in the migration view (by state, team and DAG: a job ends once, so it counts once).
 */
export const TRANSITION = `
${luaAllowed}
${luaTerminal}
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return {'missing', '', ''} end
if TERMINAL[cur] then return {'terminal', cur, ''} end
if ARGV[2] ~= '' then
  local listed = false
  for s in string.gmatch(ARGV[2], '[^,]+') do if s == cur then listed = true end end
  if not listed then return {'conflict', cur, ''} end
end
local to = ARGV[1]
if to == '' then to = cur end
if to ~= cur and not (ALLOWED[cur] and ALLOWED[cur][to]) then return {'conflict', cur, ''} end
local fields = {'state', to, 'updatedAt', ARGV[3]}
for i = 12, #ARGV do fields[#fields + 1] = ARGV[i] end
if TERMINAL[to] then
  fields[#fields + 1] = 'finishedAt'; fields[#fields + 1] = ARGV[3]
end
redis.call('HSET', KEYS[1], unpack(fields))
local jobId = redis.call('HGET', KEYS[1], 'id')
-- Pending: recorded, not yet tracked on YARN, not ended. Reconciliation settles what stays too long.
if TERMINAL[to] or ARGV[8] ~= '' then redis.call('ZREM', KEYS[7], jobId) end
if TERMINAL[to] then
  local appId = redis.call('HGET', KEYS[1], 'applicationId')
  for _, a in ipairs({appId, ARGV[8]}) do
    if a and a ~= '' then
      redis.call('ZREM', KEYS[4], a)
      redis.call('HDEL', KEYS[5], a)
    end
  end
  redis.call('ZREM', KEYS[8], jobId)
  redis.call('ZADD', KEYS[6], tonumber(ARGV[6]), jobId)
  if ARGV[10] == '1' then
    local raw = redis.call('HGET', KEYS[1], 'labels')
    local labels = {}
    if raw and raw ~= '' then labels = cjson.decode(raw) end
    local team, dag = labels['team'], labels['dag']
    if type(team) ~= 'string' then team = '' end
    if type(dag) ~= 'string' then dag = '' end
    redis.call('HINCRBY', KEYS[9], to .. '${ADOPTION_FIELD_SEPARATOR}' .. team .. '${ADOPTION_FIELD_SEPARATOR}' .. dag, 1)
    redis.call('EXPIRE', KEYS[9], tonumber(ARGV[11]))
  end
elseif ARGV[8] ~= '' then
  redis.call('ZADD', KEYS[4], tonumber(ARGV[9]), ARGV[8])
  redis.call('HSET', KEYS[5], ARGV[8], jobId)
end
if to == cur then return {'ok', cur, ''} end
local region = redis.call('HGET', KEYS[1], 'region')
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*',
  'type', 'job.state_changed', 'jobId', jobId, 'region', region, 'from', cur, 'to', to, 'at', ARGV[3], 'application', ARGV[5])
redis.call('XADD', KEYS[3], id,
  'type', 'job.state_changed', 'jobId', jobId, 'region', region, 'from', cur, 'to', to, 'at', ARGV[3], 'application', ARGV[5])
-- A finished job's own stream is history, kept as long as its record.
if TERMINAL[to] then redis.call('EXPIRE', KEYS[3], tonumber(ARGV[7])) end
-- Kind and creation time: for the caller's job metrics (counts and durations per kind).
local info = redis.call('HMGET', KEYS[1], 'kind', 'createdAt')
return {'ok', cur, id, info[1] or '', info[2] or ''}
`;

/**
 * take-for-submit: the submit step's first move, in one round trip: reads the job and moves it on
 * as far as the caller says it may go, with an event per state change.
 * KEYS: jobKey, events, jobEvents
 * ARGV: at, maxLen, until ("SUBMITTING": every check passes, so QUEUED or PREFLIGHT go on to
 *       SUBMITTING now; "PREFLIGHT": QUEUED goes to PREFLIGHT only; "": read, move nothing)
 * → {previousState, state, {field, value, ...}}; {"", "", {}} when there is no such job
 *
 * Each move is one the transition table allows (QUEUED → PREFLIGHT → SUBMITTING); a job in any
 * other state (SUBMITTING again after a crash, CANCELLING, ended) is only read.
 */
export const TAKE_FOR_SUBMIT = `
${luaAllowed}
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return {'', '', {}} end
local path = {}
if ARGV[3] ~= '' and cur == 'QUEUED' then path[#path + 1] = 'PREFLIGHT' end
if ARGV[3] == 'SUBMITTING' and (cur == 'QUEUED' or cur == 'PREFLIGHT') then path[#path + 1] = 'SUBMITTING' end
local state = cur
if #path > 0 then
  local jobId = redis.call('HGET', KEYS[1], 'id')
  local region = redis.call('HGET', KEYS[1], 'region')
  for _, to in ipairs(path) do
    if not (ALLOWED[state] and ALLOWED[state][to]) then break end
    local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
      'type', 'job.state_changed', 'jobId', jobId, 'region', region, 'from', state, 'to', to, 'at', ARGV[1], 'application', '')
    redis.call('XADD', KEYS[3], id,
      'type', 'job.state_changed', 'jobId', jobId, 'region', region, 'from', state, 'to', to, 'at', ARGV[1], 'application', '')
    state = to
  end
  redis.call('HSET', KEYS[1], 'state', state, 'updatedAt', ARGV[1])
end
return {cur, state, redis.call('HGETALL', KEYS[1])}
`;

/**
 * reserve-application-id: exactly-once step 2, the id stored only if none is (HSETNX), as one
 * command. KEYS: jobKey  ARGV: applicationId → the id stored (this one, or the one already there)
 */
export const RESERVE_APPLICATION_ID = `
redis.call('HSETNX', KEYS[1], 'applicationId', ARGV[1])
return redis.call('HGET', KEYS[1], 'applicationId')
`;

/**
 * forget-idempotency-key: drops a key only while it still holds the value read (compare-and-delete),
 * used when the job it names is gone: a key never answers for a deleted job.
 * KEYS: idempotencyKey  ARGV: expectedValue → 1 | 0
 */
export const FORGET_IDEMPOTENCY_KEY = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * sweep-job: deletes one finished job and everything that names it, once it is past retention.
 * KEYS: jobKey, jobEvents, jobIndex, finished(region), idempotencyKey (the job key again when none)
 * ARGV: jobId, cutoffMs
 * → 1 deleted | 0 not due (or already gone)
 */
export const SWEEP_JOB = `
local score = redis.call('ZSCORE', KEYS[4], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
if KEYS[5] ~= KEYS[1] then
  local v = redis.call('GET', KEYS[5])
  -- The key may have been reused for a newer job since: delete it only if it still names this one.
  if v and string.match(v, '^(%S+)') == ARGV[1] then redis.call('DEL', KEYS[5]) end
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
`;
