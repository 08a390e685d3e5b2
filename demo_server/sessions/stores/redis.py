"""Sessions in Redis: one store shared by every app process (lesson 07).

The rules (hashed IDs, expiry on the app's clock, sliding renewal) are the
base class's; this module only keeps records in Redis, under a key prefix:

    {prefix}session:{id_hash}   a hash: user, created_at, last_seen, expires_at, device, data (JSON), seq, version
    {prefix}order               sorted set of id_hashes by seq (the order they were added)
    {prefix}user:{user_id}      sorted set of one user's id_hashes by seq
    {prefix}expiry              sorted set of id_hashes by expires_at (for the sweep)
    {prefix}seq                 the counter behind seq

Every write is one Lua script, which Redis runs with nothing else in
between, so a record and its indexes never disagree. A read-modify-write
(``update``) is optimistic: read the record, compute the change here, then
write it with a script that checks the record's ``version`` is still the one
that was read; if another process got there first, read again and retry.
That costs two round trips, the same as a plain GET + SET, and no concurrent
change is ever lost. So a ``change`` function may run more than once: it
must only compute the new record (the base class's changes do). ``touch``,
which every authenticated request makes, is one script: one round trip.

Expiry is judged on the app's injected clock, like every store, not with
Redis TTLs (those follow the real time, which a lesson's ManualClock does not).
The scripts build some key names themselves, so this needs one Redis server
(or a primary with replicas), not Redis Cluster.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable

from demo_server.sessions.stores.base import Clock, ExpiryPolicy, Session, SessionStore

if TYPE_CHECKING:
    import redis  # the client is given; this module never calls the library itself

DEFAULT_PREFIX = "sessions-live:"
# Each conflict means another writer succeeded, so this bound is only reached under a storm no demo makes.
MAX_ATTEMPTS = 1000
SWEEP_BATCH = 500

# KEYS: session, order, expiry, seq, user index (absent for an anonymous session).
# ARGV: id_hash, expires_at, then field, value pairs.
_ADD = """
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'seq', seq, 'version', 1, unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if KEYS[5] then redis.call('ZADD', KEYS[5], seq, ARGV[1]) end
return seq
"""

# Write a new version only if the record is still the version that was read.
# KEYS: session, order, expiry. ARGV: prefix, id_hash, version read, "delete" or "write",
# expires_at, new user ("" for anonymous), then the field, value pairs to set.
_CHANGE = """
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[3] then return 0 end
local old_user = redis.call('HGET', KEYS[1], 'user')
if ARGV[4] == 'delete' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
  if old_user then redis.call('ZREM', ARGV[1] .. 'user:' .. old_user, ARGV[2]) end
  return 1
end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
local new_user = ARGV[6]
if (old_user or '') ~= new_user then
  local seq = redis.call('HGET', KEYS[1], 'seq')
  if old_user then redis.call('ZREM', ARGV[1] .. 'user:' .. old_user, ARGV[2]) end
  if new_user ~= '' then
    redis.call('HSET', KEYS[1], 'user', new_user)
    redis.call('ZADD', ARGV[1] .. 'user:' .. new_user, seq, ARGV[2])
  else
    redis.call('HDEL', KEYS[1], 'user')
  end
end
return 1
"""

# touch() in one round trip: renew a live session, delete an expired one, return the record.
# The renewal rule is ExpiryPolicy.expires_at, min(now + idle, created_at + absolute), with the
# policy's numbers passed in; %.17g writes a double exactly (Lua's tostring keeps only 14 digits).
# KEYS: session, order, expiry. ARGV: prefix, id_hash, now, idle, absolute. Returns the record as JSON.
_TOUCH = """
local created_at = redis.call('HGET', KEYS[1], 'created_at')
if not created_at then return false end
-- A rotate() marker is no session: it renews nothing and lets nobody in (it expires on its own).
if redis.call('HGET', KEYS[1], 'rotated') == '1' then return false end
local now = tonumber(ARGV[3])
if now >= tonumber(redis.call('HGET', KEYS[1], 'expires_at')) then
  local user = redis.call('HGET', KEYS[1], 'user')
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
  if user then redis.call('ZREM', ARGV[1] .. 'user:' .. user, ARGV[2]) end
  return false
end
local expires_at = string.format('%.17g', math.min(now + tonumber(ARGV[4]), tonumber(created_at) + tonumber(ARGV[5])))
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'last_seen', ARGV[3], 'expires_at', expires_at)
redis.call('ZADD', KEYS[3], expires_at, ARGV[2])
local fields = redis.call('HGETALL', KEYS[1])
local record = {}
for i = 1, #fields, 2 do record[fields[i]] = fields[i + 1] end
return cjson.encode(record)  -- one string to parse instead of eighteen (every value is a string: nothing is rounded)
"""

# KEYS: session, order, expiry. ARGV: prefix, id_hash.
_REMOVE = """
local user = redis.call('HGET', KEYS[1], 'user')
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
if user then redis.call('ZREM', ARGV[1] .. 'user:' .. user, ARGV[2]) end
return 1
"""

# KEYS: order, expiry. ARGV: prefix, now, batch size. Returns how many went.
_REMOVE_EXPIRED = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id_hash in ipairs(expired) do
  local key = ARGV[1] .. 'session:' .. id_hash
  local user = redis.call('HGET', key, 'user')
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], id_hash)
  redis.call('ZREM', KEYS[2], id_hash)
  if user then redis.call('ZREM', ARGV[1] .. 'user:' .. user, id_hash) end
end
return #expired
"""


class StoreContention(RuntimeError):
    """A record changed under us MAX_ATTEMPTS times in a row."""


class RedisSessionStore(SessionStore):
    def __init__(
        self, clock: Clock, policy: ExpiryPolicy | None = None, *, client: redis.Redis, prefix: str = DEFAULT_PREFIX
    ) -> None:
        """``client``: a redis.Redis made with ``decode_responses=True`` (the store does not close it)."""
        super().__init__(clock, policy)
        self.client = client
        self.prefix = prefix
        self._order_key = prefix + "order"
        self._expiry_key = prefix + "expiry"
        self._seq_key = prefix + "seq"
        self._add_script = client.register_script(_ADD)
        self._change_script = client.register_script(_CHANGE)
        self._remove_script = client.register_script(_REMOVE)
        self._touch_script = client.register_script(_TOUCH)
        self._remove_expired_script = client.register_script(_REMOVE_EXPIRED)

    def touch(self, session_id: str) -> Session | None:
        """The base class's touch (renew unless expired, delete if expired) in one round trip
        instead of two: it runs on every authenticated request, so its cost is the store's cost."""
        id_hash = self._hash_of(session_id)
        if id_hash is None:
            return None
        keys = [self._key(id_hash), self._order_key, self._expiry_key]
        now, policy = self.clock.now(), self.policy
        args = [self.prefix, id_hash, repr(now), repr(policy.idle_timeout), repr(policy.absolute_timeout)]
        found = self._touch_script(keys=keys, args=args)
        return _record(id_hash, json.loads(found)) if found else None

    def _add(self, record: Session) -> None:
        keys = [self._key(record.id_hash), self._order_key, self._expiry_key, self._seq_key]
        if record.user_id is not None:
            keys.append(self._user_key(record.user_id))
        self._add_script(keys=keys, args=[record.id_hash, repr(record.expires_at), *_field_pairs(record)])

    def _find(self, id_hash: str) -> Session | None:
        return _record(id_hash, self.client.hgetall(self._key(id_hash)))

    def _change(self, id_hash: str, change: Callable[[Session], Session | None]) -> Session | None:
        key = self._key(id_hash)
        for _ in range(MAX_ATTEMPTS):
            fields = self.client.hgetall(key)
            record = _record(id_hash, fields)
            if record is None:
                return None
            new = change(record)
            if new is None:
                args = [self.prefix, id_hash, fields["version"], "delete", "", ""]
            else:
                user = new.user_id if new.user_id is not None else ""
                args = [self.prefix, id_hash, fields["version"], "write", repr(new.expires_at), user]
                args += _field_pairs(new, with_user=False)
            if self._change_script(keys=[key, self._order_key, self._expiry_key], args=args):
                return new
            # Another request changed the record between our read and our write: start again from it.
        raise StoreContention(f"session changed {MAX_ATTEMPTS} times while we tried to update it")

    def _remove(self, id_hash: str) -> bool:
        keys = [self._key(id_hash), self._order_key, self._expiry_key]
        return bool(self._remove_script(keys=keys, args=[self.prefix, id_hash]))

    def _for_user(self, user_id: str) -> list[Session]:
        return self._records(self.client.zrange(self._user_key(user_id), 0, -1))

    def _all(self) -> list[Session]:
        return self._records(self.client.zrange(self._order_key, 0, -1))

    def _remove_expired(self, now: float) -> int:
        removed = 0
        while True:
            batch = self._remove_expired_script(
                keys=[self._order_key, self._expiry_key], args=[self.prefix, repr(now), SWEEP_BATCH]
            )
            removed += batch
            if batch < SWEEP_BATCH:
                return removed

    def _records(self, id_hashes: list[str]) -> list[Session]:
        # One round trip for all of them; a record deleted meanwhile is simply skipped.
        with self.client.pipeline(transaction=False) as pipe:
            for id_hash in id_hashes:
                pipe.hgetall(self._key(id_hash))
            found = pipe.execute()
        records = (_record(id_hash, fields) for id_hash, fields in zip(id_hashes, found, strict=True))
        return [record for record in records if record is not None]

    def _key(self, id_hash: str) -> str:
        return f"{self.prefix}session:{id_hash}"

    def _user_key(self, user_id: str) -> str:
        return f"{self.prefix}user:{user_id}"


def _field_pairs(record: Session, *, with_user: bool = True) -> list[str]:
    pairs = [
        "created_at",
        repr(record.created_at),
        "last_seen",
        repr(record.last_seen),
        "expires_at",
        repr(record.expires_at),
        "device",
        record.device,
        "data",
        json.dumps(record.data, separators=(",", ":")),
        "rotated",
        "1" if record.rotated else "0",
    ]
    if with_user and record.user_id is not None:
        pairs += ["user", record.user_id]
    return pairs


def _record(id_hash: str, fields: dict[str, str]) -> Session | None:
    if not fields or "version" not in fields:
        return None
    return Session(
        id_hash=id_hash,
        user_id=fields.get("user"),
        created_at=float(fields["created_at"]),
        last_seen=float(fields["last_seen"]),
        expires_at=float(fields["expires_at"]),
        device=fields["device"],
        data=json.loads(fields["data"]),
        rotated=fields.get("rotated") == "1",
    )
