// Types of scripts/e2e-setup.mjs for the TypeScript test harness.
export declare const NODE_PACKAGE: string;
export declare const CODE_SERVER_PACKAGE: string;
export declare const cacheDir: string;
export declare function ensureE2E(): { node: string; codeServer: string; chromium: string; cacheDir: string };
