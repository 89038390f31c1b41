// How a job being waited for shows: state, elapsed time, application id, tracking URL.
//
// It is written to stderr, never stdout: stdout carries the command's result (the job id, the job's
// output with --logs, the JSON with --json), so `id=$(sluice submit --wait …)` or `… --json | jq`
// stays clean while the person at the terminal still sees the progress. On a terminal (stderr is a
// TTY and TERM is not "dumb") it is one line redrawn in place ("\r" + clear-line) every second and
// on every change; otherwise (a pipe, a file, a CI log) one plain line per change, no escape codes.

import { formatElapsed, jobElapsedMs } from './durations.ts';

export interface ProgressJob {
  id: string;
  state: string;
  createdAt: string;
  finishedAt: string | null;
  application: { id: string; trackingUrl: string | null } | null;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const CLEAR_LINE = '\r\x1b[2K';
const TICK_MS = 1000;

export function isInteractive(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function progressText(job: ProgressJob, now = Date.now()): string {
  const parts = [job.id, job.state.padEnd(10), formatElapsed(jobElapsedMs(job, now))];
  if (job.application) {
    parts.push(job.application.id);
    if (job.application.trackingUrl) parts.push(job.application.trackingUrl);
  }
  return parts.join('  ');
}

export class ProgressLine {
  private job: ProgressJob | null = null;
  /** The text on screen now, or null when the line is not drawn. */
  private drawn: string | null = null;
  private lastPlain = '';
  private timer: NodeJS.Timeout | null = null;
  /** Text written above the line that did not end in a newline yet (drawn once it does). */
  private pending = '';

  constructor(private readonly stream: ProgressStream, readonly interactive = isInteractive(stream)) {}

  update(job: ProgressJob): void {
    this.job = job;
    if (this.interactive) {
      this.draw();
      this.timer ??= setInterval(() => this.draw(), TICK_MS);
      return;
    }
    // Plain: a line when the state or the application changes, not on every tick.
    const key = `${job.state} ${job.application?.id ?? ''}`;
    if (key !== this.lastPlain) {
      this.lastPlain = key;
      this.stream.write(`${progressText(job)}\n`);
    }
  }

  /**
   * Writes text (a job's output) so that it and the line don't overwrite each other: on a terminal
   * the line is cleared, the complete lines of text written, and the line drawn again below them.
   */
  writeAbove(out: ProgressStream, text: string): void {
    if (!this.interactive) {
      out.write(text);
      return;
    }
    this.pending += text;
    const cut = this.pending.lastIndexOf('\n');
    if (cut < 0) return;
    const lines = this.pending.slice(0, cut + 1);
    this.pending = this.pending.slice(cut + 1);
    this.clear();
    out.write(lines);
    this.draw();
  }

  /** Writes what is left of text passed to writeAbove (a last line without its newline). */
  flushAbove(out: ProgressStream): void {
    if (!this.pending) return;
    const rest = this.pending;
    this.pending = '';
    this.clear();
    out.write(`${rest}\n`);
    this.draw();
  }

  /**
   * Stops redrawing. `keep`: the last line stays on screen (the job's final state); otherwise it is
   * erased (interrupted, or a summary follows).
   */
  stop({ keep }: { keep: boolean }): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.interactive || this.drawn === null) return;
    if (keep) {
      this.draw();
      this.stream.write('\n');
    } else {
      this.stream.write(CLEAR_LINE);
    }
    this.drawn = null;
  }

  private clear(): void {
    if (this.drawn !== null) this.stream.write(CLEAR_LINE);
    this.drawn = null;
  }

  private draw(): void {
    if (!this.job) return;
    // A line wider than the terminal wraps, and "\r" would then redraw only its last row.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const full = progressText(this.job);
    const text = full.length > width ? `${full.slice(0, width - 1)}…` : full;
    if (text === this.drawn) return;
    this.stream.write(`${CLEAR_LINE}${text}`);
    this.drawn = text;
  }
}
