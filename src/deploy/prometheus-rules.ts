// `netgap deploy prometheus-rules`: alerting rules over netgap's metrics (Prometheus rule files, 2.x), unit-tested with `promtool test rules`.

/**
 * The rules alert on what an operator acts on. Short events (a 7 s blackout, one expiry) are
 * read from counters through `increase()`, so that none falls between two scrapes; states that
 * last (a station cut off now) from gauges. Every alert carries `severity` for routing and names
 * the instance; the alert log (`--output`) names the station.
 */
export function prometheusRules(): string {
  return `# netgap alerting rules: \`netgap deploy prometheus-rules > /etc/prometheus/netgap.rules.yml\`,
# then list the file under rule_files in prometheus.yml. The scrape job must be named "netgap"
# (NetgapDown reads up{job="netgap"}). Check with: promtool check rules netgap.rules.yml
groups:
  - name: netgap
    rules:
      - alert: NetgapStationCutOff
        # A station kept sending after its last ARP passed the bridge's hold (KB2832644): the
        # bridge has forgotten it and drops its traffic until it ARPs again. The counter term
        # keeps an expiry that recovered between two scrapes.
        expr: |
          sum without (state) (netgap_stations{state="expired"}) > 0
          or
          sum without (kind, severity) (increase(netgap_alerts_total{kind="arp-gap-expired"}[5m])) > 0
        labels:
          severity: critical
        annotations:
          summary: "A station on {{ $labels.instance }} is cut off by the bridge (ARP-refresh gap)"
          description: "It kept sending after its last ARP passed the bridge's hold (KB2832644); netgap's alert log names it."

      - alert: NetgapStationNearThreshold
        # Talking, and its last ARP is past --arp-warn: an ARP in the next minute saves it.
        expr: sum without (state) (netgap_stations{state="warning"}) > 0
        labels:
          severity: warning
        annotations:
          summary: "{{ $value }} station(s) on {{ $labels.instance }} close to the bridge's ARP hold"
          description: "Talking, with their last ARP past the warning age (netgap_arp_warn_seconds)."

      - alert: NetgapInboundBlackout
        # A host that answered stopped answering new requests for at least --blackout-min.
        expr: sum without (kind, severity) (increase(netgap_alerts_total{kind="inbound-blackout-start"}[5m])) > 0
        labels:
          severity: warning
        annotations:
          summary: "Inbound blackout on {{ $labels.instance }}"
          description: "A host stopped answering inbound requests; netgap's alert log names it."

      - alert: NetgapMigrationQuarantine
        # A blackout of about 7 s right after a network-change announcement: Windows Firewall's
        # interface quarantine after a live migration (fixed on the host by KB4338822).
        expr: sum without (cause) (increase(netgap_blackouts_total{cause="interface-quarantine"}[15m])) > 0
        labels:
          severity: warning
        annotations:
          summary: "Post-migration firewall quarantine on {{ $labels.instance }}"
          description: "About 7 s of refused inbound traffic after a live migration; on the Hyper-V host: KB4338822, SendLmNetworkChangeIndication=0."

      - alert: NetgapCaptureLoss
        # Packets the kernel counted never reached netgap: alerts that depend on them may be missing.
        expr: increase(netgap_capture_dropped_packets_total[5m]) > 0
        labels:
          severity: warning
        annotations:
          summary: "netgap on {{ $labels.instance }} is losing packets on {{ $labels.interface }}"
          description: "Alerts may be missing: raise --buffer-size, or narrow --filter."

      - alert: NetgapCaptureStopped
        expr: sum without (kind, severity) (increase(netgap_alerts_total{kind="capture-stopped"}[5m])) > 0
        labels:
          severity: critical
        annotations:
          summary: "netgap on {{ $labels.instance }} stopped capturing on an interface"
          description: "The interface went away or its capture failed; netgap retries every 3 s unless --no-retry."

      - alert: NetgapNoPackets
        # A monitor that sees nothing watches nothing: a wrong interface, a bridge renamed, a filter.
        expr: rate(netgap_packets_total[10m]) == 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "netgap on {{ $labels.instance }} has seen no packet for 15 minutes"
          description: "Check its -i interfaces and --filter."

      - alert: NetgapDown
        expr: up{job="netgap"} == 0
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: "netgap on {{ $labels.instance }} cannot be scraped"
          description: "Nothing is watching that host's virtual switch."
`;
}
