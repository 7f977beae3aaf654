import assert from 'node:assert/strict';
import { classifyAddresses, isLocalAddress } from '../../core/classify/addresses.js';
import type { ClientAct } from '../../core/classify/capturing-host.js';
import type { ModelFlow } from '../../core/model/flows.js';
import type { DnsTransaction, TlsHandshake } from '../../core/schema/generated/report.js';
import { NameIndex } from '../../core/summaries/names.js';
import { clientHello, flow, resolvedLookup, tlsHandshake } from '../builders/capture-model.js';

const CLIENT = '192.168.1.6';

interface Capture {
  flows: ModelFlow[];
  dns?: DnsTransaction[];
  tls?: TlsHandshake[];
  mediaFlows?: string[];
  relays?: string[];
  requestSenders?: Map<string, Set<ClientAct>>;
}

/** The role of every address of these flows, by address. */
function rolesOf({ flows, dns = [], tls = [], mediaFlows = [], relays = [], requestSenders }: Capture) {
  const { roles, clients } = classifyAddresses({
    flows,
    names: new NameIndex(dns, tls),
    mediaFlows: new Set(mediaFlows),
    relays: new Map(relays.map((ip) => [ip, [99]])),
    ...(requestSenders && { requestSenders }),
  });
  return { role: new Map(roles.map((r) => [r.ip, r])), roles, clients };
}

/** Flows the client opens to `server`, one per stream number. */
const opened = (server: string, ...streams: number[]) =>
  streams.map((stream) => flow({ client: `${CLIENT}:${50000 + stream}`, server, stream, firstFrame: stream }));

describe('classify/addresses: a role for every address', function () {
  it('takes the local address that opens the flows for the client, with its flows as evidence', function () {
    const { role, clients } = rolesOf({ flows: opened('93.184.216.34:80', 1, 2, 3) });
    assert.deepEqual([...clients], [CLIENT]);
    assert.equal(role.get(CLIENT)!.role, 'client');
    assert.equal(
      role.get(CLIENT)!.evidence[0]!.detail,
      'the link layer does not say which host captured; it opens 3 of its 3 flows',
    );
    assert.equal(role.get('93.184.216.34')!.role, 'other');
  });

  it('does not take a host that only announces itself to multicast for a client', function () {
    const printer = [1, 2].map((stream) =>
      flow({ client: `192.168.1.9:${5353 + stream}`, server: '224.0.0.251:5353', transport: 'udp', stream }),
    );
    const { clients } = rolesOf({ flows: [...opened('93.184.216.34:80', 3, 4, 5), ...printer] });
    assert.deepEqual([...clients], [CLIENT]);
  });

  it('names a host seen only in neighbour traffic a LAN neighbour, never a client, even when it answers unicast', function () {
    const neighbour = '192.168.1.41';
    const answers = [1, 2].map((stream) =>
      flow({
        client: `${neighbour}:5355`,
        server: `${CLIENT}:${53000 + stream}`,
        transport: 'udp',
        stream,
        protocols: ['llmnr'],
      }),
    );
    const announcement = flow({
      client: `${neighbour}:5353`,
      server: '224.0.0.251:5353',
      transport: 'udp',
      stream: 9,
      protocols: ['mdns'],
    });
    const { role, clients } = rolesOf({ flows: [...opened('93.184.216.34:80', 3, 4, 5), ...answers, announcement] });
    assert.deepEqual([...clients], [CLIENT]);
    assert.equal(role.get(neighbour)!.role, 'lan-neighbour');
    assert.match(
      role.get(neighbour)!.evidence[0]!.detail,
      /^seen only in local-link neighbour traffic \(llmnr, mdns\)/,
    );
    assert.equal(role.get('224.0.0.251')!.role, 'other', 'a group address is no host');
  });

  it('never takes a relay for the client, even where the relay sent the first packet of every flow', function () {
    const relay = '52.114.250.123';
    const inbound = [8, 34].map((port, stream) =>
      flow({ client: `${relay}:3479`, server: `${CLIENT}:500${port}`, transport: 'udp', stream }),
    );
    const { role, clients } = rolesOf({ flows: inbound, relays: [relay] });
    assert.deepEqual([...clients], [CLIENT]);
    assert.equal(role.get(relay)!.role, 'relay');
  });

  it('without a link layer, takes the addresses that act as the client, public or private, not by their range', function () {
    // A host on a public IPv4 address and a global IPv6 one (teams-more/audio-file-Z1 as raw IP); a peer opens
    // as many UDP flows to it but sends no request.
    const host4 = '130.104.37.81';
    const host6 = '2001:6a8:3081:6f16::a9f6';
    const peer = '198.51.100.7';
    const flows = [
      ...[1, 2, 3].map((stream) =>
        flow({ client: `${host4}:${50000 + stream}`, server: '52.113.194.132:443', stream }),
      ),
      ...[4, 5, 6, 7].map((stream) =>
        flow({ client: `[${host6}]:${50000 + stream}`, server: '[2603:1026::1]:443', stream }),
      ),
      ...[8, 9].map((stream) =>
        flow({ client: `${peer}:${40000 + stream}`, server: `${host4}:${50000 + stream}`, transport: 'udp', stream }),
      ),
    ];
    const requestSenders = new Map<string, Set<ClientAct>>([
      [host4, new Set<ClientAct>(['syn', 'turn-mapped'])],
      [host6, new Set<ClientAct>(['syn', 'client-hello'])],
    ]);
    const { role, clients } = rolesOf({ flows, requestSenders });
    assert.deepEqual([...clients].sort(), [host4, host6].sort());
    assert.match(
      role.get(host4)!.evidence[0]!.detail,
      /opens TCP connections, is the address a TURN relay's response maps/,
    );
    assert.notEqual(role.get(peer)!.role, 'client');
  });

  it('never takes a server that answers TCP connections and opens none for the client', function () {
    const server = '52.113.194.132';
    const flows = [
      flow({ client: `${server}:443`, server: `${CLIENT}:50001`, transport: 'udp', stream: 1 }),
      flow({ client: `${server}:443`, server: `${CLIENT}:50002`, transport: 'udp', stream: 2 }),
      ...opened(`${server}:443`, 3),
    ];
    assert.deepEqual([...rolesOf({ flows }).clients], [CLIENT]);
  });

  it('names the resolver that answers DNS on port 53', function () {
    const lookups = [
      flow({ client: `${CLIENT}:50000`, server: '192.168.1.1:53', transport: 'udp', protocols: ['dns'] }),
    ];
    const { role } = rolesOf({ flows: [...lookups, ...opened('93.184.216.34:80', 1, 2)] });
    assert.equal(role.get('192.168.1.1')!.role, 'dns-resolver');
  });

  it('puts a TURN server before anything its names or range would say: a relay', function () {
    const { role } = rolesOf({ flows: opened('52.114.250.123:3478', 1, 2), relays: ['52.114.250.123'] });
    const relay = role.get('52.114.250.123')!;
    assert.equal(relay.role, 'relay');
    assert.deepEqual(relay.evidence, [{ kind: 'stun', detail: 'answers TURN requests (relay)', frames: [99] }]);
    assert.equal(relay.microsoftPrefix, '52.112.0.0/14');
  });

  it('names a local address exchanging media with the client a LAN peer, a public one a public peer', function () {
    const flows = [
      ...opened('192.168.1.7:50020', 1),
      ...opened('80.181.206.72:50020', 2),
      ...opened('203.0.113.9:443', 3),
    ];
    const { role } = rolesOf({ flows, mediaFlows: ['tcp:1', 'tcp:2'] });
    assert.equal(role.get('192.168.1.7')!.role, 'lan-peer');
    assert.equal(role.get('80.181.206.72')!.role, 'public-peer');
    assert.equal(role.get('203.0.113.9')!.role, 'other', 'no media: just a server');
  });

  it('gives a server the service the name the client asked for (SNI) says', function () {
    const tls = [
      tlsHandshake({
        server: '52.113.194.132:443',
        clientHello: clientHello({ frame: 3, sni: 'teams.microsoft.com' }),
      }),
    ];
    const { role } = rolesOf({ flows: opened('52.113.194.132:443', 1, 2), tls });
    const teams = role.get('52.113.194.132')!;
    assert.equal(teams.role, 'microsoft');
    assert.equal(teams.service, 'teams');
    assert.deepEqual(teams.names, ['teams.microsoft.com']);
    assert.equal(teams.evidence[0]!.kind, 'sni');
  });

  it('calls a server reached through Azure Front Door a CDN', function () {
    const dns = [
      resolvedLookup(['config.teams.microsoft.com', 's-0005.s-msedge.net'], ['52.113.194.132'], { responseFrame: 2 }),
    ];
    const { role } = rolesOf({ flows: opened('52.113.194.132:443', 1, 2), dns });
    const edge = role.get('52.113.194.132')!;
    assert.equal(edge.role, 'cdn');
    assert.ok(edge.evidence.some((e) => e.detail === 'served through Azure Front Door'));
  });

  it('falls back on Microsoft’s published ranges when the capture names nothing', function () {
    const { role } = rolesOf({ flows: opened('52.113.194.132:443', 1, 2) });
    assert.equal(role.get('52.113.194.132')!.role, 'microsoft');
    assert.match(role.get('52.113.194.132')!.evidence[0]!.detail, /^in 52\.112\.0\.0\/14 \(Microsoft /);
  });

  it('lists the addresses by bytes, most first', function () {
    const flows = [
      flow({ client: `${CLIENT}:50001`, server: '203.0.113.1:443', stream: 1, bytes: 10 }),
      flow({ client: `${CLIENT}:50002`, server: '203.0.113.2:443', stream: 2, bytes: 5000 }),
    ];
    assert.deepEqual(
      rolesOf({ flows }).roles.map((r) => r.ip),
      [CLIENT, '203.0.113.2', '203.0.113.1'],
    );
  });

  it('knows private, shared and link-local addresses for local, public ones not', function () {
    for (const ip of ['192.168.1.6', '10.0.0.1', '100.64.0.1', 'fe80::1', 'fd00::1']) assert.ok(isLocalAddress(ip), ip);
    for (const ip of ['52.113.194.132', '2001:4860::8888']) assert.ok(!isLocalAddress(ip), ip);
  });
});
