import assert from 'node:assert/strict';
import { confirmPseudoTls, pseudoTlsFlows } from '../../core/model/pseudo-tls.js';
import type { StunMessage, TlsHandshake } from '../../core/schema/generated/report.js';

const SHAPE = 'the handshake shape of Teams transport relays';

/** A TLS handshake to the server, shaped like a relay's pseudo-TLS unless `shaped` is false. */
function handshake(flowId: string, server: string, shaped = true): TlsHandshake {
  return {
    protocol: 'tls',
    flowId,
    client: { ip: '10.0.0.2', port: 50000 },
    server: { ip: server, port: 443 },
    certificates: [],
    alerts: [],
    ...(shaped && { pseudoTls: { kind: 'ms-turn-tcp' as const, stunFrames: [], reason: SHAPE } }),
  };
}

/** A TURN Allocate request over UDP from the client to the server. */
function allocate(server: string): StunMessage {
  return {
    frame: 7,
    time: 0.1,
    flowId: 'udp:3',
    protocol: 'stun',
    source: { ip: '10.0.0.2', port: 50010 },
    destination: { ip: server, port: 3478 },
    type: { code: 3 },
    method: 'Allocate',
    class: 'request',
    attributes: [],
    addresses: [],
  };
}

const reasons = (handshakes: TlsHandshake[]) => handshakes.map((h) => h.pseudoTls?.reason);

describe('pseudo-TLS confirmation from the STUN tshark found inside the connections', function () {
  it('asks about each shaped connection once, and not about real TLS', function () {
    const handshakes = [
      handshake('tcp:1', '52.0.0.1'),
      handshake('tcp:1', '52.0.0.1'),
      handshake('tcp:2', '1.1.1.1', false),
    ];
    assert.deepEqual(pseudoTlsFlows(handshakes), ['tcp:1']);
  });

  it('a connection whose records carry STUN keeps the mark, with those frames', function () {
    const handshakes = [handshake('tcp:1', '52.0.0.1')];
    confirmPseudoTls(handshakes, { framesByFlow: new Map([['tcp:1', [12, 15]]]) }, []);
    assert.deepEqual(handshakes[0]!.pseudoTls?.stunFrames, [12, 15]);
    assert.match(handshakes[0]!.pseudoTls!.reason, /; 2 records after it carry STUN\/TURN in clear/);
  });

  it('a connection with no STUN keeps the mark when another to the same server carries STUN', function () {
    const handshakes = [handshake('tcp:1', '52.0.0.1'), handshake('tcp:2', '52.0.0.1')];
    confirmPseudoTls(handshakes, { framesByFlow: new Map([['tcp:1', [12]]]) }, []);
    assert.match(handshakes[1]!.pseudoTls!.reason, /other connections to the same server carry STUN\/TURN/);
  });

  it('a connection with no STUN keeps the mark when its address serves TURN over UDP', function () {
    const handshakes = [handshake('tcp:1', '52.0.0.1')];
    confirmPseudoTls(handshakes, { framesByFlow: new Map() }, [allocate('52.0.0.1')]);
    assert.match(handshakes[0]!.pseudoTls!.reason, /the same address serves TURN over UDP/);
  });

  it("a connection with no STUN keeps the mark in Microsoft's Teams media range: an unused relay fallback candidate", function () {
    const handshakes = [handshake('tcp:12', '52.114.248.82')];
    confirmPseudoTls(handshakes, { framesByFlow: new Map() }, []);
    assert.match(
      handshakes[0]!.pseudoTls!.reason,
      /no record follows it \(a relay fallback candidate, unused\), and 52\.114\.248\.82 is in Microsoft's Teams media range 52\.112\.0\.0\/14/,
    );
  });

  it('a connection with no STUN keeps the mark when this capture resolved the address from a relay.teams.microsoft.com name', function () {
    // 203.0.113.7 is in no Microsoft range: only the name says it is a Teams transport relay.
    const handshakes = [handshake('tcp:12', '203.0.113.7'), handshake('tcp:13', '203.0.113.8')];
    const names = new Map([
      ['203.0.113.7', ['203-0-113-7.relay.teams.microsoft.com']],
      ['203.0.113.8', ['relay.teams.microsoft.com.example.net']],
    ]);
    confirmPseudoTls(handshakes, { framesByFlow: new Map() }, [], (ip) => names.get(ip) ?? []);
    assert.match(
      handshakes[0]!.pseudoTls!.reason,
      /no record follows it \(a relay fallback candidate, unused\), and this capture's DNS resolved 203-0-113-7\.relay\.teams\.microsoft\.com to 203\.0\.113\.7/,
    );
    assert.equal(handshakes[1]!.pseudoTls, undefined, 'a name that only contains the relay domain is no relay');
  });

  it('a connection with no STUN, alone to an address that serves no TURN, is TLS after all', function () {
    const handshakes = [handshake('tcp:1', '52.0.0.1')];
    confirmPseudoTls(handshakes, { framesByFlow: new Map() }, [allocate('52.0.0.9')]);
    assert.equal(handshakes[0]!.pseudoTls, undefined);
  });

  it('when tshark could not look, every shaped connection keeps the mark and says why', function () {
    const handshakes = [handshake('tcp:1', '52.0.0.1'), handshake('tcp:2', '1.1.1.1', false)];
    confirmPseudoTls(
      handshakes,
      { unchecked: 'the STUN inside was not checked (the capture was read from a pipe)' },
      [],
    );
    assert.deepEqual(reasons(handshakes), [
      `${SHAPE}; the STUN inside was not checked (the capture was read from a pipe)`,
      undefined,
    ]);
  });
});
