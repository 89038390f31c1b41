// A Lua script run by its SHA (EVALSHA), not by its body: the job-state scripts are kilobytes and
// run several times per job, so sending and hashing the body on every call was a measurable part
// of each step. ioredis's defineCommand does it: the first call on each new socket goes as EVAL
// (a restarted or failed-over Redis has an empty script cache), the rest as EVALSHA.

import type { Redis } from 'ioredis';

type ScriptCall = (numKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;

export class LuaScript {
  /** The Redis connections this script is defined on (defineCommand is per connection). */
  private readonly definedOn = new WeakSet<Redis>();

  constructor(
    /** The command name it gets on a connection: unique among Sluice's scripts. */
    readonly name: string,
    readonly lua: string,
  ) {}

  run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    this.defineOn(redis);
    return (redis as unknown as Record<string, ScriptCall>)[this.name]!(keys.length, ...keys, ...args);
  }

  private defineOn(redis: Redis): void {
    if (this.definedOn.has(redis)) return;
    redis.defineCommand(this.name, { lua: this.lua });
    this.definedOn.add(redis);
  }
}
