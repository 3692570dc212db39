import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeRuntime } from '../server/src/lsp/nodeRuntime';
import { FEATURES, startServer } from '../server/src/lsp/server';
const skip = (process.env.SKIP ?? '').split(',');
startServer(createConnection(ProposedFeatures.all), nodeRuntime(), FEATURES.filter((f) => !skip.includes(f.name)));
