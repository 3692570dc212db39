/**
 * The language server's one view of the live org: its configuration, and ONE cached snapshot of its
 * policies shared by every file. Lenses and plans are computed from the cache; the network is touched
 * only on a refresh (first use, save, command, interval, new settings or key), never per keystroke.
 */
import { LiveOrgError, type LiveOrg, type LiveOrgPolicy } from '../../core/index';
import { resolveLiveConfig, type LiveConfig } from '../../live/index';
import type { LiveState } from '../../protocol/index';

export interface Snapshot {
  state: LiveState;
  /** One line for `offline` / `not-configured`; never contains the key. */
  message?: string;
  /** The org's label (its name, or its host). */
  org?: string;
  policies: LiveOrgPolicy[];
  fetchedAt?: string;
  /** Bumped on every new snapshot, so derived results can be cached against it. */
  stamp: number;
}

export type OrgFactory = (config: LiveConfig) => LiveOrg & { orgName?(): Promise<string | undefined> };

export interface SessionInputs {
  env: Record<string, string | undefined>;
  makeOrg: OrgFactory;
  /** False in an untrusted workspace: no request may leave the server. */
  trusted(): boolean;
  log(message: string): void;
  /** Called after every new snapshot (the feature refreshes lenses and tells the client). */
  changed(snapshot: Snapshot): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * A progress reporter for a read of the org (`window/workDoneProgress`), when the client shows
   * progress; a no-op reporter otherwise.
   */
  progress?(): Promise<ProgressReporter>;
  /**
   * The key the client hands over after the start (Runtime `apiKey`): the first read waits for it.
   * A key sent meanwhile by `policyLens/setApiKey` is newer and wins.
   */
  apiKey?: Promise<string>;
}

/** The part of vscode-languageserver's WorkDoneProgressReporter a read uses. */
export interface ProgressReporter {
  begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void;
  done(): void;
}

export class LiveSession {
  private apiUrl: string | undefined;
  private apiKey: string | undefined;
  /** The project config's \`live.url\`: after the setting and the environment, as the CLI reads it. */
  private configUrl: string | undefined;
  private intervalSeconds = 300;
  private timer: unknown;
  private inflight: Promise<Snapshot> | undefined;
  private queued: Promise<Snapshot> | undefined;
  private stamp = 0;
  snapshot: Snapshot | undefined;
  /** Until the client's key arrived (`SessionInputs.apiKey`). */
  private keyArrives: Promise<void> | undefined;

  constructor(private readonly inputs: SessionInputs) {
    this.keyArrives = inputs.apiKey?.then(
      (key) => {
        this.apiKey ??= key;
        this.keyArrives = undefined;
      },
      () => {
        this.keyArrives = undefined;
      },
    );
  }

  /** Settings and the key; a change drops the snapshot and reads the org again. */
  configure(next: {
    apiUrl?: string;
    apiKey?: string | null;
    refreshIntervalSeconds?: number;
    /** The config's \`live.url\`; null when the config has none (any more). */
    configUrl?: string | null;
  }): void {
    let changed = false;
    if (next.configUrl !== undefined && (next.configUrl ?? undefined) !== this.configUrl) {
      this.configUrl = next.configUrl ?? undefined;
      changed = true;
    }
    if (next.apiUrl !== undefined && next.apiUrl.trim() !== (this.apiUrl ?? '')) {
      this.apiUrl = next.apiUrl.trim();
      changed = true;
    }
    // null (sign-out) becomes '': "no key", which also hides a key inherited from the environment.
    if (next.apiKey !== undefined && (next.apiKey ?? '') !== this.apiKey) {
      this.apiKey = next.apiKey ?? '';
      changed = true;
    }
    if (next.refreshIntervalSeconds !== undefined && next.refreshIntervalSeconds !== this.intervalSeconds) {
      this.intervalSeconds = next.refreshIntervalSeconds;
      this.schedule();
    }
    if (changed && this.snapshot) void this.refresh();
  }

  /**
   * The org to talk to, or why there is none. A URL or key set through settings or the notification
   * wins over the environment (an empty string set there means "none", as after sign-out).
   */
  org(): { org: ReturnType<OrgFactory>; config: LiveConfig } | LiveOrgError {
    if (!this.inputs.trusted())
      return new LiveOrgError('not-configured', 'sync is off: this workspace is not trusted');
    try {
      const env = this.inputs.env;
      const config = resolveLiveConfig(
        {
          ...(this.apiUrl !== undefined ? { url: this.apiUrl || ' ' } : {}),
          ...(this.apiKey !== undefined ? { apiKey: this.apiKey || ' ' } : {}),
          ...(this.configUrl !== undefined ? { configUrl: this.configUrl } : {}),
        },
        { ...env, ...(this.apiUrl === '' ? blank('url') : {}), ...(this.apiKey === '' ? blank('key') : {}) },
      );
      return { org: this.inputs.makeOrg(config), config };
    } catch (e) {
      if (e instanceof LiveOrgError) return e;
      throw e;
    }
  }

  /** The snapshot, reading the org first if nothing has been read yet. */
  current(): Promise<Snapshot> {
    return this.snapshot ? Promise.resolve(this.snapshot) : this.refresh();
  }

  /**
   * Reads the org now (one paginated list). A call made while a read is under way gets one more read
   * after it (that read may have started before the caller's change), shared by all such callers.
   */
  refresh(): Promise<Snapshot> {
    if (this.inflight) {
      this.queued ??= this.inflight.then(() => {
        this.queued = undefined;
        return this.refresh();
      });
      return this.queued;
    }
    this.inflight = this.read().finally(() => {
      this.inflight = undefined;
      this.schedule();
    });
    return this.inflight;
  }

  private async read(): Promise<Snapshot> {
    if (this.keyArrives) await this.keyArrives;
    const stamp = ++this.stamp;
    const target = this.org();
    let snapshot: Snapshot;
    if (target instanceof LiveOrgError) {
      snapshot = {
        state: !this.inputs.trusted()
          ? 'untrusted'
          : target.kind === 'not-configured'
            ? 'not-configured'
            : 'offline',
        message: target.message,
        policies: [],
        stamp,
      };
    } else {
      // A read can take seconds (a slow org, retries): a client that shows progress sees it.
      const progress = await this.inputs.progress?.().catch(() => undefined);
      progress?.begin('Policy Lens', undefined, `reading the live org (${target.config.label})`, false);
      try {
        const policies = await target.org.listPolicies();
        const name = (await target.org.orgName?.().catch(() => undefined)) ?? target.config.label;
        snapshot = { state: 'ok', org: name, policies, fetchedAt: new Date().toISOString(), stamp };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        this.inputs.log(`sync: reading the live org failed: ${message}`);
        snapshot = { state: 'offline', message, org: target.config.label, policies: [], stamp };
      } finally {
        progress?.done();
      }
    }
    this.snapshot = snapshot;
    this.inputs.changed(snapshot);
    return snapshot;
  }

  private schedule(): void {
    if (this.timer !== undefined) this.inputs.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.intervalSeconds > 0 && this.snapshot)
      this.timer = this.inputs.setTimeout(() => void this.refresh(), this.intervalSeconds * 1000);
  }

  dispose(): void {
    if (this.timer !== undefined) this.inputs.clearTimeout(this.timer);
  }
}

function blank(which: 'url' | 'key'): Record<string, undefined> {
  return which === 'url'
    ? { POLICYLENS_API_URL: undefined, EXECLAVE_BASE_URL: undefined }
    : { POLICYLENS_API_KEY: undefined, EXECLAVE_API_KEY: undefined };
}
