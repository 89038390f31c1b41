// POST /apps body (ApplicationSubmissionContextInfo JSON) → a checked submission, in the order the
// real RM checks: RMWebAppUtil.createAppSubmissionContext parses the id, compares the resource with
// the configured maximum, then ApplicationSubmissionContextPBImpl.setApplicationTags checks tags.
// Later checks (duplicate id, negative resources) belong to the route, after this succeeds.

import { z } from 'zod';
import { parseApplicationId, type ParsedAppId } from './application-id.ts';
import { RestErrorResponse, restErrors } from './remote-exception.ts';

export interface Submission {
  applicationId: string;
  parsedId: ParsedAppId;
  name: string;
  applicationType: string;
  queue: string;
  priority: number;
  /** As sent; 0 or absent means "the global maximum". */
  maxAppAttempts: number;
  tags: string[];
  resource: { memory: number; vCores: number };
  environment: Record<string, string>;
  localResources: Record<string, string>;
  command: string;
}

// Jersey's JSON accepts numbers as strings too.
const javaInt = z.union([z.number(), z.string().regex(/^[+-]?\d+$/).transform(Number)]);
// JAXB maps are {"entry":[{key,value}]}; a single entry may come as an object instead of an array.
const keyValue = z.object({ key: z.string(), value: z.unknown() });
const entries = z.object({ entry: z.union([z.array(keyValue), keyValue]).nullish() }).nullish();
const oneOrMany = z.union([z.array(z.string()), z.string()]).nullish();

const bodySchema = z.object({
  'application-id': z.string().nullish(),
  'application-name': z.string().nullish(),
  'application-type': z.string().nullish(),
  queue: z.string().nullish(),
  priority: javaInt.nullish(),
  'max-app-attempts': javaInt.nullish(),
  'application-tags': z.object({ tag: oneOrMany }).nullish(),
  resource: z.object({ memory: javaInt.nullish(), vCores: javaInt.nullish() }).nullish(),
  'am-container-spec': z.object({
    'local-resources': entries,
    environment: entries,
    commands: z.object({ command: oneOrMany }).nullish(),
  }).nullish(),
});

const MAX_TAGS = 10;
const MAX_TAG_LENGTH = 100;
/** YarnConfiguration.APPLICATION_TYPE_LENGTH: longer types are cut, not refused. */
const APPLICATION_TYPE_LENGTH = 20;

function toList(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function toMap(value: z.infer<typeof entries>, pick: (v: unknown) => string): Record<string, string> {
  const list = value?.entry ? (Array.isArray(value.entry) ? value.entry : [value.entry]) : [];
  return Object.fromEntries(list.map((e) => [e.key, pick(e.value)]));
}

function resourceUrl(value: unknown): string {
  if (value && typeof value === 'object' && 'resource' in value) return String((value as { resource: unknown }).resource);
  return '';
}

/** ApplicationSubmissionContextPBImpl.checkTags, on the de-duplicated set, before lowercasing. */
function checkTags(tags: string[]): string[] {
  const set = [...new Set(tags)];
  if (set.length > MAX_TAGS) {
    throw new RestErrorResponse(restErrors.illegalArgument(
      `Too many applicationTags, a maximum of only ${MAX_TAGS} are allowed!`));
  }
  for (const tag of set) {
    if (tag.length > MAX_TAG_LENGTH) {
      throw new RestErrorResponse(restErrors.illegalArgument(
        `Tag ${tag} is too long, maximum allowed length of a tag is ${MAX_TAG_LENGTH}`));
    }
    if (!/^[\x20-\x7e]*$/.test(tag)) {
      throw new RestErrorResponse(restErrors.illegalArgument(`A tag can only have ASCII characters! Invalid tag - ${tag}`));
    }
  }
  return [...new Set(set.map((t) => t.toLowerCase()))];
}

export function parseSubmission(rawBody: unknown, maxResource: { memory: number; vCores: number }): Submission {
  let json: unknown;
  try {
    json = typeof rawBody === 'string' ? JSON.parse(rawBody) : rawBody;
  } catch (err) {
    throw new RestErrorResponse(restErrors.unparsableBody((err as Error).message));
  }
  const parsed = bodySchema.safeParse(json ?? {});
  if (!parsed.success) {
    throw new RestErrorResponse(restErrors.unparsableBody(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
  }
  const body = parsed.data;

  const applicationId = body['application-id'] ?? 'null';
  let parsedId: ParsedAppId;
  try {
    parsedId = parseApplicationId(applicationId);
  } catch {
    throw new RestErrorResponse(restErrors.badRequest(`Could not parse application id ${applicationId}`));
  }

  const resource = { memory: body.resource?.memory ?? 0, vCores: body.resource?.vCores ?? 0 };
  if (resource.vCores > maxResource.vCores) {
    throw new RestErrorResponse(restErrors.badRequest('Requested more cores than configured max'));
  }
  if (resource.memory > maxResource.memory) {
    throw new RestErrorResponse(restErrors.badRequest('Requested more memory than configured max'));
  }

  const tags = checkTags(toList(body['application-tags']?.tag));
  const spec = body['am-container-spec'];
  return {
    applicationId,
    parsedId,
    name: body['application-name'] ?? '',
    applicationType: (body['application-type'] ?? '').slice(0, APPLICATION_TYPE_LENGTH),
    // Absent (or null): the RM's default queue. Empty: the route refuses it, as the RM does.
    queue: body.queue ?? 'default',
    priority: body.priority ?? 0,
    maxAppAttempts: body['max-app-attempts'] ?? 0,
    tags,
    resource,
    environment: toMap(spec?.environment, (v) => (v === null || v === undefined ? '' : String(v))),
    localResources: toMap(spec?.['local-resources'], resourceUrl),
    // The NodeManager joins a container's commands with spaces into one shell line.
    command: toList(spec?.commands?.command).join(' '),
  };
}
