// Every way a region's routing can fail to carry a call: one class, stable codes, one table.
// Callers (preflight checks, the YARN client, the region's health) steer on `code`; messages are
// for people and name the host and port, e.g. "127.0.0.1:8088: connection refused".

export const ROUTING_ERRORS = {
  // Ours: the allow-list refused the host before any socket was opened.
  EGRESS_DENIED: { retryable: false, message: 'the host is not in the region\'s allowedHosts' },
  DNS_FAILURE: { retryable: true, message: 'the host name could not be resolved' },
  CONNECTION_REFUSED: { retryable: true, message: 'the connection was refused' },
  CONNECT_TIMEOUT: { retryable: true, message: 'no connection within the connect timeout' },
  RESPONSE_TIMEOUT: { retryable: true, message: 'connected, but no answer within the request timeout' },
  // Certificates and handshakes: repeating won't help until someone fixes a CA or a cert.
  TLS_ERROR: { retryable: false, message: 'the TLS handshake failed' },
  // Anything on the hop to the forward proxy: unreachable, slow, or it refused to open the tunnel.
  PROXY_ERROR: { retryable: true, message: 'the proxy could not open a tunnel to the host' },
  // The rest of the transport: reset, unreachable network, a localAddress this host doesn't have.
  NETWORK_ERROR: { retryable: true, message: 'the connection failed' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type RoutingErrorCode = keyof typeof ROUTING_ERRORS;

export interface RoutingErrorDetails {
  /** Replaces the code's default message. */
  message?: string;
  /** host:port (or the URL's origin) the call was for. */
  target?: string;
  cause?: unknown;
}

export class RoutingError extends Error {
  override readonly name = 'RoutingError';
  readonly code: RoutingErrorCode;
  readonly target?: string;

  constructor(code: RoutingErrorCode, details: RoutingErrorDetails = {}) {
    const { target, cause } = details;
    const text = details.message ?? ROUTING_ERRORS[code].message;
    super(target ? `${target}: ${text}` : text, cause === undefined ? undefined : { cause });
    this.code = code;
    if (target !== undefined) this.target = target;
  }

  get retryable(): boolean {
    return ROUTING_ERRORS[this.code].retryable;
  }
}
