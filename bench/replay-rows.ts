// Replay's rows in the results table: events per second end to end from a file (as wall time per
// event against the 200,000 events/s), peak RSS against 200 MB, and two threads against one.
import { row, type Row } from './report';
import type { Raw } from './types';

const LABELS: Record<string, string> = {
  baseline: 'the 4 baseline bundles',
  chain: 'a 50-policy CEL chain',
};

export function replayRows(raw: Raw): Row[] {
  const rows: Row[] = [];
  for (const kind of ['baseline', 'chain']) {
    const two = raw.replay?.[`${kind}-2`];
    const one = raw.replay?.[`${kind}-1`];
    if (!two && !one) continue;
    const n = (two ?? one)!.events.toLocaleString('en');
    const scenario = `replay ${n} events from a file, both sides: ${LABELS[kind]}`;
    if (kind === 'baseline')
      // ≥ 200,000 events/s end to end is at most 5 µs of wall time per event.
      rows.push(
        row(
          `${scenario} (2 threads)`,
          'wall per event',
          'µs',
          { name: 'policylens replay', samples: two?.wallUs },
          { name: 'budget (200,000 events/s)', samples: [5] },
          1.0,
        ),
      );
    rows.push(
      row(
        `${scenario} (2 threads)`,
        'peak RSS',
        'MB',
        { name: 'policylens replay', samples: two?.rssMB },
        { name: 'budget', samples: [200] },
        1.0,
      ),
      row(
        scenario,
        'wall per event',
        'µs',
        { name: '2 worker threads', samples: two?.wallUs },
        { name: '1 thread', samples: one?.wallUs },
      ),
      row(
        scenario,
        'CPU per event',
        'µs',
        { name: '2 worker threads', samples: two?.cpuUs },
        { name: '1 thread', samples: one?.cpuUs },
      ),
    );
  }
  return rows;
}
