// Epoch seconds to the ISO 8601 UTC text used in every output (millisecond precision, truncated like tcpdump).

export function isoTime(ts: number): string {
  const ms = Math.floor(ts * 1000);
  // Dates outside ±8.64e15 ms are invalid; a broken capture clock must not crash the renderer.
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : 'invalid-time';
}
