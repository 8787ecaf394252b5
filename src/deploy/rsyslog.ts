// `netgap deploy rsyslog`: rsyslog (8.x) tails netgap's NDJSON alert log (imfile) and forwards each record as RFC 5424 over TCP (RFC 6587 octet counting).

export interface RsyslogOptions {
  /** The NDJSON file netgap writes (--output). */
  file?: string;
  /** The collector, host and TCP port. */
  target?: string;
  port?: number;
}

export const DEFAULT_LOG_FILE = '/var/log/netgap/alerts.ndjson';

/**
 * Each NDJSON line becomes one message whose MSG is the line unchanged; PRI comes from the record's
 * severity (local0: critical 2, warning 4, info 6) and HOSTNAME from its `host` field, the sensor
 * netgap runs on, so that a collector merging hosts sees which one spoke.
 */
export function rsyslogConfig(o: RsyslogOptions = {}): string {
  const file = o.file ?? DEFAULT_LOG_FILE;
  const target = o.target ?? 'logs.example.net';
  const port = o.port ?? 514;
  return `# netgap's alert log forwarded as RFC 5424: \`netgap deploy rsyslog --file F --target HOST --port N\`
# saved as /etc/rsyslog.d/60-netgap.conf. imfile follows the file across logrotate's renames
# (netgap reopens it on SIGHUP). Check with: rsyslogd -N1
module(load="imfile")
module(load="mmjsonparse")

input(type="imfile" File=${JSON.stringify(file)} Tag="netgap" Facility="local0"
      Ruleset="netgap" reopenOnTruncate="on" discardTruncatedMsg="on")

template(name="netgap-rfc5424" type="list") {
  constant(value="<")
  property(name="$.pri")
  constant(value=">1 ")
  property(name="timereported" dateFormat="rfc3339")
  constant(value=" ")
  property(name="$.host")
  constant(value=" netgap - ")
  property(name="$.msgid")
  constant(value=" - ")
  property(name="rawmsg")
}

ruleset(name="netgap") {
  action(type="mmjsonparse" cookie="" useRawMsg="on")
  # Alerts only: the summary written at exit lists every station, far past rsyslog's message
  # size (global maxMessageSize, 8 KiB by default), and would arrive cut.
  if $parsesuccess != "OK" or $!type != "alert" then stop
  # local0 (16) * 8 + the record's severity.
  set $.pri = 134;
  if $!severity == "warning" then set $.pri = 132;
  if $!severity == "critical" then set $.pri = 130;
  set $.host = $!host;
  if $.host == "" then set $.host = $hostname;
  set $.msgid = $!kind;
  if $.msgid == "" then set $.msgid = $!type;
  if $.msgid == "" then set $.msgid = "-";
  action(type="omfwd" Target=${JSON.stringify(target)} Port="${port}" Protocol="tcp"
         TCP_Framing="octet-counted" Template="netgap-rfc5424"
         queue.type="LinkedList" queue.filename="netgap-fwd" queue.saveOnShutdown="on"
         action.resumeRetryCount="-1")
  stop
}
`;
}
