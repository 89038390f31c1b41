// Every process the chaos run starts goes through here, so all of them are stopped at the end, on
// Ctrl-C (SIGINT), on SIGTERM and when the harness itself throws: SIGTERM first, SIGKILL after a
// deadline. Output goes to a log file per process (appended across restarts) and a short in-memory
// tail for the report.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const STOP_DEADLINE_MS = 8000;

export interface Tracked {
  name: string;
  child: ChildProcess;
  /** The last lines it wrote (stdout and stderr). */
  tail: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

export class Children {
  private readonly live = new Set<Tracked>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private stopping: Promise<void> | null = null;
  /** Processes that did not exit within the deadline after SIGTERM at the end (a finding). */
  readonly forcedStops: string[] = [];

  constructor(private readonly logDir: string) {}

  /** True once stopping began (a Ctrl-C reaches the children too: nobody may restart them then). */
  get closing(): boolean {
    return this.stopping !== null;
  }

  spawn(name: string, command: string, args: string[], opts: SpawnOptions & { logFile: string; onLine?: (line: string) => void }): Tracked {
    if (this.closing) throw new Error(`not starting ${name}: stopping`);
    // stdin is a pipe the harness never writes: a child started with --stop-on-stdin-end stops when
    // the harness dies, even by SIGKILL (the others never read it).
    const child = spawn(command, args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    let log = this.logs.get(opts.logFile);
    if (!log) {
      log = createWriteStream(`${this.logDir}/${opts.logFile}`, { flags: 'a' });
      this.logs.set(opts.logFile, log);
    }
    const tail: string[] = [];
    let partial = '';
    const onData = (d: Buffer) => {
      // A child's last output can come after its 'exit' event, so after stopAll ended the log:
      // that write would be an uncaught 'write after end' error.
      if (!log!.writableEnded) log!.write(d);
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null })); // could not start at all
    });
    const tracked: Tracked = { name, child, tail, exited, alive: () => child.exitCode === null && child.signalCode === null };
    this.live.add(tracked);
    void exited.then(() => this.live.delete(tracked));
    return tracked;
  }

  /** Something else to undo at the end (an in-process emulator, a real YARN), run after the children stop. */
  onStop(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  /** Stops everything once; later calls wait for the same stop. */
  stopAll(): Promise<void> {
    return (this.stopping ??= this.doStop());
  }

  private async doStop(): Promise<void> {
    await Promise.all([...this.live].map(async (t) => {
      if (await stopOne(t)) this.forcedStops.push(`${t.name} (pid ${t.child.pid})`);
    }));
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        process.stderr.write(`chaos: cleanup failed: ${(err as Error).message}\n`);
      }
    }
    await Promise.all([...this.logs.values()].map((l) => new Promise((r) => l.end(r))));
  }

  /** Ctrl-C, SIGTERM: stop every child, then exit 130/143. */
  installSignalHandlers(): void {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      process.once(signal, () => {
        process.stderr.write(`\nchaos: ${signal}: stopping every process it started…\n`);
        const force = setTimeout(() => process.exit(code), STOP_DEADLINE_MS * 2);
        force.unref();
        void this.stopAll().finally(() => process.exit(code));
      });
    }
  }
}

/** SIGTERM, then SIGKILL after the deadline; true when SIGKILL was needed. */
async function stopOne(t: Tracked): Promise<boolean> {
  if (!t.alive()) return false;
  let forced = false;
  t.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    forced = true;
    t.child.kill('SIGKILL');
  }, STOP_DEADLINE_MS);
  await t.exited;
  clearTimeout(timer);
  return forced;
}
