import type { Report } from '../core/schema/generated/report.js';
import type { SampleTruth } from '../core/schema/generated/sample-truth.js';
import { endpointText, matchesFinding } from '../core/sample/truth.js';

/**
 * Where a report disagrees with a sample's ground truth, one line per disagreement (empty when they agree):
 * activities, media streams and their kinds, paths and directions, relays, NAT, DNS names, TLS, QUIC, SSDP,
 * findings present and absent.
 */
export function truthDisagreements(report: Report, truth: SampleTruth): string[] {
  const problems: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      problems.push(`${what}: report says ${JSON.stringify(actual)}, truth says ${JSON.stringify(expected)}`);
  };
  expect('packets', report.capture.packets, truth.packets);
  expect('link types', report.capture.linkTypes, [truth.linkType]);
  const { ipv4, ipv6 } = report.transport.ipVersions;
  expect('IP versions', [...(ipv4.packets ? [4] : []), ...(ipv6.packets ? [6] : [])], truth.ipVersions);
  expect('dominant activity', report.application.dominantActivity, truth.dominantActivity);
  expect('activities', report.application.activities, truth.activities);

  // One entry per SSRC and path: a stream ICE moved to another path is on each.
  const media = new Map(report.media.map((m) => [`${m.ssrc}/${m.path}`, m]));
  for (const stream of truth.media) {
    const found = media.get(`${stream.ssrc}/${stream.path}`);
    if (!found) {
      problems.push(`media stream ${stream.ssrc} (${stream.kind}) is missing`);
      continue;
    }
    expect(
      `stream ${stream.ssrc}`,
      [found.kind, found.path, found.direction, found.payloadTypes],
      [stream.kind, stream.path, stream.direction, [stream.payloadType]],
    );
  }
  expect('media streams', report.media.length, truth.media.length);
  expect('call path', report.call?.path, truth.callPath);
  expect('relays', report.stun.summary.relays.map((r) => endpointText(r.ip, r.port)).sort(), truth.relays);
  // The call's media goes through the scenario's relays, never through the client's own candidates.
  expect(
    'call relays outside the truth',
    (report.call?.relays ?? []).map((r) => endpointText(r.ip, r.port ?? 0)).filter((r) => !truth.relays.includes(r)),
    [],
  );
  const relayHosts = new Set(truth.relays.map((r) => r.slice(0, r.lastIndexOf(':')).replace(/^\[|\]$/g, '')));
  expect(
    'relays taken for clients',
    report.addresses.filter((a) => a.role === 'client' && relayHosts.has(a.ip)).map((a) => a.ip),
    [],
  );
  expect('behind NAT', report.stun.summary.behindNat, truth.behindNat);
  expect('public addresses', report.stun.summary.publicAddresses.map((a) => a.ip).sort(), truth.publicAddresses);
  const names = new Map(report.dns.names.map((n) => [n.name, n]));
  expect(
    'DNS names',
    [...names.keys()].sort(),
    truth.dnsNames.map((n) => n.name),
  );
  for (const { name, aliases, addresses } of truth.dnsNames) {
    const found = names.get(name);
    if (found) expect(`DNS ${name}`, [found.aliases, [...found.addresses].sort()], [aliases, addresses]);
  }

  // A relay's pseudo-TLS is MS-TURN, not TLS: the truth's TLS versions and suites leave it out, as the report must.
  const handshakes = report.tls.handshakes.filter((h) => h.protocol === 'tls' && !h.pseudoTls);
  expect(
    'TLS versions',
    [...new Set(handshakes.flatMap((h) => (h.serverHello?.version.name ? [h.serverHello.version.name] : [])))].sort(),
    truth.tls.versions,
  );
  expect(
    'TLS server names',
    [...new Set(handshakes.flatMap((h) => (h.clientHello?.sni ? [h.clientHello.sni] : [])))].sort(),
    truth.tls.serverNames,
  );
  expect(
    'selected suites',
    [...new Set(handshakes.flatMap((h) => (h.serverHello ? [h.serverHello.cipherSuite.code] : [])))].sort(
      (a, b) => a - b,
    ),
    truth.tls.selectedSuites,
  );
  expect(
    'QUIC server names',
    [...new Set(report.quic.connections.flatMap((c) => (c.sni ? [c.sni] : [])))].sort(),
    truth.quicServerNames,
  );
  expect('SSDP', report.ssdp.messages.length > 0, truth.ssdp);

  const ids = report.findings.map((f) => f.id);
  for (const expected of truth.findings.present)
    if (!ids.some((id) => matchesFinding(id, expected))) problems.push(`finding ${expected} is missing`);
  for (const unexpected of truth.findings.absent)
    for (const id of ids.filter((i) => matchesFinding(i, unexpected)))
      problems.push(`finding ${id} should not be there`);
  return problems;
}
