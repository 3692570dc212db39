/** The live org over HTTP: configuration, the request policy and the LiveOrg implementation. */
export {
  resolveLiveConfig,
  requestOptionsFromEnv,
  isLoopbackHost,
  URL_VARIABLES,
  KEY_VARIABLES,
  type LiveConfig,
} from './config';
export { DEFAULT_REQUEST_OPTIONS, retryAfterMs, type RequestOptions } from './request';
export { HttpLiveOrg } from './client';
