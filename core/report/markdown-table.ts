/** A GFM table; when rows were cut, a line says how many the JSON report has. */
export function table(
  header: string[],
  rows: string[][],
  total = rows.length,
  more = 'the JSON report (`--format json`) has all',
): string {
  if (rows.length === 0) return 'None.\n';
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  if (total > rows.length) lines.push('', `*${rows.length} of ${total} shown; ${more}.*`);
  return `${lines.join('\n')}\n`;
}
