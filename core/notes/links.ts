/**
 * How a note names its captures: YAML front matter (`capture: ./call.pcapng`, a `[a, b]` list or a `- item`
 * list; `captures:` too) or a Markdown link whose target is a capture file. Targets are returned as written
 * (link targets percent-decoded); the caller resolves them against the note's folder.
 */
import { decodeTarget, noteStructure } from './structure.js';

export interface CaptureLink {
  target: string;
  /** Where the target is written in the note (offsets into the text). */
  start: number;
  end: number;
}

const CAPTURE_FILE = /\.(pcapng|pcap|cap)$/i;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Where a link target is written: `](target)` or `](<target with spaces>)`, an optional title after it. */
const LINK_TARGET = /\]\((<[^>\n]+>|[^)\s]+)(?:\s+"[^"]*")?\)/g;

export function captureLinks(text: string): CaptureLink[] {
  const { frontMatter, blocks } = noteStructure(text);
  const links: CaptureLink[] = [];
  const add = (target: string, start: number, end: number) => {
    if (target && CAPTURE_FILE.test(target) && !URL_SCHEME.test(target)) links.push({ target, start, end });
  };
  for (const capture of frontMatter?.captures ?? []) add(capture.target, capture.start, capture.end);
  // markdown-it says which links there are (none in code spans or code blocks); the source says where each is written.
  for (const block of blocks) {
    const targets = new Set(block.links);
    if (!targets.size) continue;
    for (const m of text.slice(block.start, block.end).matchAll(LINK_TARGET)) {
      const angled = m[1]!.startsWith('<');
      const written = angled ? m[1]!.slice(1, -1) : m[1]!;
      const target = decodeTarget(written);
      const start = block.start + m.index + 2 + (angled ? 1 : 0);
      if (targets.has(target)) add(target, start, start + written.length);
    }
  }
  return links;
}
