/**
 * The sync CodeLens, one line above each bundle: `+ create in acme`, `~ update: enforcementMode
 * log_only → block (+2 more)`, `= in sync`, `⚠ live org unreachable`, or `sync not configured`. It is
 * computed from the cached snapshot; a click opens the diff between the live policy and the bundle.
 */
import type { CodeLens } from 'vscode-languageserver';
import { desiredFromAnalysis, lensTitle } from '../../core/index';
import { DISPLAY_ONLY_COMMAND, SYNC_COMMANDS, type PlanEntry } from '../../protocol/index';
import type { CodeLensProvider, ServerContext } from '../context';
import type { PolicyDocument } from '../documents';
import type { LiveSession } from './liveSession';
import { computePlan } from './workspacePlan';

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function label(title: string, command: string = DISPLAY_ONLY_COMMAND, args?: unknown[]): CodeLens {
  return { range: TOP, command: { title, command, ...(args ? { arguments: args } : {}) } };
}

export function syncLensProvider(ctx: ServerContext, session: LiveSession): CodeLensProvider {
  return {
    id: 'sync',
    async provide(doc: PolicyDocument): Promise<CodeLens[]> {
      const own = desiredFromAnalysis(doc.analysis, '', doc.uri);
      if (own.kind === 'skip') return [];
      const snapshot = await session.current();
      if (snapshot.state === 'not-configured') return [label('sync not configured', SYNC_COMMANDS.setApiKey)];
      if (snapshot.state === 'untrusted') return [label('sync off: workspace not trusted')];
      if (snapshot.state === 'offline') {
        const refused = /refused the API key/.test(snapshot.message ?? '');
        return [
          label(refused ? '⚠ live org refused the API key' : '⚠ live org unreachable', SYNC_COMMANDS.refresh),
        ];
      }
      if (own.kind === 'invalid')
        return [label(`✗ fix ${own.errors} error${own.errors === 1 ? '' : 's'} to sync`)];
      const { plan } = await computePlan(ctx, snapshot);
      const step = plan?.steps.find((s) => s.uri === doc.uri);
      if (!plan || !step) return [];
      const org = snapshot.org ?? 'the live org';
      const title = step.problems.length
        ? `${lensTitle(step, org)} ⚠ ${step.problems[0]}`
        : lensTitle(step, org);
      const entry: PlanEntry = {
        action: step.action,
        name: step.name,
        uri: doc.uri,
        ...(step.liveId ? { liveId: step.liveId } : {}),
        changes: step.changes,
      };
      return [label(title, SYNC_COMMANDS.openDiff, [entry])];
    },
  };
}
