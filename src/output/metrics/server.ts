// The metrics endpoint: GET /metrics over HTTP/1.1 (RFC 9110), what a Prometheus scrape job reads.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatListenAddress, type ListenAddress } from './listen';
import type { NetgapMetrics } from './metrics';

export interface MetricsServer {
  /** Where it listens (the port the system chose when 0 was asked, as tests do). */
  readonly address: ListenAddress;
  close(): Promise<void>;
}

/** Why the endpoint could not open, in one line naming the address (EADDRINUSE, EACCES, EADDRNOTAVAIL). */
export class MetricsListenError extends Error {}

/** Listens on `at`; rejects with a MetricsListenError when the address cannot be had. */
export function serveMetrics(metrics: NetgapMetrics, at: ListenAddress): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('netgap: metrics at /metrics\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: metrics are at /metrics\n');
      return;
    }
    metrics.scrape().then(
      (body) => res.writeHead(200, { 'Content-Type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : body),
      (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${(err as Error).message}\n`),
    );
  });
  // A scrape is one short request; a stuck client must not hold a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'address already in use'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? 'no such local address'
              : err.message;
      reject(new MetricsListenError(`--metrics ${formatListenAddress(at)}: ${why}`));
    });
    server.listen({ host: at.host, port: at.port }, () => {
      const a = server.address() as AddressInfo;
      // The scrape keeps no process alive: netgap ends when its capture does.
      server.unref();
      resolve({
        address: { host: at.host, port: a.port },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
