import type { Finding } from '../schema/generated/report.js';

export interface SectionHeading {
  section: Finding['section'];
  /** The heading line's offsets in the note. */
  start: number;
  end: number;
}

/** Heading words → the report section they correspond to; the first word that matches decides. */
const SECTION_WORDS: [RegExp, Finding['section']][] = [
  [/\b(?:DNS|DNSSEC|names?|resolution)\b/i, 'dns'],
  [/\b(?:TLS|DTLS|security|certificates?|cipher|encryption)\b/i, 'security'],
  [/\b(?:network|addresses|NAT|STUN|TURN|relays?)\b/i, 'network'],
  [/\b(?:transport|TCP|UDP|flows?|connections)\b/i, 'transport'],
  [/\b(?:application|media|activity|call|RTP|audio|video)\b/i, 'application'],
];

/** The note's Markdown headings (ATX, outside fenced code) that match a section of the report. */
export function sectionHeadings(text: string): SectionHeading[] {
  const headings: SectionHeading[] = [];
  let fenced = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    const section = heading ? SECTION_WORDS.find(([words]) => words.test(heading[1]!))?.[1] : undefined;
    if (section) headings.push({ section, start: offset, end: offset + line.replace(/\r$/, '').length });
    offset += line.length + 1;
  }
  return headings;
}
