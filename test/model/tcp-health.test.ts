import assert from 'node:assert/strict';
import { TcpHealthCollector } from '../../core/model/tcp-health.js';
import { packetRecord } from '../builders/capture-model.js';

const CLIENT = { 'ip.src': '192.168.1.6', 'tcp.srcport': '50000', 'ip.dst': '52.113.194.132', 'tcp.dstport': '443' };
const SERVER = { 'ip.src': '52.113.194.132', 'tcp.srcport': '443', 'ip.dst': '192.168.1.6', 'tcp.dstport': '50000' };

/** A TCP segment of stream 0 from one side, with these flags and marks (fields set to "1"). */
function segment(from: Record<string, string>, marks: string[] = [], length = 0) {
  const fields: Record<string, string> = { 'frame.protocols': 'eth:ethertype:ip:tcp', 'tcp.stream': '0', ...from };
  fields['tcp.len'] = String(length);
  for (const mark of marks) fields[mark] = '1';
  return packetRecord(fields);
}

describe('model/tcp-health: what tshark’s TCP analysis marks, per connection and side', function () {
  it('counts SYN retries, retransmitted data (not empty segments), resets and duplicate ACKs', function () {
    const collector = new TcpHealthCollector();
    const syn = ['tcp.flags.syn'];
    const retransmitted = ['tcp.analysis.retransmission'];
    collector.add(segment(CLIENT, syn));
    collector.add(segment(CLIENT, [...syn, ...retransmitted]));
    collector.add(segment(SERVER, [...syn, 'tcp.flags.ack']));
    collector.add(segment(CLIENT, ['tcp.flags.ack'], 500));
    collector.add(segment(CLIENT, ['tcp.flags.ack', ...retransmitted], 500));
    collector.add(segment(CLIENT, ['tcp.flags.ack', 'tcp.flags.fin', ...retransmitted])); // a FIN sent again: no data
    collector.add(segment(SERVER, ['tcp.flags.ack', 'tcp.analysis.duplicate_ack']));
    collector.add(segment(SERVER, ['tcp.flags.reset']));
    const [connection] = collector.finish();
    const client = connection!.sides.get('192.168.1.6:50000')!;
    const server = connection!.sides.get('52.113.194.132:443')!;
    assert.equal(connection!.flowId, 'tcp:0');
    assert.deepEqual(
      [client.synRetries.count, client.dataSegments, client.retransmissions.count, client.sentSyn, client.sentFin],
      [1, 2, 1, true, true],
    );
    assert.deepEqual([server.sentSynAck, server.duplicateAcks, server.resets.count], [true, 1, 1]);
  });

  it('leaves out the zero windows a side advertises after its own FIN (a closed socket’s last ACKs)', function () {
    const collector = new TcpHealthCollector();
    collector.add(segment(CLIENT, ['tcp.flags.ack', 'tcp.analysis.zero_window']));
    collector.add(segment(CLIENT, ['tcp.flags.ack', 'tcp.flags.fin']));
    collector.add(segment(CLIENT, ['tcp.flags.ack', 'tcp.analysis.zero_window']));
    assert.equal(collector.finish()[0]!.sides.get('192.168.1.6:50000')!.zeroWindows.count, 1);
  });
});
