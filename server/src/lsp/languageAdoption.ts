// Handing a policy file over to our own language id. A file that VS Code opened as `yaml` or `json`
// (every `.yaml`, unless its name or first line says otherwise) is also served by the YAML or JSON
// extension; once its content shows it is a policy, the server asks the client to switch it to
// `policylens-yaml`/`policylens-json`, which those extensions do not serve, and publishes nothing
// for it until the client answered: the editor then shows one set of diagnostics, ours, instead of
// two for one problem (docs/decisions/coexistence.md).
import type { Connection } from 'vscode-languageserver';
import { AdoptDocumentRequest, policyLanguageFor } from '../protocol/languages';

type State = 'asked' | 'refused';

export class LanguageAdoption {
  private readonly state = new Map<string, State>();

  constructor(
    private readonly connection: Connection,
    /** Whether the client declared `policyLanguages` (read after `initialize`). */
    private readonly enabled: () => boolean,
    /** Called when the client kept the document's language: its diagnostics are then due. */
    private readonly refused: (uri: string) => void,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Whether the publication of a policy document's diagnostics waits for the client to switch its
   * language. The first call asks the client; later ones wait until it answered.
   */
  defers(uri: string, languageId: string): boolean {
    if (!this.enabled()) return false;
    const target = policyLanguageFor(languageId);
    if (!target) return false;
    const state = this.state.get(uri);
    if (state === 'refused') return false;
    if (state === 'asked') return true;
    this.state.set(uri, 'asked');
    this.connection.sendRequest(AdoptDocumentRequest, { uri, languageId: target }).then(
      (r) => {
        // Adopted: the client closes the document and reopens it with our id (forget() runs).
        if (!r?.adopted) this.refuse(uri);
      },
      (e: unknown) => {
        this.log(`the client did not switch ${uri} to ${target}: ${(e as Error).message ?? e}`);
        this.refuse(uri);
      },
    );
    return true;
  }

  private refuse(uri: string): void {
    this.state.set(uri, 'refused');
    this.refused(uri);
  }

  /** The document closed (also when the client switches its language: it reopens with our id). */
  forget(uri: string): void {
    this.state.delete(uri);
  }
}
