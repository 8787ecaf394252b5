// Options of the detection core, units in their names, with the KB behind each default (KB2832644).

export interface EngineOptions {
  /**
   * Seconds a bridge that learns from ARP keeps a station's forwarding entry after its last ARP.
   * 300 s is bridge.sys's fixed hold time on a Hyper-V vSwitch bound to Wi-Fi (KB2832644).
   */
  arpThresholdS: number;
  /** Warn when a talking station's last ARP is this old, seconds; below `arpThresholdS`. */
  arpWarnS: number;
  /** Cap of the station table; beyond it the least recently active station is evicted. */
  maxStations: number;
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = {
  arpThresholdS: 300,
  // KB2832644's own workaround value for ArpCacheMinReferencedLife: a guest at 240 s is safe.
  arpWarnS: 240,
  maxStations: 65536,
};

/** Throws a RangeError naming the first option that cannot work (at construction, never per frame). */
export function checkEngineOptions(o: EngineOptions): void {
  if (!(o.arpThresholdS > 0 && Number.isFinite(o.arpThresholdS))) throw new RangeError(`arpThresholdS must be a finite number > 0, got ${o.arpThresholdS}`);
  if (!(o.arpWarnS > 0 && o.arpWarnS < o.arpThresholdS)) throw new RangeError(`arpWarnS must be > 0 and < arpThresholdS (${o.arpThresholdS}), got ${o.arpWarnS}`);
  if (!(Number.isInteger(o.maxStations) && o.maxStations >= 1)) throw new RangeError(`maxStations must be a whole number >= 1, got ${o.maxStations}`);
}
