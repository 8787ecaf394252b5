// The `--metrics [HOST:]PORT` address: a port alone listens on loopback (an exporter is opened to the network on purpose).

export const DEFAULT_METRICS_HOST = '127.0.0.1';

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * `9473`, `0.0.0.0:9473`, `host.example:9473` or `[::1]:9473`; returns null for anything else
 * (the caller names the option in its message). Port 0 is refused: Prometheus needs a known port.
 */
export function parseListenAddress(text: string): ListenAddress | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]:|([^:[\]\s]+):)?(\d{1,5})$/.exec(text.trim());
  if (m === null) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2] ?? DEFAULT_METRICS_HOST, port };
}

/** The address as written in messages and URLs (IPv6 in brackets). */
export function formatListenAddress(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
