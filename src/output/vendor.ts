// Vendor names for MAC addresses from the IEEE registries (npm oui-data), looked up in its text without parsing all of it.

import { readFileSync } from 'node:fs';

/** Hyper-V assigns its guests' MACs from Microsoft's 00:15:5D block. */
const HYPERV_OUI = '00155D';
/**
 * Prefix lengths in hex digits, longest first: MA-S (36 bits), MA-M (28 bits), MA-L (24 bits). A
 * small block inside a large one (the IEEE's own 8C:1F:64, say) names the small block's owner,
 * as Wireshark's manuf does.
 */
const PREFIX_DIGITS = [9, 7, 6] as const;

/**
 * oui-data's index.json as text, searched in place: parsing all of it costs more than `read` spends
 * on a small capture, and a summary of Hyper-V guests plus one gateway needs a single name. The
 * search depends on the file's layout (one entry per line, ` "PREFIX": "name\naddress...",`, in
 * three runs, one per prefix length, each sorted), so package.json pins oui-data's exact version
 * and test/output/vendor.test.ts checks every entry of the installed file against JSON.parse.
 */
export class OuiRegistry {
  /** Offset of each entry line in `text` (the lines between `{` and `}`). */
  private readonly starts: number[] = [];
  /** For each prefix length, the range [from, to) of `starts` its run covers. */
  private readonly runs = new Map<number, { from: number; to: number }>();

  constructor(private readonly text: string) {
    for (let at = text.indexOf('\n') + 1; at > 0 && at < text.length; at = text.indexOf('\n', at) + 1) {
      if (text.charCodeAt(at) !== 0x20) continue; // the closing `}`
      const digits = this.keyEnd(at) - at - 2;
      this.starts.push(at);
      const run = this.runs.get(digits);
      if (run === undefined) this.runs.set(digits, { from: this.starts.length - 1, to: this.starts.length });
      else run.to = this.starts.length;
    }
  }

  /** The registry entry (organisation, then address lines) for an upper-case hex prefix, or undefined. */
  lookup(prefix: string): string | undefined {
    const run = this.runs.get(prefix.length);
    if (run === undefined) return undefined;
    let lo = run.from;
    let hi = run.to;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.keyOf(mid);
      if (key === prefix) return this.valueOf(mid);
      if (key < prefix) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  /** Offset of the quote that closes the key of the entry line at `start` (space, quote, key). */
  private keyEnd(start: number): number {
    return this.text.indexOf('"', start + 2);
  }

  private keyOf(i: number): string {
    const start = this.starts[i]!;
    return this.text.slice(start + 2, this.keyEnd(start));
  }

  /** Entry i's value: the JSON string after `": `, up to the end of its line (a comma dropped). */
  private valueOf(i: number): string {
    const start = this.starts[i]!;
    const from = this.keyEnd(start) + 3;
    let to = this.text.indexOf('\n', from);
    if (to < 0) to = this.text.length;
    if (this.text.charCodeAt(to - 1) === 0x2c) to--;
    return JSON.parse(this.text.slice(from, to)) as string;
  }
}

let registry: OuiRegistry | undefined;

/** Read on first use only (summaries, dashboard), never by a run that names no vendor but Hyper-V. */
function load(): OuiRegistry {
  registry ??= new OuiRegistry(readFileSync(require.resolve('oui-data'), 'utf8'));
  return registry;
}

/** Vendor for a colon-hex MAC: the registry's organisation name, "Hyper-V" called out, "" if unknown. */
export function vendorOf(mac: string): string {
  const hex = mac.replace(/:/g, '').toUpperCase();
  if (hex.startsWith(HYPERV_OUI)) return 'Microsoft (Hyper-V)';
  for (const digits of PREFIX_DIGITS) {
    const entry = load().lookup(hex.slice(0, digits));
    if (entry !== undefined) return entry.split('\n', 1)[0] ?? '';
  }
  // The locally-administered bit (IEEE 802, bit 1 of the first octet): random or VM-assigned MACs.
  const first = parseInt(mac.slice(0, 2), 16);
  return (first & 0x02) !== 0 ? '(locally administered)' : '';
}
