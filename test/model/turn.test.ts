import assert from 'node:assert/strict';
import { formatEndpoint } from '../../core/model/addressing.js';
import { turnMessages } from '../../core/model/turn.js';
import { stunMessage } from '../builders/capture-model.js';

const CLIENT = '192.168.1.20:50010';
const RELAY = '52.114.252.21:3478';

const allocate = (frame: number) =>
  stunMessage({ frame, source: CLIENT, destination: RELAY, method: 'Allocate', class: 'request' });
const channelData = (frame: number, source: string, destination: string) =>
  stunMessage({ frame, source, destination, method: 'ChannelData', class: undefined, channel: 0x4000 });

/** The relay end of each TURN message, by frame. */
const relayEnds = (...messages: ReturnType<typeof stunMessage>[]) =>
  turnMessages(messages).map(({ message, server }) => [message.frame, formatEndpoint(server)]);

describe('model/turn: the relay end of each TURN message', function () {
  it('takes the end a request goes to, and the end a response or Data indication comes from', function () {
    const success = stunMessage({ frame: 2, source: RELAY, destination: CLIENT, method: 'Allocate', class: 'success' });
    const data = stunMessage({ frame: 3, source: RELAY, destination: CLIENT, method: 'Data', class: 'indication' });
    const send = stunMessage({ frame: 4, source: CLIENT, destination: RELAY, method: 'Send', class: 'indication' });
    assert.deepEqual(relayEnds(allocate(1), success, data, send), [
      [1, RELAY],
      [2, RELAY],
      [3, RELAY],
      [4, RELAY],
    ]);
  });

  it('takes the relay the Allocate went to for ChannelData in both directions, not the client', function () {
    assert.deepEqual(relayEnds(allocate(1), channelData(2, CLIENT, RELAY), channelData(3, RELAY, CLIENT)), [
      [1, RELAY],
      [2, RELAY],
      [3, RELAY],
    ]);
  });

  it('without any other TURN message, takes the end on the registered (lower) port for ChannelData', function () {
    assert.deepEqual(relayEnds(channelData(7, RELAY, CLIENT)), [[7, RELAY]]);
  });

  it('names no relay for ChannelData between two ends on the same port', function () {
    assert.deepEqual(relayEnds(channelData(7, '203.0.113.1:3478', '203.0.113.2:3478')), []);
  });

  it('leaves plain STUN (Binding) out', function () {
    assert.deepEqual(relayEnds(stunMessage({ source: CLIENT, destination: RELAY })), []);
  });
});
