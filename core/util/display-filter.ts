/** A string literal in a Wireshark display filter: quotes and backslashes escaped, control bytes as \xNN. */
export function filterString(value: string): string {
  const escaped = value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    // eslint-disable-next-line no-control-regex -- finding control bytes is the point: they are escaped or removed
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${escaped}"`;
}

/** `ip.addr == 1.2.3.4` or `ipv6.addr == …`, whichever family the address is. */
export function addressFilter(ip: string, direction: 'addr' | 'src' | 'dst' = 'addr'): string {
  return `${ip.includes(':') ? 'ipv6' : 'ip'}.${direction} == ${ip}`;
}

/** One packet by its number in the capture. */
export function frameFilter(frame: number): string {
  return `frame.number == ${frame}`;
}

/** A flow by tshark's stream index, from its id ("udp:16" → `udp.stream == 16`): true whichever heuristics run. */
export function streamFilter(flowId: string): string {
  const [transport, index] = flowId.split(':');
  return `${transport}.stream == ${index}`;
}

/**
 * What one sender sent on each of several flows: `udp.stream == 3 && ip.src == a` for one, `((…) || (…))` for
 * more, so that `&&` after it binds to all.
 */
export function sendersFilter(legs: readonly { flowId: string; source: { ip: string } }[]): string {
  const each = [...new Set(legs.map((leg) => `${streamFilter(leg.flowId)} && ${addressFilter(leg.source.ip, 'src')}`))];
  return each.length === 1 ? each[0]! : `(${each.map((filter) => `(${filter})`).join(' || ')})`;
}

/** Several flows by their ids, each once: `tcp.stream == 3 || tcp.stream == 7`. */
export function flowsFilter(flowIds: Iterable<string>): string {
  return [...new Set(flowIds)].map(streamFilter).join(' || ');
}

export function hex(code: number, digits = 4): string {
  return `0x${code.toString(16).padStart(digits, '0')}`;
}

/** `field == a || field == b …`: set membership that tshark 3.6 and 4.x both parse (their `in {…}` syntaxes differ). */
export function anyOf(field: string, values: Iterable<number | string>): string {
  return [...values].map((v) => `${field} == ${v}`).join(' || ');
}

/**
 * `field in {a, b}`: one set-membership test instead of a chain of ==. tshark 4.0 separates the members with
 * commas, 3.6 with spaces; given no version, the `||` chain both read.
 */
export function memberOf(field: string, values: Iterable<number | string>, tsharkVersion?: string): string {
  const members = [...values];
  if (!tsharkVersion || members.length < 2) return anyOf(field, members);
  const major = Number(tsharkVersion.split('.')[0]);
  return `${field} in {${members.join(major >= 4 ? ', ' : ' ')}}`;
}
