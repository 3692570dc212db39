/** The registry's programmatic surface, for tests and for tools that embed it. */
export { startRegistry, createApiKey, DEFAULT_PORT, type Registry, type StartOptions } from './server';
export { serveMain, parseServeArgs, USAGE } from './cli';
export { verifyChain, type Verification } from './verify';
export type { CreatedKey, Principal } from './auth';
export type { Policy } from './policies/model';
