import { describe, test } from 'vitest';
import { createPcapngParser } from '../../../src/capture/file/pcapng';
import { checkCutPrefix, checkDamaged, fixtures } from '../reader-property';

const make = (sink: Parameters<typeof createPcapngParser>[1]) => createPcapngParser('fuzz.pcapng', sink);
const files = fixtures('pcapng', ['xp-600s', 'vlan-tagged', 'syn-kept', 'capture-hole', 'ts-backwards', 'edge-thresholds']);

describe('pcapng reader under fast-check', () => {
  test('a damaged capture in any chunks gives frames inside their buffers, then ends or throws the one InputError, a clean line', () => {
    checkDamaged(make, files);
  });
  test("a capture cut anywhere gives a prefix of the whole file's alerts, then the one InputError", () => {
    checkCutPrefix(make, files);
  });
});
