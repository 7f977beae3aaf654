import assert from 'node:assert/strict';
import { pseudoTlsRelay, tlsSecurity } from '../../core/findings/tls-security.js';
import type { TlsHandshake } from '../../core/schema/generated/report.js';
import { clientHello, code, flow, serverHello, TLS_1_0, TLS_1_3, tlsHandshake } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const RC4 = code(0x0005, 'TLS_RSA_WITH_RC4_128_SHA');
const AES_CBC = code(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA');
const GCM = code(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');

function handshake(server: string, offered: (typeof GCM)[], selected?: typeof GCM, stream = 0): TlsHandshake {
  return tlsHandshake({
    server,
    flowId: `tcp:${stream}`,
    clientHello: clientHello({ frame: stream * 10 + 4, cipherSuites: offered, sni: 'a.example' }),
    ...(selected && { serverHello: serverHello({ frame: stream * 10 + 6, cipherSuite: selected }) }),
  });
}

const ids = (tls: TlsHandshake[]) => findingsOfRule(tlsSecurity, factsFrom({ tls })).map((f) => f.id);

describe('findings/tls-security: weak suites, record versions and pseudo-TLS relays', function () {
  describe('cipher suites', function () {
    it('warns of ClientHellos offering insecure suites, naming each weakness once', function () {
      const [offered] = findingsOfRule(tlsSecurity, factsFrom({ tls: [handshake('192.0.2.1:443', [GCM, RC4])] }));
      assert.equal(offered!.id, 'tls-insecure-suites-offered');
      assert.equal(offered!.severity, 'warning');
      assert.equal(offered!.title, '1 ClientHello offer insecure cipher suites');
      assert.match(offered!.detail, /^RC4 has biases that leak plaintext.*: TLS_RSA_WITH_RC4_128_SHA \(0x0005\)\./);
      assert.deepEqual(offered!.frames, [4]);
      assert.equal(offered!.filter, '(tls.handshake.type == 1 && tls.handshake.ciphersuite == 0x0005)');
    });

    it('warns of a server selecting a weak suite, and notes the offer of it', function () {
      const tls = [handshake('192.0.2.1:443', [AES_CBC, GCM], AES_CBC)];
      assert.deepEqual(ids(tls), ['tls-weak-suites-offered', 'tls-weak-suite-selected/0x002f']);
      const [offered, selected] = findingsOfRule(tlsSecurity, factsFrom({ tls }));
      assert.equal(offered!.severity, 'notice');
      assert.equal(selected!.severity, 'warning');
      assert.equal(selected!.title, '1 server handshake selected weak TLS_RSA_WITH_AES_128_CBC_SHA');
      assert.deepEqual(selected!.frames, [6]);
    });

    it('says nothing of handshakes that offer and select only recommended suites', function () {
      assert.deepEqual(ids([handshake('192.0.2.1:443', [GCM], GCM)]), []);
    });

    it('takes an insecure ServerHello with no certificate on a non-TLS port for a misparse, not a weak server', function () {
      const misparsed = handshake('192.0.2.1:5222', [RC4], RC4, 3);
      const [finding] = findingsOfRule(tlsSecurity, factsFrom({ tls: [misparsed] }));
      assert.equal(finding!.id, 'tls-probably-not-tls/tcp:3');
      assert.equal(finding!.severity, 'notice');
      assert.equal(finding!.filter, 'tls.handshake.type == 2 && tcp.stream eq 3');
      assert.deepEqual(ids([misparsed]), ['tls-probably-not-tls/tcp:3']);
    });
  });

  it('explains ClientHellos in older record versions than the version negotiated', function () {
    const compatible = tlsHandshake({
      server: '192.0.2.1:443',
      clientHello: clientHello({ frame: 4, recordVersion: TLS_1_0 }),
      serverHello: serverHello({ version: TLS_1_3 }),
    });
    const [finding] = findingsOfRule(tlsSecurity, factsFrom({ tls: [compatible] }));
    assert.equal(finding!.id, 'tls-record-version-is-not-negotiated');
    assert.equal(finding!.severity, 'info');
    assert.equal(finding!.title, 'ClientHellos travel in TLS 1.0 records, yet TLS 1.3 is negotiated');
    assert.equal(finding!.filter, 'tls.handshake.type == 1 && (tls.record.version == 0x0301)');
  });

  describe('media relays over TCP in pseudo-TLS', function () {
    const relayHandshake = (stream: number) =>
      tlsHandshake({
        server: '52.114.250.123:443',
        flowId: `tcp:${stream}`,
        clientHello: clientHello({
          frame: stream * 100 + 1,
          cipherSuites: [code(0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5')],
        }),
        serverHello: serverHello({ frame: stream * 100 + 2 }),
        pseudoTls: { kind: 'ms-turn-tcp', stunFrames: [stream * 100 + 3], reason: 'MS-TURN after the hello' },
      });
    const relayFlow = (stream: number, packets: number) =>
      flow({ client: `192.168.1.6:${50000 + stream}`, server: '52.114.250.123:443', stream, packets });

    it('calls a relay connection that carried few packets a fallback candidate', function () {
      const facts = factsFrom({ tls: [relayHandshake(1)], flows: [relayFlow(1, 12)] });
      const [finding] = findingsOfRule(pseudoTlsRelay, facts);
      assert.equal(finding!.id, 'media-relay-over-tcp/52.114.250.123');
      assert.equal(finding!.section, 'network');
      assert.equal(finding!.severity, 'info');
      assert.match(finding!.title, /a fallback candidate, no media through it$/);
      assert.deepEqual(finding!.frames, [101, 102, 103]);
    });

    it('says MS-TURN follows the handshake only where it does: none after an unused fallback candidate', function () {
      const carried = factsFrom({ tls: [relayHandshake(1)], flows: [relayFlow(1, 12)] });
      assert.match(findingsOfRule(pseudoTlsRelay, carried)[0]!.detail, /and then carries MS-TURN messages in clear/);
      const dropped = (stream: number) => ({
        ...relayHandshake(stream),
        pseudoTls: { kind: 'ms-turn-tcp' as const, stunFrames: [], reason: 'a relay fallback candidate, unused' },
      });
      const unused = factsFrom({ tls: [dropped(1), dropped(2)], flows: [relayFlow(1, 6), relayFlow(2, 6)] });
      const [finding] = findingsOfRule(pseudoTlsRelay, unused);
      assert.doesNotMatch(finding!.detail, /carries MS-TURN/);
      assert.match(finding!.detail, /no record follows any of them: the candidates went unused/);
      const mixed = factsFrom({ tls: [relayHandshake(1), dropped(2)], flows: [relayFlow(1, 12), relayFlow(2, 6)] });
      assert.match(
        findingsOfRule(pseudoTlsRelay, mixed)[0]!.detail,
        /1 of them then carries MS-TURN messages in clear, the other nothing/,
      );
    });

    it('warns when the relay connection carried the call', function () {
      const facts = factsFrom({ tls: [relayHandshake(1)], flows: [relayFlow(1, 5000)] });
      const [finding] = findingsOfRule(pseudoTlsRelay, facts);
      assert.equal(finding!.severity, 'warning');
      assert.match(finding!.detail, /one carries a call's traffic \(tcp:1: 5000 packets\)/);
    });

    it('leaves pseudo-TLS out of the TLS cipher-suite findings', function () {
      assert.deepEqual(ids([relayHandshake(1)]), []);
    });
  });
});
