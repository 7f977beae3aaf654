import type { Flow } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import type { NameIndex } from '../summaries/names.js';
import type { FindingDraft, FindingRule } from './finding.js';
import { count } from '../util/plural.js';

/**
 * Application protocols tshark decoded in the clear that carry content or credentials; their TLS-protected
 * forms decode as "tls". DNS has its own finding; DHCP, SSDP, mDNS and the like are local discovery.
 */
const PLAINTEXT_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['http', 'HTTP'],
  ['sip', 'SIP'],
  ['ftp', 'FTP'],
  ['telnet', 'Telnet'],
  ['pop', 'POP3'],
  ['imap', 'IMAP'],
  ['smtp', 'SMTP'],
  ['ldap', 'LDAP'],
  ['snmp', 'SNMP'],
  ['xmpp', 'XMPP'],
]);

const EVIDENCE_FLOWS = 20;

/** One finding per plaintext protocol: which servers, how much, with the flows' frames. */
export const plaintext: FindingRule = {
  section: 'security',
  find: ({ flows, summaries }) => plaintextFindings(flows, summaries.names),
};

function plaintextFindings(flows: readonly Flow[], names: NameIndex): FindingDraft[] {
  return [...PLAINTEXT_PROTOCOLS].flatMap(([protocol, label]): FindingDraft[] => {
    const carrying = flows.filter(
      (f) => f.protocols.includes(protocol) && !(protocol === 'http' && f.protocols.includes('ssdp')),
    );
    if (carrying.length === 0) return [];
    const shown = carrying.slice(0, EVIDENCE_FLOWS);
    const servers = [
      ...new Set(
        carrying.map((f) => {
          const name = names.namesOf(f.server.ip)[0]?.name;
          return name ? `${formatEndpoint(f.server)} (${name})` : formatEndpoint(f.server);
        }),
      ),
    ];
    return [
      {
        id: `plaintext/${protocol}`,
        severity: 'notice',
        title: `${label} in clear text in ${count(carrying.length, 'flow')}`,
        detail: `Unencrypted ${label} to ${servers.slice(0, 8).join(', ')}${servers.length > 8 ? ` and ${servers.length - 8} more` : ''}: its content can be read and changed on the path.`,
        frames: shown.map((f) => f.firstFrame),
        // The flows themselves, first frames included; `${protocol}` alone would show only the decoded messages.
        filter: shown.map((f) => f.filter).join(' || '),
      },
    ];
  });
}
