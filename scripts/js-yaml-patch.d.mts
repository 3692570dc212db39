// Types of scripts/js-yaml-patch.mjs for the TypeScript tests.
export declare function patchJsYamlEsm(source: string): string | undefined;
