/**
 * Sync in the editor: the CodeLens on every bundle, the custom requests of protocol/sync.ts and
 * protocol/history.ts, and the live ids the prerequisite chain resolves through. See
 * docs/decisions/sync.md.
 */
import { CodeLensRefreshRequest } from 'vscode-languageserver';
import {
  AffectedEventsRequest,
  ApplyPlanRequest,
  DiffDocumentsRequest,
  ExportFoldersRequest,
  ExportLiveOnlyRequest,
  ExportWrittenRequest,
  PlanChangedNotification,
  PolicyHistoryRequest,
  REFRESH_LIVE_COMMAND,
  SetApiKeyNotification,
  VerifyAuditChainRequest,
  WorkspacePlanRequest,
  type WorkspacePlan,
} from '../../protocol/index';
import { idKey } from '../../core/index';
import { HttpLiveOrg, requestOptionsFromEnv } from '../../live/index';
import type { Feature, ServerContext } from '../context';
import { exportLiveOnly } from '../export/exportLiveOnly';
import { exportFolders, exportWritten } from '../export/folders';
import { PlanImpacts } from '../impact/impacts';
import { runSafe } from '../runSafe';
import { setLiveResolvers } from '../chain/workspaceChain';
import { LiveSession, type OrgFactory, type Snapshot } from './liveSession';
import {
  affected,
  applyReviewedPlan,
  diffDocuments,
  policyHistory,
  verifyAuditChain,
  workspacePlan,
} from './requests';
import { syncLensProvider } from './syncLens';

/** A burst of saves (save all) re-reads the org once. */
const SAVE_DEBOUNCE_MS = 300;

/** Lenses and views ask again: the plan, or its impact, changed. */
function planChanged(ctx: ServerContext, state: Snapshot['state']): void {
  // A read of the org can end after shutdown, when the connection is gone (a disposed connection
  // throws at once): there is then no one to tell.
  try {
    if (ctx.clientCapabilities().workspace?.codeLens?.refreshSupport)
      ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    ctx.connection.sendNotification(PlanChangedNotification, { state }).catch(() => undefined);
  } catch {
    // Disposed.
  }
}

function onSnapshot(ctx: ServerContext, snapshot: Snapshot): void {
  // The chain resolves live ids through the snapshot; `undefined` (not `null`) while there is no
  // good snapshot, so an offline editor never calls a prerequisite missing.
  const byId = new Map(snapshot.policies.map((p) => [idKey(p.id), p]));
  setLiveResolvers(
    ctx.chain,
    snapshot.state === 'ok'
      ? (id) => {
          const p = byId.get(id);
          return p ? { name: p.name, isActive: p.isActive !== false } : null;
        }
      : undefined,
  );
  planChanged(ctx, snapshot.state);
}

/**
 * An editor waits on the first lens: shorter than the CLI's 15 s and 3 retries, so an unreachable org
 * shows `⚠ live org unreachable` within seconds (the environment can still override both).
 */
const EDITOR_REQUEST_OPTIONS = { timeoutMs: 5_000, retries: 1 };

export function syncFeatureWith(makeOrg?: OrgFactory): Feature {
  return {
    name: 'sync',
    capabilities: () => ({ textDocumentSync: { save: { includeText: false } } }),
    register(ctx) {
      const session = new LiveSession({
        env: ctx.runtime.env,
        makeOrg:
          makeOrg ??
          ((config) =>
            new HttpLiveOrg(config, {
              ...EDITOR_REQUEST_OPTIONS,
              ...requestOptionsFromEnv(ctx.runtime.env),
            })),
        log: ctx.log,
        trusted: () => ctx.trusted(),
        changed: (s) => onSnapshot(ctx, s),
        setTimeout: (fn, ms) => ctx.runtime.setTimeout(fn, ms),
        clearTimeout: (h) => ctx.runtime.clearTimeout(h),
        progress: () => ctx.connection.window.createWorkDoneProgress(),
        ...(ctx.runtime.apiKey ? { apiKey: ctx.runtime.apiKey } : {}),
      });
      // The impact of each pending change on recorded traffic (docs/replay.md, "In the editor").
      const impacts = new PlanImpacts(ctx, () => planChanged(ctx, session.snapshot?.state ?? 'ok'));
      ctx.codeLens.register(syncLensProvider(ctx, session, impacts));
      ctx.commands.register(REFRESH_LIVE_COMMAND, async () => {
        const s = await session.refresh();
        return { state: s.state, ...(s.message ? { message: s.message } : {}) };
      });

      // `apiUrl` and the interval come with the other settings: from initializationOptions (the
      // only way for a client without workspace/configuration), then pulled or pushed on every
      // change. Left out, the environment decides (POLICYLENS_API_URL).
      ctx.settings.onDidChange((s) =>
        session.configure({
          ...(s.apiUrl !== undefined ? { apiUrl: s.apiUrl } : {}),
          ...(s.refreshIntervalSeconds !== undefined
            ? { refreshIntervalSeconds: s.refreshIntervalSeconds }
            : {}),
        }),
      );
      // No setting and no environment: the project config's live.url (read again when it changes).
      const fromConfig = () => session.configure({ configUrl: ctx.project.liveUrl() ?? null });
      fromConfig();
      ctx.project.onDidChange(fromConfig);
      ctx.connection.onNotification(SetApiKeyNotification, (params) =>
        session.configure({ apiKey: typeof params?.apiKey === 'string' ? params.apiKey : null }),
      );

      let saved: unknown;
      ctx.documents.textDocuments.onDidSave(() => {
        if (saved !== undefined) ctx.runtime.clearTimeout(saved);
        saved = ctx.runtime.setTimeout(() => void session.refresh(), SAVE_DEBOUNCE_MS);
      });

      const empty: WorkspacePlan = {
        state: 'offline',
        message: 'The plan could not be computed.',
        entries: [],
      };
      ctx.connection.onRequest(WorkspacePlanRequest, (p, token) =>
        runSafe(ctx.log, 'workspacePlan', token, empty, () => workspacePlan(ctx, session, p, impacts)),
      );
      ctx.connection.onRequest(AffectedEventsRequest, (p, token) =>
        runSafe(
          ctx.log,
          'affectedEvents',
          token,
          {
            state: 'error' as const,
            name: p?.name ?? '',
            events: [],
            text: 'The events could not be shown; see the output.\n',
          },
          () => affected(ctx, session, impacts, p),
        ),
      );
      ctx.connection.onRequest(ApplyPlanRequest, (p) =>
        runSafe(
          ctx.log,
          'applyPlan',
          undefined,
          { applied: false, message: 'Applying failed; see the output.', results: [] },
          () => applyReviewedPlan(ctx, session, p),
        ),
      );
      ctx.connection.onRequest(DiffDocumentsRequest, (p, token) =>
        runSafe(ctx.log, 'diffDocuments', token, {}, () => diffDocuments(ctx, session, p)),
      );
      ctx.connection.onRequest(PolicyHistoryRequest, (p, token) =>
        runSafe(ctx.log, 'history', token, { state: 'offline' as const, events: [] }, () =>
          policyHistory(ctx, session, p ?? {}),
        ),
      );
      // Export in the editor (protocol/export.ts): computed here, written by the client.
      ctx.connection.onRequest(ExportFoldersRequest, (_p, token) =>
        runSafe(ctx.log, 'exportFolders', token, { folders: [] }, () => exportFolders(ctx)),
      );
      ctx.connection.onRequest(ExportLiveOnlyRequest, (p) =>
        runSafe(
          ctx.log,
          'exportLiveOnly',
          undefined,
          {
            state: 'refused' as const,
            message: 'The export could not be computed; see the output.',
            files: [],
            notExported: [],
            warnings: [],
            declared: 0,
          },
          () => exportLiveOnly(ctx, session, p),
        ),
      );
      ctx.connection.onRequest(ExportWrittenRequest, (p) =>
        runSafe(ctx.log, 'exportWritten', undefined, null, async () => {
          await exportWritten(ctx, p);
          planChanged(ctx, session.snapshot?.state ?? 'ok');
          return null;
        }),
      );
      ctx.connection.onRequest(VerifyAuditChainRequest, (_p, token) =>
        runSafe(
          ctx.log,
          'verifyAuditChain',
          token,
          { ok: false, checked: 0, message: 'Verification failed.' },
          () => verifyAuditChain(session),
        ),
      );
    },
  };
}

export const syncFeature: Feature = syncFeatureWith();
