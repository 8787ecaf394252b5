// The Observable form of the capture reading: the progress, errors and cancelling of the plain core in source.ts.

import { readFileSync, statSync } from 'node:fs';
import { lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ReadProgress } from '../../../src/capture/file/source';
import { readCapturesTo } from '../../../src/capture/file/source';
import { readCapture, readCaptures } from '../../../src/capture/file/source-stream';
import { InputError } from '../../../src/capture/input-error';
import { CORPUS } from '../frame-log';

const good = (f: string): string => `${CORPUS}/good/${f}`;
const bad = (f: string): string => `${CORPUS}/bad/${f}`;

/** A stream of `bytes` in chunks of `size`. */
async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('readCaptures', () => {
  it('emits the progress of the plain reading, then completes', async () => {
    const names = [good('arp-who-has.pcap'), good('http_iso-download.pcap.gz')];
    const plain: ReadProgress[] = [];
    let plainFrames = 0;
    await readCapturesTo(
      names,
      () => plainFrames++,
      { readBytes: 4096 },
      (p) => plain.push(p),
    ).done;
    let frames = 0;
    const progress = await lastValueFrom(readCaptures(names, () => frames++, { readBytes: 4096 }).pipe(toArray()));
    expect(progress).toEqual(plain);
    expect(frames).toBe(plainFrames);
    expect(progress.at(-1)).toMatchObject({ file: names[1], done: true, gzip: true, frames: 289 });
  });

  it('errors with the InputError once every frame before the damage was delivered', async () => {
    let frames = 0;
    const error = await lastValueFrom(readCaptures([good('arp-who-has.pcap'), bad('truncated-pptp-at304.pcap')], () => frames++)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(bad('truncated-pptp-at304.pcap'));
    expect(frames).toBe(2 + 3);
  });

  it('stops reading, and delivers no more frames, once unsubscribed', async () => {
    let count = 0;
    const f = good('smb_smb3_multichannel.pcap');
    await lastValueFrom(readCaptures([f, f], () => count++, { readBytes: 16 * 1024 }).pipe(take(3)));
    const atUnsubscribe = count;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count).toBe(atUnsubscribe);
    expect(count).toBeLessThan(1448);
  });
});

describe('readCapture', () => {
  it('reads the bytes given under the name given, in progress and in errors', async () => {
    const f = good('arp-who-has.pcap');
    const progress = await lastValueFrom(readCapture('paced', chunked(readFileSync(f), 10), () => undefined).pipe(toArray()));
    expect(progress.at(-1)).toMatchObject({ file: 'paced', done: true, frames: 2, bytesRead: statSync(f).size });
    const damaged = readFileSync(bad('truncated-pptp-at304.pcap'));
    const error = await lastValueFrom(readCapture('paced', chunked(damaged, 100), () => undefined)).catch((e: unknown) => e);
    expect((error as InputError).file).toBe('paced');
  });
});
