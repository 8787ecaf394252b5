import { it } from 'vitest';
import { Harness, KEY } from './harness';
it('x', async () => {
  let h = await Harness.fixture('hyperv-mix.pcap', 4 * 60 + 8);
  console.log(h.row('00:15:5d:01:00:14').text);
  h.close();
  h = await Harness.fixture('hyperv-mix.pcap');
  await h.press('m', KEY.down, KEY.down, KEY.down);
  console.log(h.text());
  await h.press('?');
  console.log(h.text());
  await h.press(KEY.escape, KEY.pageUp);
  console.log(h.text());
  h.close();
  h = await Harness.fixture('truncated-linuxsll-arp-at500.pcap');
  console.log(h.row('ALERTS').text);
  h.close();
});
