// `netgap deploy alertmanager`: an example Alertmanager route for netgap's alerts (Alertmanager 0.25 configuration).

export interface AlertmanagerOptions {
  /** Where the example webhook receiver posts. */
  webhookUrl?: string;
  /** Seconds Alertmanager waits to gather a group's first notification (tests shorten it). */
  groupWaitS?: number;
}

export const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:5001/netgap';

/** A whole alertmanager.yml whose `netgap` subtree can be pasted into an existing route. */
export function alertmanagerConfig(o: AlertmanagerOptions = {}): string {
  const url = JSON.stringify(o.webhookUrl ?? DEFAULT_WEBHOOK_URL);
  const wait = `${o.groupWaitS ?? 30}s`;
  return `# netgap's alerts routed by Alertmanager: \`netgap deploy alertmanager --webhook URL\`.
# The route under "routes:" is what an existing alertmanager.yml needs; the receivers are examples
# (a webhook; use email_configs, pagerduty_configs, ... as your on-call does).
# Check with: amtool check-config alertmanager.yml
route:
  receiver: default
  routes:
    - matchers: ['alertname=~"Netgap.+"']
      receiver: netgap
      # One notification per host and kind: a bridge that forgets ten guests pages once.
      group_by: [alertname, instance]
      group_wait: ${wait}
      group_interval: 5m
      repeat_interval: 4h
      routes:
        - matchers: ['severity="critical"']
          receiver: netgap
          group_wait: ${wait}

inhibit_rules:
  # A netgap that cannot be scraped cannot report anything else about its host.
  - source_matchers: ['alertname="NetgapDown"']
    target_matchers: ['alertname=~"Netgap.+"', 'alertname!="NetgapDown"']
    equal: [instance]

receivers:
  - name: default
  - name: netgap
    webhook_configs:
      - url: ${url}
        send_resolved: true
`;
}
