// Lua scripts that make a job's record change and its event one atomic step, so a reader never
// sees a state without its event, and a terminal job can never change again (ARCHITECTURE.md).

/**
 * create-job
 * KEYS: idempotencyKey ("" slot allowed: pass the job key twice when none), jobKey, jobIndex, events, jobEvents
 * ARGV: jobId, idempotencyValue ("" = none), ttlSeconds, maxLen, at, field, value, ...
 * → {"exists", storedValue} | {"created", eventId}
 */
export const CREATE_JOB = `
if ARGV[2] ~= '' then
  local existing = redis.call('GET', KEYS[1])
  if existing then return {'exists', existing} end
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
end
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[3], 0, ARGV[1])
local region = redis.call('HGET', KEYS[2], 'region')
local id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*',
  'type', 'job.state_changed', 'jobId', ARGV[1], 'region', region, 'from', '', 'to', 'QUEUED', 'at', ARGV[5], 'application', '')
redis.call('XADD', KEYS[5], id,
  'type', 'job.state_changed', 'jobId', ARGV[1], 'region', region, 'from', '', 'to', 'QUEUED', 'at', ARGV[5], 'application', '')
return {'created', id}
`;

/**
 * transition
 * KEYS: jobKey, events, jobEvents
 * ARGV: to ("" = keep state), allowedFrom (comma list, "" = any non-terminal), at, maxLen, applicationJson, field, value, ...
 * → {outcome, previousState, eventId}; outcome: ok | missing | terminal | conflict
 */
export const TRANSITION = `
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return {'missing', '', ''} end
if cur == 'SUCCEEDED' or cur == 'FAILED' or cur == 'KILLED' then return {'terminal', cur, ''} end
if ARGV[2] ~= '' then
  local allowed = false
  for s in string.gmatch(ARGV[2], '[^,]+') do if s == cur then allowed = true end end
  if not allowed then return {'conflict', cur, ''} end
end
local to = ARGV[1]
if to == '' then to = cur end
local fields = {'state', to, 'updatedAt', ARGV[3]}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
if to == 'SUCCEEDED' or to == 'FAILED' or to == 'KILLED' then
  fields[#fields + 1] = 'finishedAt'; fields[#fields + 1] = ARGV[3]
end
redis.call('HSET', KEYS[1], unpack(fields))
if to == cur then return {'ok', cur, ''} end
local jobId = redis.call('HGET', KEYS[1], 'id')
local region = redis.call('HGET', KEYS[1], 'region')
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*',
  'type', 'job.state_changed', 'jobId', jobId, 'region', region, 'from', cur, 'to', to, 'at', ARGV[3], 'application', ARGV[5])
redis.call('XADD', KEYS[3], id,
  'type', 'job.state_changed', 'jobId', jobId, 'region', region, 'from', cur, 'to', to, 'at', ARGV[3], 'application', ARGV[5])
-- A finished job's own stream is history: keep it a week (the global stream is trimmed by length).
if to == 'SUCCEEDED' or to == 'FAILED' or to == 'KILLED' then redis.call('EXPIRE', KEYS[3], 604800) end
return {'ok', cur, id}
`;
