/**
 * The Redis store's operations as Lua scripts: each is one round trip and atomic, so two replicas
 * creating sessions at once cannot pass the cap together, and a change is checked against the limits
 * and appended in one step. Every key a script writes gets a TTL: a session's hash and change list
 * expire with the session; the shared sets and counters are refreshed on use and expire when unused.
 *
 * Keys: `<prefix>s:<id>` (hash: c created, e expires, x extensions left, g generation, b bytes,
 * r replaced an expired one), `<prefix>s:<id>:log` (list of change JSON), `<prefix>r:<old id>` (the
 * session that replaced an expired one), and the shared
 * KEYS: live (zset id -> last seen), exp (zset id -> expires), stats (hash of counters).
 * Every script takes those three KEYS. Session keys are derived from ARGV, so this targets a single
 * Redis server (or a primary with replicas), not a Redis Cluster.
 */

const SHARED_TTL = `
local function keep(keysTtl)
  redis.call('PEXPIRE', KEYS[1], keysTtl) redis.call('PEXPIRE', KEYS[2], keysTtl) redis.call('PEXPIRE', KEYS[3], keysTtl)
end
`;

/**
 * ARGV: prefix, id, now, ttl, extensions, max sessions, reclaim idle ms, the expired id it replaces
 * (or ''), shared keys' ttl. Returns 1 created, 0 refused (full), or the id of the live session that
 * already replaced that expired id.
 */
export const CREATE = `${SHARED_TTL}
local prefix, id, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local max, idle, replaces, keysTtl = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9])
if replaces ~= '' then
  local prior = redis.call('GET', prefix .. 'r:' .. replaces)
  if prior then
    local e = redis.call('HGET', prefix .. 's:' .. prior, 'e')
    if e and tonumber(e) > now then return prior end
  end
end
if redis.call('ZCARD', KEYS[1]) >= max then
  local victim, why = nil, nil
  local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1)
  if gone[1] then
    victim, why = gone[1], 'expired'
  else
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if oldest[1] and tonumber(oldest[2]) <= now - idle then victim, why = oldest[1], 'reclaimed' end
  end
  if not victim then
    redis.call('HINCRBY', KEYS[3], 'refused_capacity', 1)
    keep(keysTtl)
    return 0
  end
  redis.call('ZREM', KEYS[1], victim) redis.call('ZREM', KEYS[2], victim)
  redis.call('DEL', prefix .. 's:' .. victim, prefix .. 's:' .. victim .. ':log')
  redis.call('HINCRBY', KEYS[3], why, 1)
end
local key = prefix .. 's:' .. id
local expires = now + ttl
redis.call('HSET', key, 'c', now, 'e', expires, 'x', ARGV[5], 'g', 0, 'b', 0, 'r', replaces ~= '' and 1 or 0)
redis.call('PEXPIREAT', key, expires)
if replaces ~= '' then redis.call('SET', prefix .. 'r:' .. replaces, id, 'PX', keysTtl) end
redis.call('ZADD', KEYS[1], now, id) redis.call('ZADD', KEYS[2], expires, id)
redis.call('HINCRBY', KEYS[3], 'created', 1)
keep(keysTtl)
return 1
`;

/**
 * The session (or the one that replaced it, when `id` expired) and the changes the caller lacks: all
 * of them when its copy is of another generation, else those after the `len` it has. Touches
 * last-seen at most every `touch` ms. Returns the session's own id last.
 * ARGV: prefix, id, now, known generation, known length, touch ms.
 */
export const GET = `
local prefix, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key = prefix .. 's:' .. id
local h = redis.call('HMGET', key, 'c', 'e', 'x', 'g', 'b', 'r')
if not h[1] or tonumber(h[2]) <= now then
  local to = redis.call('GET', prefix .. 'r:' .. id)
  if not to then return false end
  id = to
  ARGV[4] = 'followed' -- the caller's copy was of the expired session: send every change
  key = prefix .. 's:' .. id
  h = redis.call('HMGET', key, 'c', 'e', 'x', 'g', 'b', 'r')
  if not h[1] or tonumber(h[2]) <= now then return false end
end
local seen = redis.call('ZSCORE', KEYS[1], id)
if not seen or now - tonumber(seen) >= tonumber(ARGV[6]) then redis.call('ZADD', KEYS[1], now, id) end
local from = 0
if h[4] == ARGV[4] then from = tonumber(ARGV[5]) end
return { h[1], h[2], h[3], h[4], h[5], h[6], from, redis.call('LRANGE', key .. ':log', from, -1), id }
`;

/** ARGV: prefix, id, now, change JSON, its bytes, max changes, max bytes, kind, shared keys' ttl. Returns the new length, or -1 gone, -2 full. */
export const APPEND = `
local prefix, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key = prefix .. 's:' .. id
local h = redis.call('HMGET', key, 'e', 'b')
if not h[1] or tonumber(h[1]) <= now then return -1 end
local n = redis.call('LLEN', key .. ':log')
local bytes = tonumber(h[2] or '0') + tonumber(ARGV[5])
if n >= tonumber(ARGV[6]) or bytes > tonumber(ARGV[7]) then return -2 end
redis.call('RPUSH', key .. ':log', ARGV[4])
redis.call('PEXPIREAT', key .. ':log', tonumber(h[1]))
redis.call('HSET', key, 'b', bytes)
redis.call('HINCRBY', KEYS[3], 'writes:' .. ARGV[8], 1)
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[9]))
return n + 1
`;

/** ARGV: prefix, id, now, ttl, shared keys' ttl. Returns the new expiry, or -1 gone, -2 none left. */
export const EXTEND = `${SHARED_TTL}
local prefix, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key = prefix .. 's:' .. id
local h = redis.call('HMGET', key, 'e', 'x')
if not h[1] or tonumber(h[1]) <= now then return -1 end
if tonumber(h[2]) <= 0 then return -2 end
local expires = now + tonumber(ARGV[4])
redis.call('HSET', key, 'e', expires, 'x', tonumber(h[2]) - 1)
redis.call('PEXPIREAT', key, expires)
if redis.call('EXISTS', key .. ':log') == 1 then redis.call('PEXPIREAT', key .. ':log', expires) end
redis.call('ZADD', KEYS[2], expires, id)
redis.call('HINCRBY', KEYS[3], 'extended', 1)
keep(tonumber(ARGV[5]))
return expires
`;

/** ARGV: prefix, id, now. Returns 1, or 0 when the session is gone. */
export const RESET = `
local key = ARGV[1] .. 's:' .. ARGV[2]
local e = redis.call('HGET', key, 'e')
if not e or tonumber(e) <= tonumber(ARGV[3]) then return 0 end
redis.call('DEL', key .. ':log')
redis.call('HINCRBY', key, 'g', 1)
redis.call('HSET', key, 'b', 0)
redis.call('HINCRBY', KEYS[3], 'reset', 1)
return 1
`;

/** ARGV: prefix, id. Returns 1 when a session was ended. */
export const END = `
local key = ARGV[1] .. 's:' .. ARGV[2]
local existed = redis.call('DEL', key, key .. ':log')
redis.call('ZREM', KEYS[1], ARGV[2]) redis.call('ZREM', KEYS[2], ARGV[2])
if existed > 0 then redis.call('HINCRBY', KEYS[3], 'ended', 1) return 1 end
return 0
`;

/** Removes up to ARGV[3] expired sessions from the sets (their keys expired by TTL). ARGV: prefix, now, batch. */
export const SWEEP = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(gone) do
  redis.call('ZREM', KEYS[1], id) redis.call('ZREM', KEYS[2], id)
  redis.call('DEL', ARGV[1] .. 's:' .. id, ARGV[1] .. 's:' .. id .. ':log')
end
if #gone > 0 then redis.call('HINCRBY', KEYS[3], 'expired', #gone) end
return #gone
`;
