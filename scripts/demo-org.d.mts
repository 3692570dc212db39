// Types of scripts/demo-org.mjs for the TypeScript tests.
export declare function demoLivePolicies(
  root: string,
  say?: (message: string) => void,
): Record<string, unknown>[];
export declare const PLAYGROUND_SETTINGS: { 'policyLens.replay.events': string[] };
