// Every error of the webhooks module with a stable code, in one table: callers steer on `code`
// (a refused address is a failed attempt marked `refused`, not a connection error); messages are
// for people and say what to change.

export const WEBHOOK_ERRORS = {
  // The SSRF guard: the URL's address is not a public unicast one, and not in the allow-list.
  ERR_SLUICE_WEBHOOK_REFUSED: { message: 'the webhook url resolves to an address the SSRF guard refuses' },
  // Configuration: an entry of webhooks.allowedNetworks that is not a strict CIDR.
  ERR_SLUICE_WEBHOOK_ALLOWED_NETWORKS: { message: 'an entry of SLUICE_WEBHOOKS_ALLOWED_NETWORKS is not a network in CIDR form' },
} as const satisfies Record<string, { message: string }>;

export type WebhookErrorCode = keyof typeof WEBHOOK_ERRORS;

export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(readonly code: WebhookErrorCode, message?: string) {
    super(message ?? WEBHOOK_ERRORS[code].message);
  }
}
