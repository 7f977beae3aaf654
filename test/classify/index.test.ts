import assert from 'node:assert/strict';
import { classify, withServices } from '../../core/classify/index.js';
import { NameIndex } from '../../core/summaries/names.js';
import {
  captureModel,
  clientHello,
  dnsTransaction,
  flow,
  rtpStream,
  stunMessage,
  tlsHandshake,
} from '../builders/capture-model.js';

const CLIENT = '192.168.1.6';

/** A small Teams call: a lookup, HTTPS to Teams, and audio through a TURN relay that granted an allocation. */
const model = captureModel({
  flows: [
    flow({ client: `${CLIENT}:50000`, server: '192.168.1.1:53', transport: 'udp', stream: 0, protocols: ['dns'] }),
    flow({ client: `${CLIENT}:50001`, server: '52.113.194.132:443', stream: 1 }),
    flow({ client: `${CLIENT}:50002`, server: '52.113.194.133:443', stream: 2 }),
    flow({ client: `${CLIENT}:50010`, server: '52.114.250.123:3478', transport: 'udp', stream: 3 }),
  ],
  dns: [dnsTransaction({ name: 'teams.microsoft.com', client: `${CLIENT}:50000` })],
  tls: [
    tlsHandshake({
      client: `${CLIENT}:50001`,
      server: '52.113.194.132:443',
      flowId: 'tcp:1',
      clientHello: clientHello({ sni: 'teams.microsoft.com' }),
    }),
  ],
  stun: [
    stunMessage({ flowId: 'udp:3', source: `${CLIENT}:50010`, destination: '52.114.250.123:3478', method: 'Allocate' }),
  ],
  rtp: {
    streams: [
      rtpStream({ flowId: 'udp:3', source: `${CLIENT}:50010`, destination: '52.114.250.123:3478', clockRate: 48000 }),
    ],
    rtcp: [],
  },
});
const classification = classify(model, new NameIndex(model.dns, model.tls));

describe('classify/index: the classifiers run together over the capture model', function () {
  it('gives every flow a service, a DNS flow that of the name its lookup asks for', function () {
    assert.deepEqual(
      [...classification.services].map(([id, service]) => [id, service.name]),
      [
        ['udp:0', 'teams'],
        ['tcp:1', 'teams'],
        ['tcp:2', 'teams'],
        ['udp:3', 'teams-calling'],
      ],
    );
  });

  it('feeds the TURN messages to the address roles, the media path and the call', function () {
    assert.equal(classification.addresses.find((a) => a.ip === '52.114.250.123')?.role, 'relay');
    assert.equal(classification.media[0]?.path, 'relay');
    assert.equal(classification.call?.path, 'relay');
    assert.deepEqual(
      classification.nat.relays.map((r) => r.ip),
      ['52.114.250.123'],
    );
  });

  it('has no call without media', function () {
    const quiet = classify(captureModel({ flows: model.flows.slice(0, 2) }), new NameIndex([], []));
    assert.equal(quiet.call, undefined);
    assert.deepEqual(quiet.media, []);
  });

  it('puts each flow’s service on it, and refuses a flow the classification missed', function () {
    const flows = withServices(model.flows, classification.services);
    assert.equal(flows[1]!.service.name, 'teams');
    assert.throws(
      () => withServices(model.flows, new Map()),
      /flow udp:0 has no service: the classification missed it/,
    );
  });
});
