// Application, attempt and container ids, parsed and printed the way Hadoop's ApplicationId,
// ApplicationAttemptId and ContainerId do. Parsing normalises: "application_123_1" is the same
// application as "application_123_0001" (the RM looks apps up by the parsed id, not the string).

export interface ParsedAppId {
  clusterTimestamp: number;
  sequence: number;
}

const PREFIX = 'application_';

/** Like Java's Long/Integer.parseInt: optional sign, decimal digits only. */
function parseJavaInt(text: string): number | null {
  return /^[+-]?\d+$/.test(text) ? Number(text) : null;
}

/** ApplicationId.fromString; the Error message is the IllegalArgumentException's. */
export function parseApplicationId(text: string): ParsedAppId {
  if (!text.startsWith(PREFIX)) {
    throw new Error(`Invalid ApplicationId prefix: ${text}. The valid ApplicationId should start with prefix application`);
  }
  const rest = text.slice(PREFIX.length);
  const sep = rest.indexOf('_');
  const clusterTimestamp = sep < 0 ? null : parseJavaInt(rest.slice(0, sep));
  const sequence = sep < 0 ? null : parseJavaInt(rest.slice(sep + 1));
  if (clusterTimestamp === null || sequence === null || sequence > 2 ** 31 - 1 || sequence < -(2 ** 31)) {
    throw new Error(`Invalid ApplicationId: ${text}`);
  }
  return { clusterTimestamp, sequence };
}

/** ApplicationId.toString: the sequence is zero-padded to at least 4 digits. */
export function formatApplicationId(id: ParsedAppId): string {
  return `${PREFIX}${id.clusterTimestamp}_${String(id.sequence).padStart(4, '0')}`;
}

/** appattempt_<ts>_<seq 4>_<attempt 6>. */
export function formatAttemptId(id: ParsedAppId, attempt: number): string {
  return `appattempt_${id.clusterTimestamp}_${String(id.sequence).padStart(4, '0')}_${String(attempt).padStart(6, '0')}`;
}

/** container_<ts>_<seq 4>_<attempt 2>_<container 6>; container 1 of an attempt is its AM. */
export function formatContainerId(id: ParsedAppId, attempt: number, container: number): string {
  return `container_${id.clusterTimestamp}_${String(id.sequence).padStart(4, '0')}_${String(attempt).padStart(2, '0')}_${String(container).padStart(6, '0')}`;
}
