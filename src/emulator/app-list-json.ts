// GET /apps's body, cheap with thousands of apps: a tracker lists every live app each tick, so the
// emulator (sharing the machine with what it serves in a benchmark) must not rebuild and stringify
// 10,000 AppInfo objects per call. Each app's JSON is kept, split around elapsedTime (the one field
// that moves by itself while an app runs), and rebuilt only when something else in it changed.
// The bytes are those JSON.stringify(toAppInfo(app)) gives.

import { toAppInfo, type AppInfoContext } from './app-info.ts';
import type { EmulatedApp } from './emulated-app.ts';

/** Never a real elapsedTime (negative, fractional): marks where the live value goes. */
const MARK = -7.25;
const MARK_TEXT = `"elapsedTime":${MARK}`;

interface Rendered {
  /** Everything toAppInfo reads that can change, joined: a different key means render again. */
  key: string;
  before: string;
  after: string;
}

export class AppListJson {
  private readonly cache = new WeakMap<EmulatedApp, Rendered>();

  /** The whole body, as the route would send {apps: null} or {apps: {app: [...]}}. */
  body(apps: readonly EmulatedApp[], ctx: AppInfoContext): string {
    if (apps.length === 0) return '{"apps":null}';
    const now = Date.now();
    const parts = new Array<string>(apps.length);
    for (let i = 0; i < apps.length; i++) parts[i] = this.one(apps[i] as EmulatedApp, ctx, now);
    return `{"apps":{"app":[${parts.join(',')}]}}`;
  }

  private one(app: EmulatedApp, ctx: AppInfoContext, now: number): string {
    const key = keyOf(app, ctx);
    let r = this.cache.get(app);
    if (!r || r.key !== key) {
      const text = JSON.stringify({ ...toAppInfo(app, ctx), elapsedTime: MARK });
      const at = text.indexOf(MARK_TEXT);
      r = { key, before: text.slice(0, at), after: text.slice(at + MARK_TEXT.length) };
      this.cache.set(app, r);
    }
    return `${r.before}"elapsedTime":${(app.finishedTime || now) - app.startedTime}${r.after}`;
  }
}

function keyOf(app: EmulatedApp, ctx: AppInfoContext): string {
  let done = 0;
  for (const c of app.containers) if (c.done) done++;
  return `${app.state}|${app.stateBeforeKilling}|${app.finalStatus}|${app.progress}|${app.queue}|${app.launchTime}|${app.finishedTime}|${app.amContainerId}|${app.containers.length}|${done}|${ctx.rmUrl}|${ctx.clusterId}|${ctx.nodeHttpAddress}|${app.diagnostics}`;
}
