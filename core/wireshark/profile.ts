import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CLIENT_PORT_ROLES, SHARING_RELAY_PORT } from '../classify/media.js';
import { RELAY_PORTS } from '../classify/services.js';
import { TeamsharkError } from '../util/errors.js';
import { catalogEntries } from '../knowledge/catalog.js';
import { publishedRanges } from '../knowledge/ranges.js';
import { TSHARK_ANALYSIS_OPTIONS } from '../tshark/run.js';
import { MS_TURN_TCP_COOKIE_FILTER } from '../tshark/tcp-stun.js';
import { COMMENT_PREFIX } from './annotate.js';
import { DECRYPTED_REQUESTS_FILTER } from './keylog.js';

export const PROFILE_NAME = 'Teamshark';

/** A named display filter of the profile: a colouring rule or a filter button. */
export interface ProfileFilter {
  name: string;
  filter: string;
}

interface ColoringRule extends ProfileFilter {
  /** Background colour, RGB 0–255 (Wireshark stores 16-bit channels). */
  background: readonly [number, number, number];
}

/**
 * What Wireshark should show the same way Teamshark analyses it, beyond TSHARK_ANALYSIS_OPTIONS:
 * reassembling TCP segments that arrive out of order, so TLS records split across a retransmission decode.
 */
const PROFILE_PREFERENCES: Readonly<Record<string, string>> = { 'tcp.reassemble_out_of_order': 'TRUE' };

/** What a Teams analysis wants to see per packet, besides Wireshark's usual columns. */
const COLUMNS: readonly [title: string, format: string][] = [
  ['No.', '%m'],
  ['Time', '%t'],
  ['Source', '%s'],
  ['Destination', '%d'],
  ['Protocol', '%p'],
  ['Length', '%L'],
  ['Stream', '%Cus:tcp.stream || udp.stream:0:R'],
  ['SSRC', '%Cus:rtp.ssrc:0:R'],
  ['PT', '%Cus:rtp.p_type:0:R'],
  ['STUN method', '%Cus:stun.type.method:0:R'],
  ['Info', '%i'],
];

/** The same address ranges the classifiers use: Teams media relays are Microsoft's Teams-calling ("Optimize") prefixes. */
function rangeFilter(services: readonly string[]): string {
  const prefixes = publishedRanges()
    .filter((r) => services.includes(r.service))
    .map((r) => r.prefix);
  const v4 = prefixes.filter((p) => !p.includes(':'));
  const v6 = prefixes.filter((p) => p.includes(':'));
  return [v4.length ? `ip.addr in {${v4.join(', ')}}` : '', v6.length ? `ipv6.addr in {${v6.join(', ')}}` : '']
    .filter(Boolean)
    .join(' || ');
}

/** The catalog's name patterns for some services, as one case-insensitive regular expression over a whole name. */
function namePattern(services: readonly string[]): string {
  const alternatives = catalogEntries()
    .filter((entry) => services.includes(entry.service))
    // As in the catalog, a leading "*." stands for one label or more, a "*" inside a label for part of one.
    .map((entry) =>
      entry.pattern.replace(/^\*\./, '\0').split('*').map(escapeRegex).join('[^.]+').replace('\0', '.+[.]'),
    );
  return `(?i)^(${alternatives.join('|')})[.]?$`;
}

/** A bracket, not a backslash, quotes a character: the expression then needs no escaping in a filter string or a UAT file. */
function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|]/g, '[$&]');
}

function portSet(ports: Iterable<number>): string {
  return `{${[...ports].join(', ')}}`;
}

/**
 * A relay's pseudo-TLS by its own shape, as the TLS collector (core/model/tls.ts) and core/tshark/tcp-stun.ts tell
 * it from TLS: a ClientHello offering one suite (2 bytes) and no extension; a ServerHello with its ServerHelloDone
 * and no certificate or key exchange between; records carrying STUN's magic cookie. Real TLS to the same relay
 * addresses (api.flightproxy…) has extensions, SNI and a certificate, and stays uncoloured.
 */
export const PSEUDO_TLS_FILTER = [
  'tls.handshake.type == 1 && tls.handshake.cipher_suites_length == 2 && !tls.handshake.extension.type',
  'tls.handshake.type == 2 && tls.handshake.type == 14 && !(tls.handshake.type == 11) && !(tls.handshake.type == 12)',
  MS_TURN_TCP_COOKIE_FILTER,
]
  .map((part) => `(${part})`)
  .join(' || ');

/** Colouring rules, first match wins: Teamshark's own annotations, then Teams traffic most specific first. */
export function coloringRules(): ColoringRule[] {
  const relays = `(${rangeFilter(['teams-calling'])})`;
  const teamsNames = namePattern(['teams', 'teams-calling']);
  const roleFilter = (role: (typeof CLIENT_PORT_ROLES)[number]['role']) =>
    CLIENT_PORT_ROLES.filter((r) => r.role === role)
      .map((r) => `udp.port in {${r.from}..${r.to}}`)
      .join(' || ');
  return [
    { name: 'Teamshark finding', filter: `frame.comment contains "${COMMENT_PREFIX}"`, background: [255, 214, 102] },
    {
      name: 'Teams relay pseudo-TLS (MS-TURN over TCP: its hello shape, STUN in its records)',
      filter: `tcp && (${PSEUDO_TLS_FILTER})`,
      background: [214, 190, 255],
    },
    {
      name: 'Teams screen sharing (relay port or client port range)',
      filter: `udp && ((udp.port == ${SHARING_RELAY_PORT} && ${relays}) || ${roleFilter('screen-sharing')})`,
      background: [255, 190, 220],
    },
    { name: 'Teams video (client port range)', filter: `udp && (${roleFilter('video')})`, background: [190, 225, 255] },
    { name: 'Teams audio (client port range)', filter: `udp && (${roleFilter('audio')})`, background: [190, 255, 200] },
    {
      name: 'Teams relay (STUN/TURN ports)',
      filter: `udp.port in ${portSet(RELAY_PORTS)} && ${relays}`,
      background: [230, 215, 255],
    },
    { name: 'RTP/RTCP media', filter: 'rtp || rtcp', background: [215, 245, 220] },
    { name: 'STUN/TURN', filter: 'stun || classicstun', background: [235, 225, 255] },
    { name: 'Teams DNS names', filter: `dns.qry.name matches "${teamsNames}"`, background: [255, 250, 200] },
    {
      name: 'Teams TLS server names',
      filter: `tls.handshake.extensions_server_name matches "${teamsNames}"`,
      background: [255, 235, 205],
    },
  ];
}

/** Filter buttons: one per section of findings, plus the annotated frames and the decrypted requests. */
export function filterButtons(): ProfileFilter[] {
  const relays = rangeFilter(['teams-calling']);
  return [
    { name: 'Teamshark findings', filter: `frame.comment contains "${COMMENT_PREFIX}"` },
    { name: 'DNS', filter: 'dns' },
    {
      name: 'Teams names',
      filter: `dns.qry.name matches "${namePattern(['teams', 'teams-calling'])}" || tls.handshake.extensions_server_name matches "${namePattern(['teams', 'teams-calling'])}"`,
    },
    { name: 'NAT/STUN/TURN', filter: 'stun || classicstun' },
    { name: 'Relays', filter: relays },
    { name: 'Transport problems', filter: 'tcp.analysis.flags && !tcp.analysis.window_update' },
    {
      name: 'TLS handshakes',
      filter: 'tls.handshake.type == 1 || tls.handshake.type == 2 || quic.long.packet_type == 0',
    },
    { name: 'Media', filter: 'rtp || rtcp' },
    { name: 'Decrypted requests', filter: DECRYPTED_REQUESTS_FILTER },
  ];
}

/** TSHARK_ANALYSIS_OPTIONS (and any extra decode-as rules) as the profile's preferences, heuristics and decode-as entries. */
function analysisSettings(decodeAs: readonly string[]): {
  preferences: Map<string, string>;
  heuristics: string[];
  decodeAs: string[];
} {
  const preferences = new Map<string, string>();
  const heuristics: string[] = [];
  const rules = [...decodeAs];
  const options = [...TSHARK_ANALYSIS_OPTIONS];
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    if (option === '-n') {
      // All of Wireshark's name resolution off, as tshark -n: MAC vendors (on by default), addresses, ports,
      // VLANs, and no external resolver asked.
      for (const kind of ['mac_name', 'network_name', 'transport_name', 'vlan_name', 'use_external_name_resolver'])
        preferences.set(`nameres.${kind}`, 'FALSE');
    } else if (option === '--enable-heuristic') heuristics.push(options[++i]!);
    else if (option === '-o') {
      const [name, ...value] = options[++i]!.split(':');
      preferences.set(name!, value.join(':'));
    } else if (option === '-d') rules.push(options[++i]!);
    // A new analysis option must be taught here, or Wireshark and the report would disagree silently.
    else throw new Error(`core/wireshark/profile.ts does not know how to write tshark option ${option} into a profile`);
  }
  for (const [name, value] of Object.entries(PROFILE_PREFERENCES)) preferences.set(name, value);
  return { preferences, heuristics, decodeAs: rules.map(decodeAsEntry) };
}

/** "udp.port==50000,rtp" → "decode_as_entry: udp.port,50000,(none),RTP" */
function decodeAsEntry(rule: string): string {
  const match = /^([a-z0-9_.]+)(?:==|:)(\d+),([a-z0-9_.-]+)$/i.exec(rule.trim());
  if (!match)
    throw new TeamsharkError(
      'invalid-option',
      `--decode-as "${rule}": expected TABLE==VALUE,PROTOCOL, e.g. udp.port==50000,rtp`,
    );
  return `decode_as_entry: ${match[1]},${match[2]},(none),${match[3]!.toUpperCase()}`;
}

/** The profile's files, by name: Wireshark reads each from the profile folder. */
export function profileFiles(decodeAs: readonly string[] = []): Record<string, string> {
  const settings = analysisSettings(decodeAs);
  const header = (what: string) =>
    `# ${what} written by teamshark wireshark-profile from the knowledge its classifiers use; regenerate rather than edit.\n`;
  const rgb = (c: readonly number[]) => `[${c.map((v) => v * 257).join(',')}]`;
  const files: Record<string, string> = {
    preferences: `${header('Preferences')}${[...settings.preferences].map(([name, value]) => `${name}: ${value}\n`).join('')}gui.column.format:\n${COLUMNS.map(([title, format]) => `\t${quote(title)}, ${quote(format)}`).join(',\n')}\n`,
    heuristic_protos: `${header('Heuristic dissectors')}${settings.heuristics.map((h) => `${h},1\n`).join('')}`,
    colorfilters: `${header('Colouring rules')}${coloringRules()
      .map((rule) => `@${rule.name}@${rule.filter}@${rgb(rule.background)}${rgb([0, 0, 0])}\n`)
      .join('')}`,
    dfilter_buttons: `${header('Filter buttons')}${filterButtons()
      .map((button) => `"TRUE",${quote(button.name)},${quote(button.filter)},${quote('Teamshark')}\n`)
      .join('')}`,
  };
  if (settings.decodeAs.length)
    files.decode_as_entries = `${header('Decode As entries')}${settings.decodeAs.map((entry) => `${entry}\n`).join('')}`;
  return files;
}

/** A UAT string field, escaped the way Wireshark writes them (uat_esc): quote and backslash as \xNN. */
function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`)}"`;
}

/** Wireshark's personal configuration folder: %APPDATA%\Wireshark on Windows, else $XDG_CONFIG_HOME/wireshark (~/.config/wireshark). */
export function wiresharkConfigFolder(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Wireshark');
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'wireshark');
}

export function defaultProfileFolder(env: NodeJS.ProcessEnv = process.env): string {
  return join(wiresharkConfigFolder(env), 'profiles', PROFILE_NAME);
}

/**
 * Writes the profile folder: into a new folder beside it, then moved into place, so Wireshark never reads
 * half a profile. An existing folder is replaced only with `force`.
 */
export async function writeWiresharkProfile(options: {
  folder?: string;
  force: boolean;
  decodeAs?: readonly string[];
}): Promise<string> {
  const folder = options.folder ?? defaultProfileFolder();
  const files = profileFiles(options.decodeAs);
  const exists = await lstat(folder).then(
    () => true,
    () => false,
  );
  if (exists && !options.force)
    throw new TeamsharkError('file-exists', `${folder} already exists: add --force to replace it`);
  if (
    exists &&
    (await lstat(folder)).isDirectory() &&
    (await readdir(folder)).some((name) => !(name in files) && !WIRESHARK_OWN_FILES.has(name))
  ) {
    throw new TeamsharkError(
      'foreign-files',
      `${folder} holds files Teamshark did not write: choose another --out, or remove it first`,
    );
  }
  const temporary = join(dirname(folder), `.${basename(folder)}.${process.pid}.tmp`);
  try {
    await mkdir(temporary, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(temporary, name), text);
    if (exists) await rm(folder, { recursive: true, force: true });
    await rename(temporary, folder);
  } catch (error) {
    if (error instanceof TeamsharkError) throw error;
    throw new TeamsharkError(
      'write-failed',
      `cannot write ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  return folder;
}

/** Files Wireshark itself writes into a profile it has used (window layout, recent files). */
const WIRESHARK_OWN_FILES = new Set(['recent', 'recent_common', 'decode_as_entries']);
