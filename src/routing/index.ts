export { buildRouting, type Routing } from './build-routing.ts';
export { networkConfig, type NetworkConfig } from './network-config.ts';
export { ROUTING_ERRORS, RoutingError, type RoutingErrorCode } from './routing-error.ts';
export { toRoutingError } from './classify-error.ts';
export { compileAllowList, isAllowedHostPattern } from './allow-list.ts';
export type { SdkHttpHandler } from './sts-request-handler.ts';
