import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

/** Something in a note that could not be read as written (one line), and where (offsets into the note). */
export interface NoteSyntaxProblem {
  message: string;
  start: number;
  end: number;
}

/** A file name the front matter lists under `capture:` or `captures:`, as the YAML value says it. */
export interface FrontMatterCapture {
  target: string;
  /** Where the name is written, without its quotes (offsets into the note). */
  start: number;
  end: number;
}

export interface FrontMatter {
  /** The whole block, both `---` lines included (offsets into the note). */
  start: number;
  end: number;
  captures: FrontMatterCapture[];
  /** YAML errors and capture keys of the wrong shape; the rest of the block is still read. */
  problems: NoteSyntaxProblem[];
}

const CAPTURE_KEYS = new Set(['capture', 'captures']);

/**
 * The note's YAML front matter: a first line `---`, the YAML, then a line `---` or `...` (the Jekyll / Pandoc
 * convention). The YAML itself is read by the `yaml` package, so quoting, flow and block lists, comments and
 * blank lines mean what they mean in YAML. Never throws: bad YAML becomes problems.
 */
export function readFrontMatter(text: string): FrontMatter | undefined {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return undefined;
  const close = /^(?:---|\.\.\.)[ \t]*\r?$/m.exec(text.slice(open[0].length));
  if (!close) return undefined;
  const bodyStart = open[0].length;
  const body = text.slice(bodyStart, bodyStart + close.index);
  const document = parseDocument(body, { prettyErrors: false, uniqueKeys: true });
  /** A node's or error's place in the note, trailing white space left out. */
  const at = ([start = 0, end = start]: readonly number[]) => ({
    start: bodyStart + start,
    end: bodyStart + Math.max(start, body.slice(0, end).trimEnd().length),
  });
  // YAML points at a character or two; the rest of that line goes with it, so the squiggle can be seen.
  const lineEnd = (offset: number) => (body.indexOf('\n', offset) + 1 || body.length + 1) - 1;
  const problems: NoteSyntaxProblem[] = [...document.errors, ...document.warnings].map((e) => ({
    message: `Front matter is not valid YAML: ${e.message.split('\n')[0]}`,
    ...at([e.pos[0], Math.max(e.pos[1], lineEnd(e.pos[0]))]),
  }));
  const captures: FrontMatterCapture[] = [];
  const add = (node: Node | null | undefined, key: string) => {
    if (isScalar(node) && typeof node.value === 'string') {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
      const { start, end } = at(node.range!);
      captures.push({ target: node.value, start: start + quoted, end: end - quoted });
    } else if (node && !(isScalar(node) && node.value === null)) {
      problems.push({
        message: `Front matter: "${key}:" should be a file name or a list of file names`,
        ...at(node.range ?? [0, body.length]),
      });
    }
  };
  if (isMap(document.contents)) {
    for (const pair of document.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (!key || !CAPTURE_KEYS.has(key)) continue;
      if (isSeq(pair.value)) pair.value.items.forEach((item) => add(item as Node, key));
      else add(pair.value as Node | null, key);
    }
  }
  return { start: 0, end: bodyStart + close.index + close[0].length, captures, problems };
}
