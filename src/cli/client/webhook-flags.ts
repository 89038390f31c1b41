// The `sluice webhooks add` argument or flag behind each field of the subscription body, so a 400
// naming `body.filter.states` tells the user to fix `--state`.

/** The flag that sets a field the API named in a 400 (`body.filter.states` → `--state`). */
export function webhookFlagForField(path: readonly (string | number)[]): string | undefined {
  if (path[0] !== 'body') return undefined;
  if (path[1] === 'filter') return FILTER_FLAGS[String(path[2])];
  return path[1] === 'url' ? '<url>' : path[1] === 'description' ? '--description' : undefined;
}

const FILTER_FLAGS: Record<string, string> = { types: '--type', regions: '--region', states: '--state', labels: '--label' };
