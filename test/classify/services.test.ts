import assert from 'node:assert/strict';
import { classifyFlowService, isRelayPort } from '../../core/classify/services.js';
import type { ModelFlow } from '../../core/model/flows.js';
import type { DnsTransaction, StunMessage, TlsHandshake } from '../../core/schema/generated/report.js';
import { NameIndex } from '../../core/summaries/names.js';
import {
  clientHello,
  code,
  dnsTransaction,
  flow,
  resolvedLookup,
  stunMessage,
  tlsHandshake,
} from '../builders/capture-model.js';

interface Evidence {
  dns?: DnsTransaction[];
  tls?: TlsHandshake[];
  stun?: StunMessage[];
  rtp?: boolean;
  /** DNS lookups elsewhere in the capture, which name addresses. */
  answers?: DnsTransaction[];
}

/** The service of `subject`, with only this evidence in the capture. */
function serviceOf(subject: ModelFlow, { dns = [], tls = [], stun = [], rtp = false, answers = [] }: Evidence) {
  return classifyFlowService(subject, {
    names: new NameIndex([...dns, ...answers], tls),
    dnsByFlow: new Map(dns.length ? [[subject.id, dns]] : []),
    tlsByFlow: new Map(tls.length ? [[subject.id, tls]] : []),
    stunByFlow: new Map(stun.length ? [[subject.id, stun]] : []),
    rtpFlows: new Set(rtp ? [subject.id] : []),
  });
}

const https = flow({ client: '192.168.1.6:50001', server: '52.113.194.132:443', firstFrame: 3 });
const sni = (name: string) =>
  tlsHandshake({ server: '52.113.194.132:443', clientHello: clientHello({ frame: 4, sni: name }) });

describe('classify/services: which service a flow belongs to', function () {
  it('trusts the name the client asked for (SNI) first', function () {
    const service = serviceOf(https, { tls: [sni('teams.microsoft.com')] });
    assert.equal(service.name, 'teams');
    assert.equal(service.teams, true);
    assert.deepEqual(service.evidence, [
      { kind: 'sni', detail: 'TLS SNI teams.microsoft.com (teams.microsoft.com)', frames: [4] },
    ]);
  });

  it('calls a flow whose SNI names no known service another app, whatever its address', function () {
    const service = serviceOf(https, { tls: [sni('www.example.com')] });
    assert.equal(service.name, 'other-app');
    assert.equal(service.teams, false);
  });

  it('gives a DNS flow the service of the name it looks up, Teams names first', function () {
    const lookups = flow({
      client: '192.168.1.6:50000',
      server: '192.168.1.1:53',
      transport: 'udp',
      protocols: ['dns'],
    });
    const dns = [dnsTransaction({ name: 'www.example.com' }), dnsTransaction({ name: 'euaz.tr.teams.microsoft.com' })];
    const service = serviceOf(lookups, { dns });
    assert.equal(service.name, 'teams-calling');
    assert.match(
      service.evidence[0]!.detail,
      /^looks up euaz\.tr\.teams\.microsoft\.com \(.*\) and 1 other name\(s\)$/,
    );
  });

  it('names a server by what this capture’s DNS answered for its address, through the CNAME chain', function () {
    const answers = [
      resolvedLookup(
        ['api.flightproxy.teams.microsoft.com', 'c-flightproxy-euno-01-teams.cloudapp.net'],
        ['52.113.194.132'],
      ),
    ];
    const service = serviceOf(https, { answers });
    assert.equal(service.teams, true);
    assert.equal(service.evidence[0]!.kind, 'dns-answer');
  });

  it('takes STUN with Microsoft attributes for Teams calling, citing the attributes and RTP', function () {
    const relayed = flow({ client: '192.168.1.6:50010', server: '203.0.113.7:3478', transport: 'udp' });
    const stun = [
      stunMessage({
        source: '192.168.1.6:50010',
        destination: '203.0.113.7:3478',
        attributes: [code(0x8008, 'MS-VERSION')],
      }),
    ];
    const service = serviceOf(relayed, { stun, rtp: true });
    assert.equal(service.name, 'teams-calling');
    assert.deepEqual(
      service.evidence.map((e) => e.kind),
      ['stun', 'rtp'],
    );
  });

  it('uses Microsoft’s ranges last: media on the relay ports, signalling elsewhere', function () {
    const relayPort = flow({ client: '192.168.1.6:50010', server: '52.114.250.123:3478', transport: 'udp' });
    assert.equal(serviceOf(relayPort, {}).name, 'teams-calling');
    assert.ok(isRelayPort(relayPort));
    const signalling = flow({ client: '192.168.1.6:50001', server: '52.114.250.123:443' });
    assert.equal(serviceOf(signalling, {}).name, 'teams');
  });

  it('never decides on a port alone', function () {
    const unknown = flow({ client: '192.168.1.6:50010', server: '203.0.113.7:3478', transport: 'udp' });
    assert.deepEqual(serviceOf(unknown, {}), { name: 'unknown', teams: false, evidence: [] });
  });

  it('recognises a Teams relay over TCP in pseudo-TLS framing', function () {
    const relay = tlsHandshake({
      server: '52.114.250.123:443',
      pseudoTls: { kind: 'ms-turn-tcp', stunFrames: [10, 11], reason: 'MS-TURN after the hello' },
    });
    const service = serviceOf(https, { tls: [relay] });
    assert.equal(service.name, 'teams-calling');
    assert.match(service.role!, /MS-TURN in pseudo-TLS framing/);
  });
});
