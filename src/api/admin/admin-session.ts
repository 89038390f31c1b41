// Bull Board logins, kept in Redis so that every API process knows every session and a restart
// logs nobody out. Redis holds only the SHA-256 of a session id: someone who can read Redis can't
// turn what they read into a cookie. Beside the principal's name it keeps the SHA-256 of the token
// the login was made with (never the token), so that rotating a token ends the sessions made with
// the old one. The API's Redis connection is bounded, so with Redis away a call fails within a
// second or two (the caller answers 503), never hangs.

import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../../store/index.ts';

/** 32 random bytes in base64url: what a session id looks like (anything else isn't looked up). */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

/** What Redis holds for a session (as JSON). */
export interface AdminSession {
  principal: string;
  /** SHA-256 (hex) of the token the login was made with. */
  tokenDigest: string;
}

export class AdminSessions {
  constructor(private readonly redis: Redis, private readonly keys: Keys, readonly ttlSeconds: number) {}

  /** A new session; the returned id goes into the cookie and nowhere else. */
  async create(session: AdminSession): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const value: AdminSession = { principal: session.principal, tokenDigest: session.tokenDigest };
    await this.redis.set(this.keys.adminSession(hashOf(id)), JSON.stringify(value), 'EX', this.ttlSeconds);
    return id;
  }

  /** The session, or null when it is unknown, expired, or not of this form (made before tokens were remembered). */
  async get(id: string): Promise<AdminSession | null> {
    if (!SESSION_ID.test(id)) return null;
    return parseSession(await this.redis.get(this.keys.adminSession(hashOf(id))));
  }

  async destroy(id: string): Promise<void> {
    if (!SESSION_ID.test(id)) return;
    await this.redis.del(this.keys.adminSession(hashOf(id)));
  }
}

function parseSession(raw: string | null): AdminSession | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as Partial<AdminSession> | null;
    if (typeof v?.principal === 'string' && typeof v.tokenDigest === 'string' && SHA256_HEX.test(v.tokenDigest)) {
      return { principal: v.principal, tokenDigest: v.tokenDigest };
    }
  } catch { /* not JSON: no session */ }
  return null;
}
