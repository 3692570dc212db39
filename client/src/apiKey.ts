// The live org's API key lives in VS Code's SecretStorage only: never in settings, never in a log, never
// in an error message. This file is the only place that reads or writes it.
import * as vscode from 'vscode';

const SECRET_ID = 'policyLens.apiKey';

export class ApiKeyStore {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the key is set or removed, in this window or another one. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    secrets.onDidChange((e) => {
      if (e.key === SECRET_ID) this.changed.fire();
    });
  }

  get(): Thenable<string | undefined> {
    return this.secrets.get(SECRET_ID);
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(SECRET_ID, key);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_ID);
  }
}

/**
 * `Policy Lens: Set API Key`. Prompts with a password box; an argument (used by automation and tests
 * through `executeCommand`) skips the prompt. Returns true when a key was stored.
 */
export async function setApiKeyCommand(store: ApiKeyStore, given?: unknown): Promise<boolean> {
  let key = typeof given === 'string' ? given : undefined;
  if (key === undefined) {
    key = await vscode.window.showInputBox({
      title: 'Policy Lens: Set API Key',
      prompt: 'The API key of the live org. It is kept in VS Code’s secret storage, never in settings.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) =>
        v.trim() === ''
          ? 'The key cannot be empty.'
          : /\s/.test(v.trim())
            ? 'A key has no spaces.'
            : undefined,
    });
  }
  if (key === undefined || key.trim() === '') return false;
  await store.set(key.trim());
  void vscode.window.showInformationMessage('Policy Lens: API key saved in secret storage.');
  return true;
}

const DECLINED = 'policyLens.environmentKeyDeclined';

/**
 * Moves a key from the extension host's environment (`POLICYLENS_API_KEY`, as the CLI reads it) into
 * SecretStorage, once, when no key is stored yet: that is how `npm start` hands the playground its demo
 * key. After that the environment is never read again for the key, and after a Sign Out it is not
 * adopted again, so Sign Out really signs out.
 */
export async function adoptEnvironmentKey(
  store: ApiKeyStore,
  state: vscode.Memento,
  env: Record<string, string | undefined>,
  out: vscode.LogOutputChannel,
): Promise<void> {
  const key = env.POLICYLENS_API_KEY?.trim();
  if (!key || state.get<boolean>(DECLINED) || (await store.get())) return;
  await store.set(key);
  out.info('Stored the API key from the POLICYLENS_API_KEY environment variable in secret storage.');
}

/** `Policy Lens: Sign Out`: forgets the key (and does not adopt one from the environment again). */
export async function signOutCommand(store: ApiKeyStore, state: vscode.Memento): Promise<void> {
  await state.update(DECLINED, true);
  await store.clear();
  void vscode.window.showInformationMessage('Policy Lens: signed out; the API key was removed.');
}
