// Where the client commands write. stdout holds the result a script reads (a job id, a table, the
// job's output, JSON with --json); stderr holds what a person reads (progress, notes, errors).

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `key  value` lines with the keys aligned; null/empty values are left out. */
export function renderFields(fields: [string, string | null | undefined][]): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== null && f[1] !== undefined && f[1] !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}
