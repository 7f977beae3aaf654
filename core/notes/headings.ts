import type { Finding } from '../schema/generated/report.js';
import { REPORT_SECTIONS } from '../report/sections.js';
import { noteStructure } from './structure.js';

export interface SectionHeading {
  section: Finding['section'];
  /** The heading's source lines (offsets into the note). */
  start: number;
  end: number;
}

/**
 * What a heading may say to name a report section, besides the section's title: the report's own
 * sub-headings and the Captures tree's groups under it (what "Insert report section" writes into a note),
 * and the usual names of the same thing. Whole phrases only: "Call notes" names no section although a call
 * is part of Application.
 */
const SECTION_NAMES: Record<Finding['section'], readonly string[]> = {
  dns: [
    'names looked up',
    'name resolution',
    'dns names',
    'domain names',
    'dns lookups',
    'dns queries',
    'dnssec',
    'dns security',
  ],
  network: [
    'addresses',
    'ip addresses',
    'turn relays',
    'relays',
    'stun/turn messages',
    'stun/turn',
    'stun',
    'turn',
    'nat',
    'nat traversal',
    'ice',
  ],
  transport: [
    'flows',
    'connections',
    'protocols',
    'parallel tcp connections to one server',
    'tcp health by server',
    'tcp health',
    'transports',
    'tcp',
    'udp',
    'tcp and udp',
    'ports',
  ],
  security: [
    'tls',
    'dtls',
    'tls/dtls',
    'tls servers',
    'tls handshakes',
    'handshakes',
    'cipher suites',
    'ciphers',
    'client hellos',
    'certificates',
    'certificate chains',
    'encryption',
  ],
  application: [
    'activity',
    'activities',
    'activity over time',
    'activities compared',
    'user activity',
    'call phases',
    'phases',
    'media',
    'media streams',
    'rtp',
    'rtp/rtcp',
    'quic',
    'ssdp',
  ],
  quality: [
    'quality',
    'streams',
    "worst windows against microsoft's network targets",
    'gaps of 200 ms or more',
    'round trips',
    'media quality',
    'stream quality',
    'network quality',
    'loss and jitter',
    'packet loss',
    'jitter',
    'qos',
    'dscp',
  ],
};

const SECTION_OF_NAME = new Map<string, Finding['section']>(
  REPORT_SECTIONS.flatMap(({ id, title }) =>
    [title, `${title} layer`, ...SECTION_NAMES[id]].map((name) => [normalise(name), id] as const),
  ),
);

/**
 * A heading's text reduced to the phrase it names: case, a leading number ("2.", "3.1"), a trailing
 * parenthesis ("(5 s windows)") or colon, and spacing around "/" do not matter.
 */
function normalise(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\/\s*/g, '/')
    .replace(/^\s*\d+(?:\.\d+)*[.)]?\s+/, '')
    .replace(/\s*\([^()]*\)\s*$/, '')
    .replace(/[\s:]+$/, '')
    .trim();
}

/** The report section a heading's text names as a whole phrase, if any. */
export function sectionNamed(heading: string): Finding['section'] | undefined {
  return SECTION_OF_NAME.get(normalise(heading));
}

/** The note's Markdown headings (markdown-it's, so never a line inside a code block) that name a section of the report. */
export function sectionHeadings(text: string): SectionHeading[] {
  return noteStructure(text).blocks.flatMap((block) => {
    const section = block.kind === 'heading' ? sectionNamed(block.text) : undefined;
    return section ? [{ section, start: block.start, end: block.end }] : [];
  });
}
