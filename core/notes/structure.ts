import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { readFrontMatter, type FrontMatter } from './front-matter.js';

/**
 * A block of a note as markdown-it parses it. `code` (fenced or indented) and `html` blocks are quotes, not
 * prose; the others hold inline text.
 */
export interface NoteBlock {
  kind: 'heading' | 'paragraph' | 'table-row' | 'code' | 'html';
  /** The block's source lines (offsets into the note: start of its first line, end of its last, line break excluded). */
  start: number;
  end: number;
  /** The inline text as Markdown reads it (no markers, emphasis or link targets); empty for code and HTML. */
  text: string;
  /** Link targets inside the block, as markdown-it resolved them (percent-decoded where possible). */
  links: string[];
}

export interface NoteStructure {
  frontMatter?: FrontMatter;
  blocks: NoteBlock[];
}

// Raw HTML on, so that an HTML block (a comment) is one block and not a paragraph; nothing is rendered.
const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

const BLOCK_KINDS: Partial<Record<string, NoteBlock['kind']>> = {
  heading_open: 'heading',
  paragraph_open: 'paragraph',
  tr_open: 'table-row',
  fence: 'code',
  code_block: 'code',
  html_block: 'html',
};

/**
 * The note's front matter and Markdown blocks, in order. Line positions come from markdown-it's `token.map`,
 * so a ```` fence holding ```, or a ~~~ block holding ```, is one code block as in any Markdown viewer.
 */
export function noteStructure(text: string): NoteStructure {
  const frontMatter = readFrontMatter(text);
  // The front matter is blanked (line breaks kept) so that markdown-it reads no thematic break or setext heading in it.
  const source = frontMatter
    ? text.slice(0, frontMatter.end).replace(/[^\r\n]/g, ' ') + text.slice(frontMatter.end)
    : text;
  const lines = lineOffsets(text);
  const blocks: NoteBlock[] = [];
  let current: NoteBlock | undefined;
  for (const token of markdown.parse(source, {})) {
    const kind = BLOCK_KINDS[token.type];
    if (kind && token.map) {
      const [first, last] = token.map;
      current = { kind, start: lines[first]!.start, end: lines[Math.max(first, last - 1)]!.end, text: '', links: [] };
      blocks.push(current);
    } else if (token.type === 'inline' && current) {
      // Table cells' inline tokens have no map of their own: they belong to the row opened last.
      current.text += (current.text && current.kind === 'table-row' ? ' | ' : '') + inlineText(token.children ?? []);
      current.links.push(...linkTargets(token.children ?? []));
    }
  }
  return { frontMatter, blocks };
}

function inlineText(children: readonly Token[]): string {
  return children
    .map((child) =>
      child.type === 'text' || child.type === 'code_inline'
        ? child.content
        : child.type === 'softbreak' || child.type === 'hardbreak'
          ? '\n'
          : '',
    )
    .join('');
}

function linkTargets(children: readonly Token[]): string[] {
  return children
    .filter((child) => child.type === 'link_open')
    .map((child) => decodeTarget(child.attrGet('href') ?? ''));
}

/** A link target with its %XX escapes decoded (a file name as on disk: %23 is "#"), or as written when they are not valid. */
export function decodeTarget(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

/** Each line's start and end (line break excluded); markdown-it counts \r\n, \r and \n as one break each. */
function lineOffsets(text: string): { start: number; end: number }[] {
  const lines: { start: number; end: number }[] = [];
  let start = 0;
  for (const lineBreak of text.matchAll(/\r\n?|\n/g)) {
    lines.push({ start, end: lineBreak.index });
    start = lineBreak.index + lineBreak[0].length;
  }
  lines.push({ start, end: text.length });
  return lines;
}
