import { describe, test } from 'vitest';
import { createPcapParser } from '../../../src/capture/file/pcap';
import { checkCutPrefix, checkDamaged, fixtures } from '../reader-property';

const make = (sink: Parameters<typeof createPcapParser>[1]) => createPcapParser('fuzz.pcap', sink);
const files = fixtures('pcap', ['xp-600s', 'vlan-tagged', 'syn-kept', 'capture-hole', 'ts-backwards', 'edge-thresholds']);

describe('pcap reader under fast-check', () => {
  test('a damaged capture in any chunks gives frames inside their buffers, then ends or throws the one InputError, a clean line', () => {
    checkDamaged(make, files);
  });
  test("a capture cut anywhere gives a prefix of the whole file's alerts, then the one InputError", () => {
    checkCutPrefix(make, files);
  });
});
