// Types of scripts/js-yaml-patch.mjs for the TypeScript tests.
export declare function patchJsYaml(source: string): string | undefined;
