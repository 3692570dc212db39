// The extension's quick recogniser of policy files (core/dialects/sniff.ts): the same rule as the
// server's classification, shared from the one place that holds it, so that the extension can switch
// an open policy to our language id as it activates (docs/decisions/extension.md, "Activation
// time"). The one module of the engine the client may load: it imports only the dialects'
// recognisers, no schema, parser or rule (eslint.config.mjs allows this import and no other).
export { engineFileName, sniffPolicy } from '../core/dialects/sniff';
