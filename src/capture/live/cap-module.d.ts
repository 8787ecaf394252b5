// Types for `cap` 0.2.1 (mscdex/cap, libpcap/Npcap binding): only what netgap uses, as its src/binding.cc behaves.

declare module 'cap' {
  import type { EventEmitter } from 'node:events';

  /** One address of a device, as inet_ntop prints it; absent fields were not reported. */
  export interface CapAddress {
    addr?: string;
    netmask?: string;
    broadaddr?: string;
    dstaddr?: string;
  }

  /** One entry of pcap_findalldevs(). Only IPv4 and IPv6 addresses are listed. */
  export interface CapDevice {
    name: string;
    description?: string;
    addresses: CapAddress[];
    /** Only ever 'PCAP_IF_LOOPBACK', and only on loopback devices. */
    flags?: string;
  }

  /**
   * A capture handle. `open()` keeps a raw pointer to `buffer` until `close()`: the caller must
   * hold a reference to it for as long, or garbage collection frees it under libpcap. Each packet
   * is copied into `buffer[0 .. nbytes)` and announced by a 'packet' event (no timestamp, no
   * original length). Snaplen is fixed at 65535 and promiscuous mode is always on.
   */
  export class Cap extends EventEmitter {
    /**
     * Returns the link type as a name ('ETHERNET', 'NULL', 'LINKTYPE_LINUX_SLL', 'RAW',
     * 'IEEE802_11_RADIO') or 'Unknown linktype N' with libpcap's DLT_ number. Throws an Error
     * carrying libpcap's message when the device cannot be opened or the filter does not compile.
     */
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
    /** Stops capturing; true when a capture was open. */
    close(): boolean;
    /**
     * Windows only (absent elsewhere): Npcap's minimum bytes to gather before it wakes the reader
     * (pcap_setmintocopy). Its default holds packets back until the buffer has that much.
     */
    setMinBytes?(nBytes: number): void;
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    static deviceList(): CapDevice[];
    static findDevice(ip?: string): string | undefined;
  }
}
