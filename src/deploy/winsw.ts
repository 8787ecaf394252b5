// `netgap deploy winsw`: a WinSW 2.x service configuration (XML) that runs `netgap live` as a Windows service on a Hyper-V host.

export interface WinswOptions {
  /** Npcap devices (`\Device\NPF_{GUID}`, from `netgap interfaces`); none: a placeholder to replace. */
  interfaces?: readonly string[];
  /** node.exe. */
  node?: string;
  /** netgap's entry script, as `npm install -g --prefix DIR netgap` lays it out. */
  script?: string;
  /** The folder for the alert log and the state file, writable by the service's account. */
  dir?: string;
  /** windows_exporter's textfile: --metrics-textfile. */
  textfile?: string;
  /** LocalSystem where Npcap is restricted to Administrators. */
  account?: 'LocalService' | 'LocalSystem';
}

export const WINSW_DEFAULTS = {
  node: 'C:\\Program Files\\nodejs\\node.exe',
  script: 'C:\\Program Files\\netgap\\node_modules\\netgap\\dist\\cli\\main.js',
  dir: 'C:\\ProgramData\\netgap',
  placeholder: '\\Device\\NPF_{ADAPTER-GUID}',
} as const;

/** Inside an XML comment, which may not hold "--". */
function commentText(text: string): string {
  return xml(text).replace(/-(?=-)/g, '- ');
}

/** XML character data and attribute values. */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One <argument> per argument: WinSW quotes each as Windows splits a command line. node.exe
 * runs netgap's script itself: through `netgap.cmd`, WinSW's Ctrl+C would stop at
 * cmd's "Terminate batch job (Y/N)?". On stop WinSW sends netgap Ctrl+C first (stopparentprocessfirst),
 * so netgap stops its dumpcap, writes its summary and state, and exits; the Service Control
 * Manager restarts it on failure. Windows has no SIGHUP, so the log rotates at a restart.
 */
export function winswConfig(o: WinswOptions = {}): string {
  const dir = o.dir ?? WINSW_DEFAULTS.dir;
  const interfaces = o.interfaces !== undefined && o.interfaces.length > 0 ? o.interfaces : [WINSW_DEFAULTS.placeholder];
  const args = [o.script ?? WINSW_DEFAULTS.script, 'live'];
  for (const i of interfaces) args.push('-i', i);
  args.push('--json', '--output', `${dir}\\alerts.ndjson`, '--state', `${dir}\\state.json`);
  if (o.textfile !== undefined) args.push('--metrics-textfile', o.textfile);
  const account = o.account ?? 'LocalService';
  const placeholder = o.interfaces === undefined || o.interfaces.length === 0;
  const grant = account === 'LocalService' ? `\n    icacls "${commentText(dir)}" /grant "NT AUTHORITY\\LocalService:(OI)(CI)M"` : '';
  const replace = placeholder ? `\n  Replace ${commentText(WINSW_DEFAULTS.placeholder)} with a device that netgap interfaces lists.` : '';
  const restricted =
    account === 'LocalService'
      ? `\n  LocalService needs Npcap installed without "Restrict Npcap driver's access to Administrators only";\n  otherwise print this file again with the account LocalSystem.`
      : '';
  return `<!--
  netgap as a Windows service with WinSW 2.x (https://github.com/winsw/winsw, MIT): save as
  netgap-service.xml beside WinSW.NET4.exe renamed netgap-service.exe, in ${commentText(dir)}; then, elevated:${grant}
    netgap-service.exe install
    netgap-service.exe start${replace}
  Alerts: ${commentText(dir)}\\alerts.ndjson (rotate with netgap-service.exe restart); state: ${commentText(dir)}\\state.json.${restricted}
-->
<service>
  <id>netgap</id>
  <name>netgap</name>
  <description>netgap: ARP-refresh gaps and post-migration blackouts on virtual switches</description>
  <executable>${xml(o.node ?? WINSW_DEFAULTS.node)}</executable>
${args.map((a) => `  <argument>${xml(a)}</argument>\n`).join('')}  <serviceaccount>
${account === 'LocalService' ? '    <domain>NT AUTHORITY</domain>\n' : ''}    <user>${account}</user>
  </serviceaccount>
  <startmode>Automatic</startmode>
  <onfailure action="restart" delay="10 sec"/>
  <resetfailure>1 hour</resetfailure>
  <stopparentprocessfirst>true</stopparentprocessfirst>
  <stoptimeout>30 sec</stoptimeout>
  <logpath>${xml(dir)}</logpath>
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>8</keepFiles>
  </log>
</service>
`;
}
