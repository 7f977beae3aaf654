/**
 * Everything a capture says (names, SNIs, certificate fields, user agents) is chosen by whoever made the
 * traffic. These helpers make such text inert where reports put it.
 */

/** Removes terminal control sequences and control characters, keeping tabs as spaces and text on one line. */
export function plainText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- finding control bytes is the point: they are escaped or removed
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') // CSI sequences (colours, cursor moves)
      // eslint-disable-next-line no-control-regex -- finding control bytes is the point: they are escaped or removed
      .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '') // OSC sequences (titles, hyperlinks)
      // eslint-disable-next-line no-control-regex -- finding control bytes is the point: they are escaped or removed
      .replace(/[\x00-\x1f\x7f-\x9f]/g, ' ')
  );
}

/**
 * Text placed inside a Markdown line (a table cell, after a list marker, in bold): no emphasis, links, HTML
 * or pipes breaking the table. Dots and dashes stay as they are, so names remain readable in the source;
 * never start a line with this text, where "1." or "-" would begin a list.
 */
export function markdownText(text: string): string {
  return plainText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/**
 * An inline code span that holds any text: the fence is longer than any backtick run inside. In a table
 * cell a pipe must be escaped even inside code (GFM), elsewhere the escape would show.
 */
export function markdownCode(text: string, inTable = false): string {
  const clean = inTable ? plainText(text).replace(/\|/g, '\\|') : plainText(text);
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}
