// A tiny fault-injecting HTTP proxy on loopback: it forwards every request to the registry unless the
// test's hook decides otherwise (answer with a canned error, lose the response, run something first).
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** How many requests with this method and path came before, counting from 1. */
  nth: number;
}

export type Decision =
  /** Forward and relay the answer. */
  | { kind: 'pass' }
  /** Answer without forwarding. */
  | { kind: 'respond'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Forward, let the registry commit, then drop the connection without answering. */
  | { kind: 'lose-response'; afterCommit?: () => unknown };

export interface FaultProxy {
  url: string;
  seen: Seen[];
  /** Where requests go; a test may point it at a restarted registry. */
  target: string;
  close(): Promise<void>;
}

export async function startProxy(
  target: string,
  hook: (req: Seen) => Decision | Promise<Decision> = () => ({ kind: 'pass' }),
): Promise<FaultProxy> {
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  const state = { target };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = req.url ?? '/';
        const key = `${req.method} ${path.split('?')[0]}`;
        const nth = (counts.get(key) ?? 0) + 1;
        counts.set(key, nth);
        const entry: Seen = {
          method: req.method ?? 'GET',
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          nth,
        };
        seen.push(entry);
        const decision = await hook(entry);
        if (decision.kind === 'respond') {
          res.writeHead(decision.status, { 'Content-Type': 'application/json', ...(decision.headers ?? {}) });
          res.end(decision.body === undefined ? '' : JSON.stringify(decision.body));
          return;
        }
        const url = new URL(path, state.target);
        const headers = { ...req.headers, host: url.host };
        const upstream = request(url, { method: req.method, headers }, (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            if (process.env.PROXY_DEBUG)
              console.error(
                'upstream',
                req.method,
                path,
                up.statusCode,
                Buffer.concat(body).toString().slice(0, 80),
              );
            if (decision.kind === 'lose-response') {
              void Promise.resolve(decision.afterCommit?.()).finally(() => res.socket?.destroy());
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(body));
          });
        });
        upstream.on('error', (e) => {
          if (process.env.PROXY_DEBUG) console.error('upstream error', e.message);
          res.socket?.destroy();
        });
        upstream.end(entry.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    get target() {
      return state.target;
    },
    set target(t: string) {
      state.target = t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
