import assert from 'node:assert/strict';
import { emptySide, type TcpConnectionEvents, type TcpSideHealth } from '../../core/model/tcp-health.js';
import { tcpHealth } from '../../core/summaries/tcp-health.js';
import { NameIndex } from '../../core/summaries/names.js';
import { flow } from '../builders/capture-model.js';

const quiet = (parts: Partial<TcpSideHealth> = {}): TcpSideHealth => ({ ...emptySide(), ...parts });

const SERVER = '52.113.194.132:443';
const connections = [0, 1, 2].map((stream) =>
  flow({ client: `192.168.1.6:${50000 + stream}`, server: SERVER, stream }),
);
const events = (
  stream: number,
  client: Partial<TcpSideHealth>,
  server: Partial<TcpSideHealth>,
): TcpConnectionEvents => ({
  flowId: `tcp:${stream}`,
  sides: new Map([
    [`192.168.1.6:${50000 + stream}`, quiet(client)],
    [SERVER, quiet(server)],
  ]),
});

describe('summaries/tcp-health: per connection and per server', function () {
  const health = tcpHealth(
    connections,
    [
      events(0, { sentSyn: true, dataSegments: 10 }, { sentSynAck: true, dataSegments: 20 }),
      events(1, { sentSyn: true, dataSegments: 4, resets: { count: 1, frames: [15] } }, { sentSynAck: true }),
      events(2, { sentSyn: true, synRetries: { count: 2, frames: [30, 31] } }, {}),
    ],
    new NameIndex([], []),
  );

  it('lists only the connections with events or an unanswered SYN, who reset them and how the handshake went', function () {
    assert.deepEqual(
      health.connections.map((c) => [c.flowId, c.handshake, c.resetsByClient, c.resetsByServer, c.frames]),
      [
        ['tcp:1', 'complete', 1, 0, [15]],
        ['tcp:2', 'unanswered', 0, 0, [30, 31]],
      ],
    );
  });

  it('sums a server’s connections, the data segments of the quiet ones included', function () {
    const [server] = health.servers;
    assert.deepEqual(
      [
        server!.connections,
        server!.unanswered,
        server!.counts.dataSegments,
        server!.counts.synRetries,
        server!.counts.resets,
      ],
      [3, 1, 34, 2, 1],
    );
    assert.deepEqual(server!.flowIds, ['tcp:0', 'tcp:1', 'tcp:2']);
  });
});
