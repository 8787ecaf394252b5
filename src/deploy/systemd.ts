// `netgap deploy systemd`: a hardened systemd service unit (systemd.exec(5)) for `netgap live`; `systemd-analyze security` scores it.

export interface SystemdOptions {
  /** Where `npm install -g netgap` put the command. */
  exec?: string;
}

export const DEFAULT_EXEC = '/usr/local/bin/netgap';

/**
 * netgap runs as a dynamic unprivileged user with only the two capabilities capture needs: the
 * ambient set passes them to the capture processes netgap starts, dumpcap included, which
 * NoNewPrivileges does not block, unlike file capabilities. V8 writes executable memory, so
 * MemoryDenyWriteExecute stays off. capset is let through the syscall filter because dumpcap
 * gives up its capabilities with it once the interface is open (it can only ever lower them).
 */
export function systemdUnit(o: SystemdOptions = {}): string {
  const exec = o.exec ?? DEFAULT_EXEC;
  return `# netgap as a service: \`netgap deploy systemd > /etc/systemd/system/netgap.service\`,
# interfaces and options in /etc/default/netgap (NETGAP_OPTS="-i br0 --metrics 0.0.0.0:9473"),
# then: systemctl daemon-reload && systemctl enable --now netgap
# Check with: systemd-analyze security netgap.service; journalctl -u netgap
# node must be on systemd's PATH (/usr/local/bin, /usr/bin): one under /root or /home (nvm) is not.
# Where dumpcap is kept for the wireshark group (dpkg-reconfigure wireshark-common: yes), add
# the group with \`systemctl edit netgap\`: [Service] SupplementaryGroups=wireshark
# An interface made later (libvirt's virbr0): netgap exits 2, and is started again every 5 s.
# Alerts: /var/log/netgap/alerts.ndjson; state: /var/lib/netgap/state.json (the dynamic user's).
[Unit]
Description=netgap: ARP-refresh gaps and post-migration blackouts on virtual switches
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
Environment="NETGAP_OPTS=-i br0 --metrics 127.0.0.1:9473"
EnvironmentFile=-/etc/default/netgap
ExecStart=${exec} live --json --output /var/log/netgap/alerts.ndjson --state /var/lib/netgap/state.json $NETGAP_OPTS
# logrotate's postrotate: systemctl reload netgap (netgap reopens its --output file).
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5s
TimeoutStopSec=30s

DynamicUser=yes
StateDirectory=netgap
LogsDirectory=netgap
UMask=0027
AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN
CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN
NoNewPrivileges=yes
SecureBits=noroot-locked

ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
PrivateIPC=yes
PrivateMounts=yes
ProtectHostname=yes
ProtectClock=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectProc=invisible
ProcSubset=pid
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
KeyringMode=private
DevicePolicy=closed
# V8 compiles to executable memory.
MemoryDenyWriteExecute=no
# AF_PACKET: capture; AF_NETLINK: interface list and counters; AF_INET/AF_INET6: the metrics endpoint.
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources @mount @obsolete @debug @cpu-emulation @reboot @swap @clock @module @raw-io
# dumpcap drops its capabilities once capturing; refused, it keeps them and logs cap_set_proc() failing.
SystemCallFilter=capset
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
`;
}
