import assert from 'node:assert/strict';
import { classifyActivity, mediaActivityOf, type ActivityInputs } from '../../core/classify/activity.js';
import type { ClassifiedFlow } from '../../core/model/flows.js';
import type { FlowPayload } from '../../core/model/payload.js';
import type { FlowService, StunMessage } from '../../core/schema/generated/report.js';
import { at, flow, mediaStream, rtpStream, stunMessage, XOR_RELAYED_ADDRESS } from '../builders/capture-model.js';

const CLIENT = '192.168.1.6';

/** The activity of a 60 s capture holding only what `inputs` says. */
const activityOf = (inputs: Partial<ActivityInputs>) =>
  classifyActivity({ durationSec: 60, flows: [], media: [], streams: [], stun: [], payload: new Map(), ...inputs });

/** A TCP connection of the client to a server of this service (by default in Teams' range 52.112.0.0/14). */
const connection = (stream: number, service: FlowService, server = `52.113.194.${stream}`): ClassifiedFlow => ({
  ...flow({ client: `${CLIENT}:${50000 + stream}`, server: `${server}:443`, stream }),
  service,
});
const TEAMS: FlowService = { name: 'teams', teams: true, evidence: [] };
const AZURE: FlowService = { name: 'azure', teams: false, evidence: [] };
const UNKNOWN: FlowService = { name: 'unknown', teams: false, evidence: [] };
const TELEMETRY: FlowService = { name: 'telemetry', teams: false, evidence: [] };

/** One burst of application data at `start` s: `up` bytes from the client, `down` from the server. */
const burst = (flowId: string, start: number, up: number, down: number): [string, FlowPayload] => [
  flowId,
  {
    first: at(`${CLIENT}:${50000 + Number(flowId.split(':')[1])}`),
    bursts: [{ start, end: start + 1, fromFirst: up, fromSecond: down, firstFrame: 100, lastFrame: 180 }],
  },
];

const audio = mediaStream({ source: `${CLIENT}:50010`, destination: '80.181.206.72:50020', flowId: 'udp:9' });
const mediaFlow: ClassifiedFlow = {
  ...flow({
    client: `${CLIENT}:50010`,
    server: '80.181.206.72:50020',
    transport: 'udp',
    stream: 9,
    start: 10,
    end: 38,
  }),
  service: { name: 'teams-calling', teams: true, evidence: [] },
};

describe('classify/activity: what the user was doing, window by window', function () {
  it('calls a capture without media, set-up, transfer or exchange idle, unsure without a Teams client', function () {
    const { application, evidence } = activityOf({});
    assert.equal(application.dominantActivity, 'idle');
    assert.equal(application.confidence, 'low');
    assert.equal(application.windowSeconds, 5, 'short captures get 5 s windows');
    assert.deepEqual(
      application.timeline.map((s) => [s.start, s.end, s.activity]),
      [[0, 60, 'idle']],
      'windows of the same activity merge',
    );
    assert.deepEqual(evidence, [], 'idle has no evidence to show');
  });

  it('adapts the window to long captures, and keeps a chosen window of at least 1 s', function () {
    assert.equal(activityOf({ durationSec: 3600 }).application.windowSeconds, 60);
    assert.equal(activityOf({ windowSeconds: 0 }).application.windowSeconds, 1);
  });

  it('labels the 5 s windows call media touches with its activity, and makes it dominant', function () {
    const { application, evidence } = activityOf({ flows: [mediaFlow], media: [audio] });
    assert.equal(application.dominantActivity, 'audio');
    assert.deepEqual(
      application.timeline.map((s) => [s.start, s.end, s.activity]),
      [
        [0, 10, 'idle'],
        [10, 40, 'audio'],
        [40, 60, 'idle'],
      ],
    );
    assert.deepEqual(evidence[0]!.frames, [1]);
    assert.equal(evidence[0]!.filter, '(rtp.ssrc == 0x11111111)');
  });

  it('takes STUN/TURN without media for a call being set up', function () {
    const checks: StunMessage[] = [20, 21, 22, 23].map((time) =>
      stunMessage({ frame: time, time, source: `${CLIENT}:50010`, destination: '52.114.250.123:3478' }),
    );
    const { application } = activityOf({ stun: checks });
    assert.equal(application.dominantActivity, 'call-setup');
    assert.match(
      application.reason,
      /^call set-up: 4 STUN\/TURN messages \(0 relay allocation\(s\), 4 binding request/,
    );
    assert.equal(activityOf({ stun: checks.slice(0, 3) }).application.dominantActivity, 'idle', 'a NAT probe');
  });

  it('counts the relay allocations of a call set-up as the TURN findings do: distinct relayed addresses', function () {
    const relayed = { attribute: XOR_RELAYED_ADDRESS, ip: '52.114.250.200', port: 51000 };
    const exchange = [20, 21, 22, 23].map((time) =>
      stunMessage({
        frame: time,
        time,
        source: '52.114.250.123:3478',
        destination: `${CLIENT}:50010`,
        method: 'Allocate',
        class: 'success',
        addresses: [relayed],
      }),
    );
    assert.match(activityOf({ stun: exchange }).application.reason, /\(1 relay allocation\(s\), 0 binding request/);
  });

  it('never takes background services (telemetry) for chat or a file', function () {
    const payload = new Map([burst('tcp:1', 12, 400_000, 2000)]);
    const { application } = activityOf({ flows: [connection(1, TELEMETRY)], payload });
    assert.equal(application.dominantActivity, 'idle');
    assert.match(application.reason, /background: telemetry upload/);
  });

  describe('chat from the chat service, files from the file stores, the rest idle background', function () {
    const named = (role: string, name: FlowService['name'] = 'teams'): FlowService => ({
      name,
      teams: name === 'teams',
      role,
      evidence: [{ kind: 'sni', detail: 'TLS SNI', frames: [1] }],
    });
    const CHAT_SERVICE = named(
      'Teams chat service for one region (emea, amer, apac…): sends and receives chat messages and the notifications about them.',
    );
    const TROUTER = named(
      "Trouter, Teams' push channel: a long-lived WebSocket over which the service pushes incoming calls, messages and presence changes to the client.",
    );
    const ONEDRIVE = named(
      "OneDrive for Business: files shared in Teams chats are stored in the sender's OneDrive.",
      'sharepoint-onedrive',
    );
    const WEB_APP = named('The Teams web app and its APIs: the address users open in a browser.');
    const CDN = named(
      "Microsoft's edge network (Azure Front Door): the connection from the client ends at an edge server near it.",
      'cdn',
    );
    const flows = (...services: FlowService[]) => services.map((service, i) => connection(i + 1, service));

    it('a message: an exchange with the chat service answered, a push notification beside it; high when names say both', function () {
      const payload = new Map([burst('tcp:1', 30, 2500, 3000), burst('tcp:2', 30.4, 60, 1500)]);
      const { application } = activityOf({ flows: flows(CHAT_SERVICE, TROUTER), payload });
      assert.equal(application.dominantActivity, 'chat');
      assert.equal(application.confidence, 'high');
      assert.match(application.reason, /notification at 30\.4 s on tcp:2 \(push channel\)/);
      const unnamedPush = activityOf({ flows: flows(CHAT_SERVICE, TEAMS), payload }).application;
      assert.equal(unnamedPush.confidence, 'medium', 'the notification over a connection nothing names');
    });

    it('a chat-service exchange with no notification is the client syncing: idle background', function () {
      const { application } = activityOf({
        flows: flows(CHAT_SERVICE, TROUTER),
        payload: new Map([burst('tcp:1', 30, 572, 1171)]),
      });
      assert.equal(application.dominantActivity, 'idle');
      assert.match(application.reason, /chat-service sync \(no notification\)/);
    });

    it('an exchange with a server nothing names is chat only where Teams runs (its ranges, Azure), and low', function () {
      const exchange = burst('tcp:1', 30, 2500, 3000);
      const notification = burst('tcp:2', 30.4, 60, 1500);
      for (const [service, words] of [
        [TEAMS, "in Teams' address range"],
        [AZURE, 'in Azure'],
      ] as const) {
        const { application } = activityOf({ flows: flows(service), payload: new Map([exchange]) });
        assert.deepEqual([application.dominantActivity, application.confidence], ['chat', 'low']);
        assert.ok(application.reason.includes(`${words}): 2500 B sent, 3000 B received`), application.reason);
      }
      // Outside Microsoft's ranges (an Akamai CDN address), not Teams' chat, even with a notification beside it.
      const akamai = [connection(1, UNKNOWN, '2a02:26f0:ab00::b819:3342'), connection(2, TEAMS)];
      assert.equal(
        activityOf({ flows: akamai, payload: new Map([exchange, notification]) }).application.dominantActivity,
        'idle',
      );
    });

    it('a host on the local network or a link-local address is never a chat nor its notification', function () {
      const exchange = burst('tcp:1', 30, 2500, 3000);
      const notification = burst('tcp:2', 30.4, 60, 1500);
      for (const local of ['192.168.1.4', 'fe80::1', '10.0.0.8']) {
        const asChat = [connection(1, UNKNOWN, local), connection(2, TEAMS)];
        const chatted = activityOf({ flows: asChat, payload: new Map([exchange, notification]) }).application;
        assert.equal(chatted.dominantActivity, 'idle', local);
        const asNotification = [connection(1, CHAT_SERVICE), connection(2, UNKNOWN, local)];
        const notified = activityOf({ flows: asNotification, payload: new Map([exchange, notification]) });
        assert.equal(notified.application.dominantActivity, 'idle', `${local} notifies nothing`);
      }
    });

    it('each activity of a segment has its own confidence: a chat during a call is as sure as its evidence', function () {
      const payload = new Map([burst('tcp:1', 20, 2500, 3000), burst('tcp:2', 20.4, 60, 1500)]);
      const { application } = activityOf({ flows: [mediaFlow, ...flows(TEAMS, TEAMS)], media: [audio], payload });
      const segment = application.timeline.find((s) => s.activities.includes('chat'))!;
      assert.deepEqual(segment.confidences, [
        { activity: 'audio', confidence: 'high' },
        { activity: 'chat', confidence: 'low' },
      ]);
      assert.equal(segment.confidence, 'high', 'the segment’s own activity');
      assert.match(segment.evidence.join('; '), /also chat \(low\): exchange at 20 s/);
    });

    it('the web app’s uploads and a CDN’s big download are background, never a file', function () {
      const payload = new Map([burst('tcp:1', 12, 400_000, 2000), burst('tcp:2', 20, 900, 1_600_000)]);
      const { application } = activityOf({ flows: flows(WEB_APP, CDN), payload });
      assert.equal(application.dominantActivity, 'idle');
      assert.match(
        application.timeline.flatMap((s) => s.evidence).join('; '),
        /an app update or the app's content, not a file/,
      );
    });

    it('a file: a transfer to a named file store is high, to a server nothing names low', function () {
      const payload = new Map([burst('tcp:1', 12, 400_000, 2000)]);
      assert.equal(activityOf({ flows: flows(ONEDRIVE), payload }).application.confidence, 'high');
      const unnamed = activityOf({ flows: flows(TEAMS), payload }).application;
      assert.deepEqual([unnamed.dominantActivity, unnamed.confidence], ['file', 'low']);
      assert.match(unnamed.reason, /upload of 400 kB in 1 s at 400 kB\/s/);
    });

    it('a small file is a file when its service says so: a file-store exchange, then a message', function () {
      const payload = new Map([
        burst('tcp:1', 15, 2100, 15_000),
        burst('tcp:2', 20, 1200, 550),
        burst('tcp:3', 20.3, 360, 3500),
      ]);
      const { application } = activityOf({ flows: flows(ONEDRIVE, CHAT_SERVICE, TROUTER), payload });
      assert.equal(application.dominantActivity, 'file');
      assert.equal(application.confidence, 'medium');
      assert.match(application.reason, /^small file: 2 kB up, 15 kB down .* then a message at 20 s/);
      const alone = activityOf({ flows: flows(ONEDRIVE), payload: new Map([burst('tcp:1', 15, 2100, 15_000)]) });
      assert.equal(alone.application.dominantActivity, 'idle', 'a file-store request with no message shares nothing');
      const sizeOnly = activityOf({ flows: flows(ONEDRIVE, TEAMS), payload: new Map(payload) });
      assert.ok(
        !sizeOnly.application.activities.includes('file'),
        'an exchange of a message’s size with no notification shares nothing',
      );
    });
  });

  it('opens the call signalling phase with SYNs to the flight proxy only, not a mid-connection packet nor a relay', function () {
    const FLIGHT_PROXY: FlowService = {
      name: 'teams-calling',
      teams: true,
      role: "Teams calling's flight proxy: relays call set-up (signalling) messages between the client and the calling service.",
      evidence: [],
    };
    const RELAY: FlowService = {
      name: 'teams-calling',
      teams: true,
      role: 'Teams media relay over TCP 443 (MS-TURN in pseudo-TLS framing)',
      evidence: [],
    };
    const opened = (flowId: string, frame: number, time: number): [string, FlowPayload] => [
      flowId,
      { first: at(`${CLIENT}:${50000 + Number(flowId.split(':')[1])}`), bursts: [], opened: { frame, time } },
    ];
    const stream = rtpStream({
      source: `${CLIENT}:50010`,
      destination: '80.181.206.72:50020',
      flowId: 'udp:9',
      start: 10,
      end: 38,
      firstFrame: 500,
      lastFrame: 900,
    });
    const { application } = activityOf({
      flows: [mediaFlow, connection(1, FLIGHT_PROXY), connection(2, FLIGHT_PROXY), connection(3, RELAY)],
      media: [{ ...audio, durationSec: 28 }],
      streams: [stream],
      payload: new Map([opened('tcp:1', 40, 8), opened('tcp:3', 45, 9)]),
    });
    const signalling = application.phases.find((p) => p.phase === 'signalling')!;
    assert.deepEqual(signalling.frames, [40], 'tcp:2 has no SYN in the capture; tcp:3 is a relay candidate');
    assert.deepEqual([signalling.start, signalling.end], [8, 8]);
  });

  describe('media as call activity', function () {
    it('follows the stream kind, and takes lasting relayed media of unknown kind for audio, low', function () {
      assert.deepEqual(mediaActivityOf({ ...audio, kind: 'video' }), { activity: 'video', confidence: 'high' });
      assert.deepEqual(mediaActivityOf({ ...audio, kind: 'screen-sharing', confidence: 'medium' }), {
        activity: 'screenshare',
        confidence: 'medium',
      });
      assert.deepEqual(mediaActivityOf({ ...audio, kind: 'unknown', path: 'relay' }), {
        activity: 'audio',
        confidence: 'low',
      });
    });

    it('takes no call from media under 2 s, or of unknown kind off a relay', function () {
      assert.equal(mediaActivityOf({ ...audio, durationSec: 1.9 }), undefined);
      assert.equal(mediaActivityOf({ ...audio, kind: 'unknown', path: 'p2p' }), undefined);
    });
  });
});
