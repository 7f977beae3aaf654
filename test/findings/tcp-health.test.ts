import assert from 'node:assert/strict';
import { tcpTrouble } from '../../core/findings/tcp-health.js';
import type { TcpConnectionEvents, TcpSideHealth } from '../../core/model/tcp-health.js';
import { flow } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const CLIENT = '192.168.1.6';
const SERVER = '52.114.74.116:443';

type SideParts = Partial<Omit<TcpSideHealth, 'retransmissions' | 'synRetries' | 'resets' | 'zeroWindows'>> & {
  retransmissions?: number[];
  synRetries?: number[];
  resets?: number[];
  zeroWindows?: number[];
};

/** One side's events: the frames of each kind given, counted. */
function side({ retransmissions = [], synRetries = [], resets = [], zeroWindows = [], ...parts }: SideParts = {}) {
  const events = (frames: number[]) => ({ count: frames.length, frames });
  return {
    dataSegments: 0,
    duplicateAcks: 0,
    sentSyn: true,
    sentSynAck: true,
    sentFin: false,
    ...parts,
    retransmissions: events(retransmissions),
    synRetries: events(synRetries),
    resets: events(resets),
    zeroWindows: events(zeroWindows),
  };
}

/** TCP connection `stream` from the client to SERVER, with each side's events. */
function connection(stream: number, client: SideParts, server: SideParts = {}) {
  const clientEnd = `${CLIENT}:${50000 + stream}`;
  const events: TcpConnectionEvents = {
    flowId: `tcp:${stream}`,
    sides: new Map([
      [clientEnd, side({ sentSynAck: false, ...client })],
      [SERVER, side({ sentSyn: false, ...server })],
    ]),
  };
  return { flow: flow({ client: clientEnd, server: SERVER, stream }), events };
}

function findings(...connections: ReturnType<typeof connection>[]) {
  const facts = factsFrom({ flows: connections.map((c) => c.flow), tcpHealth: connections.map((c) => c.events) });
  return findingsOfRule(tcpTrouble, facts);
}

describe('findings/tcp-health: real trouble on a server’s TCP connections', function () {
  it('warns of SYN retransmissions, with their frames and a filter that shows exactly them', function () {
    const [finding] = findings(connection(9, { synRetries: [40, 41, 43] }), connection(11, { synRetries: [50] }));
    assert.equal(finding!.severity, 'warning');
    assert.equal(finding!.title, '4 SYN retransmissions to 52.114.74.116:443 on 2 TCP connections');
    assert.deepEqual(finding!.frames, [40, 41, 43, 50]);
    assert.equal(
      finding!.filter,
      '(tcp.stream == 9 || tcp.stream == 11) && tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.analysis.retransmission',
    );
  });

  it('says a connection whose SYN was never answered failed', function () {
    const [finding] = findings(connection(3, { synRetries: [5, 6] }, { sentSynAck: false }));
    assert.match(finding!.detail, /1 connection never got an answer in the capture: it failed\./);
  });

  it('warns of retransmitted data from 5 segments and 10 % of the data segments on, not below', function () {
    const lossy = connection(
      0,
      { dataSegments: 30, retransmissions: [7, 8, 9] },
      { dataSegments: 10, retransmissions: [12, 13] },
    );
    const [finding] = findings(lossy);
    assert.equal(finding!.title, '5 retransmissions of data with 52.114.74.116:443: 13 % of its 40 data segments');
    assert.equal(finding!.filter, '(tcp.stream == 0) && tcp.analysis.retransmission && tcp.len > 0');
    const fewer = connection(0, { dataSegments: 30, retransmissions: [7, 8, 9, 10] });
    const diluted = connection(0, { dataSegments: 60, retransmissions: [7, 8, 9, 10, 11] });
    assert.deepEqual(findings(fewer), [], 'one loss event');
    assert.deepEqual(findings(diluted), [], '8 % of the data segments');
  });

  it('takes resets alone for no trouble: idle and abandoned connections end with RST in Teams', function () {
    assert.deepEqual(findings(connection(1, { resets: [20] }, { resets: [21, 22] })), []);
  });

  it('notes a receive window that closed, naming the connections it closed on', function () {
    const [finding] = findings(connection(2, { zeroWindows: [30, 31] }));
    assert.equal(finding!.severity, 'notice');
    assert.equal(finding!.title, 'A receive window closed on 1 TCP connection with 52.114.74.116:443');
    assert.equal(finding!.filter, '(tcp.stream == 2) && tcp.analysis.zero_window');
  });
});
