import type { Application, DecryptedRequest } from '../schema/generated/report.js';

/**
 * Activity evidence from requests a TLS key log decrypted: what the client asked a Teams service to do is
 * a stronger sign than traffic volume. A message posted is chat, a file written to SharePoint/OneDrive is a
 * file transfer. A call created says a call began but not with which media, so it adds no activity here
 * (the media streams decide audio, video or screen sharing).
 */
const ACTIVITY_OF: Partial<Record<NonNullable<DecryptedRequest['action']>, Application['dominantActivity']>> = {
  'message-sent': 'chat',
  'file-upload': 'file',
};

/** Marks evidence that came from decrypted requests, so the confidence it earns can be told apart. */
export const DECRYPTED_EVIDENCE = 'decrypted request';

export function decryptedRequestIntervals(requests: readonly DecryptedRequest[]) {
  return requests.flatMap((request) => {
    const activity = request.action && ACTIVITY_OF[request.action];
    if (!activity) return [];
    const frames = request.responseFrame ? [request.frame, request.responseFrame] : [request.frame];
    return [
      {
        start: request.time,
        end: request.time,
        activity,
        confidence: 'high' as const,
        evidence: `${DECRYPTED_EVIDENCE}: ${request.method} ${request.host}${request.pathTemplate}${request.status ? ` → ${request.status}` : ''} (${request.action})`,
        frames,
        filter: frames.map((frame) => `frame.number == ${frame}`).join(' || '),
      },
    ];
  });
}

/** A segment, or the capture's dominant activity, that a decrypted request shows is stated with high confidence. */
export function withDecryptedConfidence(application: Application): Application {
  const timeline = application.timeline.map((segment) =>
    segment.evidence.some((e) => e.startsWith(DECRYPTED_EVIDENCE))
      ? { ...segment, confidence: 'high' as const }
      : segment,
  );
  const shown = application.reason.includes(DECRYPTED_EVIDENCE);
  return { ...application, timeline, confidence: shown ? 'high' : application.confidence };
}
