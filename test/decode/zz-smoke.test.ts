import { test } from 'vitest';
import { classicMicrosecondPcaps, readPcap, readOracle } from './corpus';
import { decodeFrame } from '../../src/decode/frame';
import { DecodedFrame, DECODE_REASONS, L4, TCP_FLAG } from '../../src/decode/decoded-frame';
import { newFrame } from '../../src/capture/frame';

test('smoke', async () => {
  for (const file of classicMicrosecondPcaps()) {
    const frames = await readPcap(file);
    const o = readOracle(file);
    const out = new DecodedFrame();
    const f = newFrame();
    const c: Record<string, number> = {};
    const reasons: Record<string, number> = {};
    const inc = (k: string) => { c[k] = (c[k] ?? 0) + 1; };
    for (const fr of frames) {
      f.buf = fr.data; f.off = 0; f.capLen = fr.data.length; f.origLen = fr.origLen; f.linkType = fr.linkType;
      decodeFrame(f, out);
      if (out.reason >= 0) reasons[DECODE_REASONS[out.reason]!] = (reasons[DECODE_REASONS[out.reason]!] ?? 0) + 1;
      if (out.l4 === L4.ICMP && out.icmpType === 8) inc('icmp_echo_request');
      if (out.l4 === L4.ICMP && out.icmpType === 0) inc('icmp_echo_reply');
      if (out.l4 === L4.ICMPV6 && out.icmpType === 128) inc('icmpv6_echo_request');
      if (out.l4 === L4.ICMPV6 && out.icmpType === 129) inc('icmpv6_echo_reply');
      if (out.l4 === L4.ICMPV6 && out.icmpType === 135) inc('icmpv6_ns');
      if (out.l4 === L4.ICMPV6 && out.icmpType === 136) { inc('icmpv6_na'); if (!(out.ndFlags & 0x40)) inc('icmpv6_na_unsolicited'); }
      if (out.l4 === L4.TCP && (out.tcpFlags & TCP_FLAG.SYN) && !(out.tcpFlags & TCP_FLAG.ACK)) inc('tcp_syn');
      if (out.l4 === L4.TCP && (out.tcpFlags & TCP_FLAG.SYN) && (out.tcpFlags & TCP_FLAG.ACK)) inc('tcp_synack');
      if (out.l4 === L4.UDP) inc('udp');
      if (out.ipVersion === 4) inc('ipv4');
      if (out.ipVersion === 6) inc('ipv6');
      if (out.vlanDepth > 0) inc('vlan_frames');
      if (out.isArp && (out.arpOp === 3 || out.arpOp === 4)) inc('rarp');
      if (out.isArp && out.arpSpa >= 0 && out.arpSpa === out.arpTpa) inc('gratuitous_arp');
    }
    const diffs: string[] = [];
    for (const k of Object.keys(o.counts)) if (k !== 'malformed_frames' && (o.counts[k] ?? 0) !== (c[k] ?? 0)) diffs.push(`${k}: tshark ${o.counts[k]} us ${c[k] ?? 0}`);
    console.log(file, frames.length, o.packets, JSON.stringify(reasons), diffs.join('; '));
  }
}, 60000);
