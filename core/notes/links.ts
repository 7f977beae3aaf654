/**
 * How a note names its captures: YAML front matter (`capture: ./call.pcapng`, a `[a, b]` list or a `- item`
 * list; `captures:` too) or a Markdown link whose target is a capture file. Targets are returned as written
 * (percent-decoded); the caller resolves them against the note's folder.
 */

export interface CaptureLink {
  target: string;
  /** Where the target is written in the note (offsets into the text). */
  start: number;
  end: number;
}

const CAPTURE_FILE = /\.(pcapng|pcap|cap)$/i;

/** The front matter block: its body's offsets, or undefined when the note has none. */
export function frontMatter(text: string): { start: number; end: number } | undefined {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return undefined;
  const close = /^(---|\.\.\.)[ \t]*$/m.exec(text.slice(open[0].length));
  return close ? { start: open[0].length, end: open[0].length + close.index } : undefined;
}

export function captureLinks(text: string): CaptureLink[] {
  const links: CaptureLink[] = [];
  const add = (raw: string, start: number) => {
    const unquoted = /^(["'])(.*)\1$/.exec(raw)?.[2] ?? raw;
    const offset = start + (unquoted === raw ? 0 : 1);
    const target = decode(unquoted.trim());
    if (target && CAPTURE_FILE.test(target) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) links.push({ target, start: offset, end: offset + unquoted.length });
  };
  const front = frontMatter(text);
  if (front) {
    const body = text.slice(front.start, front.end);
    const key = /^captures?:[ \t]*(.*)$/m.exec(body);
    if (key) {
      const valueStart = front.start + key.index + key[0].length - key[1].length;
      const value = withoutComment(key[1]!);
      if (value.startsWith('[')) {
        for (const item of value.slice(1, value.lastIndexOf(']')).matchAll(/[^,\s][^,]*/g)) add(item[0].trimEnd(), valueStart + 1 + item.index);
      } else if (value) {
        add(value, valueStart);
      } else {
        // A block list: the "- item" lines right below the key.
        let lineStart = front.start + key.index + key[0].length + 1;
        for (const line of body.slice(key.index + key[0].length + 1).split('\n')) {
          const item = /^([ \t]*-[ \t]+)(.+?)\r?$/.exec(line);
          if (!item) break;
          add(withoutComment(item[2]!), lineStart + item[1]!.length);
          lineStart += line.length + 1;
        }
      }
    }
  }
  // [text](target) and [text](<target with spaces>); images too, harmlessly.
  for (const m of text.matchAll(/\]\((<[^>\n]+>|[^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const angled = m[1]!.startsWith('<');
    add(angled ? m[1]!.slice(1, -1) : m[1]!, m.index + 2 + (angled ? 1 : 0));
  }
  return links;
}

/** A YAML value without its trailing ' # comment'. */
function withoutComment(value: string): string {
  return value.replace(/\s+#.*$/, '').trimEnd();
}

function decode(target: string): string {
  try {
    return decodeURI(target);
  } catch {
    return target;
  }
}
