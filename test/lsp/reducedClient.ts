// The capabilities Neovim 0.7's built-in client declares: no snippets, no documentChanges, no file
// watching, progress shown (client-capabilities.test.ts, watching.test.ts). The full set is the
// default of client.ts (VS Code's capabilities).
export const REDUCED = {
  workspace: {
    applyEdit: true,
    configuration: true,
    workspaceFolders: true,
    workspaceEdit: { resourceOperations: ['rename', 'create', 'delete'] },
  },
  textDocument: {
    completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
    publishDiagnostics: { relatedInformation: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } },
  },
  window: { workDoneProgress: true, showMessage: {} },
};
