export * from './types';
export { readConfig, CONFIG_KEYS } from './read';
export { ResolvedConfig, applyRuleSettings, type FileSettings } from './resolve';
export { GitIgnore, gitDirFromFile } from './gitignore';
