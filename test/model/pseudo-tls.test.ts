import assert from 'node:assert/strict';
import { confirmPseudoTls } from '../../core/model/pseudo-tls.js';
import { TlsCollector } from '../../core/model/tls.js';
import type { StunMessage, TlsHandshake } from '../../core/schema/generated/report.js';
import { PacketRecord } from '../../core/tshark/record.js';

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
  it('asks about each connection whose hello has the shape once, with its frames of payload after it, and not about real TLS', function () {
    const collector = new TlsCollector('tls');
    let frame = 0;
    /** A TLS packet of TCP stream `stream` between 10.0.0.2:50000 and the server's port 443. */
    const add = (stream: number, fromClient: boolean, fields: Record<string, string[]>) =>
      collector.add(
        new PacketRecord({
          frame_number: [String(++frame)],
          frame_len: ['100'],
          frame_protocols: ['eth:ethertype:ip:tcp:tls'],
          ip_src: [fromClient ? '10.0.0.2' : `52.0.0.${stream}`],
          ip_dst: [fromClient ? `52.0.0.${stream}` : '10.0.0.2'],
          tcp_stream: [String(stream)],
          tcp_srcport: [fromClient ? '50000' : '443'],
          tcp_dstport: [fromClient ? '443' : '50000'],
          tcp_len: ['100'],
          ...fields,
        } as ConstructorParameters<typeof PacketRecord>[0]),
      );
    const serverHello = { tls_handshake_type: ['2', '14'], tls_handshake_ciphersuite: ['49199'] };
    // tcp:1 a relay's shape, twice; tcp:2 a browser's ClientHello (two suites, extensions, SNI).
    for (const stream of [1, 1, 2]) {
      add(stream, true, {
        tls_handshake_type: ['1'],
        tls_handshake_ciphersuite: stream === 1 ? ['49199'] : ['4865', '49199'],
        ...(stream === 2 && {
          tls_handshake_extension_type: ['0', '43'],
          tls_handshake_extensions_server_name: ['teams.microsoft.com'],
        }),
      });
      add(stream, false, serverHello);
    }
    add(1, true, { tcp_len: ['120'] });
    add(2, true, { tcp_len: ['120'] });
    add(1, false, { tcp_len: ['0'] });
    assert.deepEqual([...collector.framesAfterPseudoTlsHello], [['tcp:1', [2, 3, 4, 7]]]);
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
