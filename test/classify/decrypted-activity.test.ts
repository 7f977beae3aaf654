import assert from 'node:assert/strict';
import {
  DECRYPTED_EVIDENCE,
  decryptedRequestIntervals,
  withDecryptedConfidence,
} from '../../core/classify/decrypted-activity.js';
import type { Application, DecryptedRequest } from '../../core/schema/generated/report.js';

const request = (action: DecryptedRequest['action'], parts: Partial<DecryptedRequest> = {}): DecryptedRequest => ({
  frame: 40,
  time: 12.5,
  flowId: 'tcp:4',
  protocol: 'HTTP/2',
  method: 'POST',
  host: 'emea.ng.msg.teams.microsoft.com',
  pathTemplate: '/v1/users/ME/conversations/{id}/messages',
  status: 201,
  responseFrame: 44,
  action,
  ...parts,
});

const application = (evidence: string[], reason: string): Application => ({
  dominantActivity: 'chat',
  confidence: 'medium',
  reason,
  activities: ['chat'],
  windowSeconds: 5,
  timeline: [
    {
      start: 10,
      end: 15,
      activity: 'chat',
      activities: ['chat'],
      confidence: 'medium',
      confidences: [{ activity: 'chat', confidence: 'medium' }],
      evidence,
    },
  ],
  phases: [],
});

describe('classify/decrypted-activity: what decrypted requests say the user did', function () {
  it('makes a sent message a chat moment, with high confidence, the request and response as evidence', function () {
    assert.deepEqual(decryptedRequestIntervals([request('message-sent')]), [
      {
        start: 12.5,
        end: 12.5,
        activity: 'chat',
        confidence: 'high',
        evidence: `${DECRYPTED_EVIDENCE}: POST emea.ng.msg.teams.microsoft.com/v1/users/ME/conversations/{id}/messages → 201 (message-sent)`,
        frames: [40, 44],
        filter: 'frame.number == 40 || frame.number == 44',
      },
    ]);
  });

  it('makes an upload a file transfer; a call placed or an unlabelled request says nothing', function () {
    assert.equal(decryptedRequestIntervals([request('file-upload')])[0]!.activity, 'file');
    assert.deepEqual(decryptedRequestIntervals([request('call-placed'), request(undefined)]), []);
  });

  it('keeps to the request frame when the response is not in the capture', function () {
    assert.deepEqual(
      decryptedRequestIntervals([request('message-sent', { responseFrame: undefined })])[0]!.frames,
      [40],
    );
  });

  it('raises to high confidence the segments and the verdict that decrypted requests show, and only those', function () {
    const shown = withDecryptedConfidence(
      application([`${DECRYPTED_EVIDENCE}: POST …`], `${DECRYPTED_EVIDENCE}: POST …`),
    );
    assert.equal(shown.confidence, 'high');
    assert.equal(shown.timeline[0]!.confidence, 'high');
    const traffic = withDecryptedConfidence(application(['an exchange with the chat service'], 'traffic'));
    assert.equal(traffic.confidence, 'medium');
    assert.equal(traffic.timeline[0]!.confidence, 'medium');
  });
});
