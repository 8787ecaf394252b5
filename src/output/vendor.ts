// Vendor names for MAC addresses from the IEEE OUI registry (npm oui-data), loaded once, on first use.

/** Hyper-V assigns its guests' MACs from Microsoft's 00:15:5D block. */
const HYPERV_OUI = '00155D';

let registry: Readonly<Record<string, string>> | undefined;

/**
 * Loading the registry's JSON costs about 100 ms and ~20 MB, so it happens only the first time a
 * vendor is asked for (summaries, dashboard), never for a run that prints no station.
 */
function load(): Readonly<Record<string, string>> {
  // A plain require keeps the load lazy; an import would load it at start-up.
  registry ??= require('oui-data') as Record<string, string>;
  return registry;
}

/** Vendor for a colon-hex MAC: the registry's organisation name, "Hyper-V" called out, "" if unknown. */
export function vendorOf(mac: string): string {
  const oui = mac.slice(0, 8).replace(/:/g, '').toUpperCase();
  if (oui === HYPERV_OUI) return 'Microsoft (Hyper-V)';
  const entry = load()[oui];
  if (entry !== undefined) return entry.split('\n', 1)[0] ?? '';
  // The locally-administered bit (IEEE 802, bit 1 of the first octet): random or VM-assigned MACs.
  const first = parseInt(mac.slice(0, 2), 16);
  return (first & 0x02) !== 0 ? '(locally administered)' : '';
}
