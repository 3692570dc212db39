// The custom LSP surface between the Policy Lens language server and its clients. Each request type is
// declared once here and imported by both sides, so the server and the extension cannot drift apart.
export * from './initialization';
export * from './sync';
export * from './rename';
export * from './liveOnly';
export * from './export';
export * from './impact';
export * from './history';
export * from './chain';
export * from './tests';
export * from './languages';
