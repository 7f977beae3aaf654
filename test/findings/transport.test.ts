import assert from 'node:assert/strict';
import { parallelConnections } from '../../core/findings/transport.js';
import type { CaptureModel } from '../../core/model/capture-model.js';
import { clientHello, flow, serverHello, tlsHandshake } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

/** Three TLS connections to one server, open at the same time, on which the server chose `alpn`. */
function threeConnections(alpn: string): Partial<CaptureModel> {
  const streams = [3, 4, 5];
  return {
    flows: streams.map((stream) =>
      flow({
        client: `192.168.1.6:${50000 + stream}`,
        server: '52.113.194.132:443',
        stream,
        firstFrame: stream * 10,
        protocols: ['tls'],
      }),
    ),
    tls: streams.map((stream) =>
      tlsHandshake({
        client: `192.168.1.6:${50000 + stream}`,
        server: '52.113.194.132:443',
        flowId: `tcp:${stream}`,
        clientHello: clientHello({ frame: stream * 10 + 3, sni: 'teams.microsoft.com' }),
        serverHello: serverHello({ frame: stream * 10 + 5, alpn }),
      }),
    ),
  };
}

describe('findings/transport: parallel TCP connections to one server', function () {
  it("states the connections, how many at once and the server's name, with a filter on their streams", function () {
    const [finding] = findingsOfRule(parallelConnections, factsFrom(threeConnections('h2')));
    assert.equal(finding!.id, 'tcp-parallel-connections/52.113.194.132:443');
    assert.equal(finding!.section, 'transport');
    assert.equal(finding!.severity, 'info');
    assert.equal(finding!.title, '3 TCP connections to 52.113.194.132:443 (teams.microsoft.com), up to 3 at once');
    assert.equal(finding!.filter, 'tcp.stream == 3 || tcp.stream == 4 || tcp.stream == 5');
  });

  it('advises HTTP/2 only when every connection speaks HTTP/1.1', function () {
    const [http1] = findingsOfRule(parallelConnections, factsFrom(threeConnections('http/1.1')));
    assert.match(http1!.detail, /one multiplexed HTTP\/2 connection could carry the same requests\.$/);
    const [h2] = findingsOfRule(parallelConnections, factsFrom(threeConnections('h2')));
    assert.match(h2!.detail, /the parallel connections are the client's choice, not a protocol limit\.$/);
  });

  it('says nothing of a single connection', function () {
    const one = threeConnections('h2');
    assert.deepEqual(findingsOfRule(parallelConnections, factsFrom({ ...one, flows: one.flows!.slice(0, 1) })), []);
  });
});
