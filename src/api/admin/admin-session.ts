// Bull Board logins, kept in Redis so that every API process knows every session and a restart
// logs nobody out. Redis holds only the SHA-256 of a session id: someone who can read Redis can't
// turn what they read into a cookie. The API's Redis connection is bounded, so with Redis away a
// call fails within a second or two (the caller answers 503), never hangs.

import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../../store/index.ts';

/** 32 random bytes in base64url: what a session id looks like (anything else isn't looked up). */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

export class AdminSessions {
  constructor(private readonly redis: Redis, private readonly keys: Keys, readonly ttlSeconds: number) {}

  /** A new session for the principal; the returned id goes into the cookie and nowhere else. */
  async create(principal: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.keys.adminSession(hashOf(id)), principal, 'EX', this.ttlSeconds);
    return id;
  }

  /** The principal's name, or null when the session is unknown or expired. */
  async principalOf(id: string): Promise<string | null> {
    if (!SESSION_ID.test(id)) return null;
    return this.redis.get(this.keys.adminSession(hashOf(id)));
  }

  async destroy(id: string): Promise<void> {
    if (!SESSION_ID.test(id)) return;
    await this.redis.del(this.keys.adminSession(hashOf(id)));
  }
}
