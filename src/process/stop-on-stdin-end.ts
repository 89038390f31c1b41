// The child's half of a lifeline: a supervisor (sluice dev) gives its child a stdin pipe and never
// writes to it. When the supervisor dies, even by SIGKILL, the kernel closes the pipe and the child
// reads end-of-file: it then stops as if it got SIGTERM. Only when asked for (--stop-on-stdin-end):
// started from a terminal or with stdin at /dev/null, EOF means nothing.

export function stopOnStdinEnd(stop: (reason: string) => void): void {
  process.stdin.on('data', () => {}); // nothing is sent; reading is what notices the end
  process.stdin.once('end', () => stop('stdin closed (supervisor gone)'));
  process.stdin.once('error', () => stop('stdin failed (supervisor gone)'));
}
