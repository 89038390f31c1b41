// Plain aligned columns, the way `kubectl get` and `docker ps` print: a header row, two spaces
// between columns, no borders, the last column not padded. Numbers are right-aligned.

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

export function renderTable<T>(columns: Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (texts: string[]) => texts
    .map((text, i) => {
      const last = i === texts.length - 1;
      const right = (columns[i]!.align ?? 'left') === 'right';
      if (right) return text.padStart(widths[i]!);
      return last ? text : text.padEnd(widths[i]!);
    })
    .join('  ')
    .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

function cellText(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  // One line per row: a newline or tab in a value (a name, a reason) would break the columns.
  return String(value).replace(/[\r\n\t]+/g, ' ');
}
