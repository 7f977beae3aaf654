import type { Application, DecryptedRequest, MediaStream, RtpStream, StunMessage } from '../schema/generated/report.js';
import { decryptedRequestIntervals } from './decrypted-activity.js';
import type { ClassifiedFlow } from './index.js';

type Activity = Application['dominantActivity'];
type Segment = Application['timeline'][number];
type Phase = Application['phases'][number];

/**
 * The richer activity wins a window or a capture: a video call carries audio too, a file transfer happens
 * inside a chat, and any of them keeps the client's background traffic going.
 */
const PRIORITY: readonly Activity[] = ['screenshare', 'video', 'audio', 'file', 'chat', 'idle'];

/** A file transfer moves at least this much in one direction over one connection (a chat message is kB). */
const FILE_UPLOAD_BYTES = 200_000;
const FILE_DOWNLOAD_BYTES = 500_000;
/** Media shorter than this is a connectivity check or a glitch, not a call. */
const MINIMUM_MEDIA_SECONDS = 2;
/** A Teams connection that only keeps itself alive exchanges a handful of packets. */
const CHAT_MINIMUM_PACKETS = 8;

const MEDIA_ACTIVITY: Partial<Record<MediaStream['kind'], Activity>> = { audio: 'audio', video: 'video', 'screen-sharing': 'screenshare' };

interface Interval {
  start: number;
  end: number;
  activity: Activity;
  evidence: string;
  /** Frames and a display filter that show it. */
  frames: number[];
  filter: string;
}

/** A segment's evidence for a finding: frames and a display filter showing them. */
export interface SegmentEvidence {
  segment: Segment;
  frames: number[];
  filter: string;
}

/** The activity stage's output: the report's application section, and each segment's evidence for its finding. */
export interface ActivityClassification {
  application: Application;
  evidence: SegmentEvidence[];
}

export interface ActivityInputs {
  durationSec: number;
  /** The flows with their services: the activity is read from what the classification decided. */
  flows: readonly ClassifiedFlow[];
  media: readonly MediaStream[];
  streams: readonly RtpStream[];
  stun: readonly StunMessage[];
  /** Window length in seconds; by default it adapts to the capture's duration. */
  windowSeconds?: number;
  /** Requests seen inside TLS that a key log decrypted (core/classify/decrypted-activity.ts); absent without one. */
  decryptedRequests?: readonly DecryptedRequest[];
}

/**
 * Windows of the capture, each labelled from its traffic: media streams by kind, a bulk transfer on one
 * connection (file), Teams service connections doing more than keeping alive (chat), or only background
 * traffic (idle). Unless chosen, the window adapts to the capture: 5 s for short captures, up to 60 s for long
 * ones.
 */
export function classifyActivity(inputs: ActivityInputs): ActivityClassification {
  const duration = Math.max(inputs.durationSec, 0);
  // At least 1 s: a zero or negative window would never advance.
  const windowSeconds = inputs.windowSeconds !== undefined ? Math.max(1, inputs.windowSeconds) : Math.min(60, Math.max(5, Math.ceil(duration / 20)));
  const intervals = activityIntervals(inputs);

  const windows: Segment[] = [];
  for (let start = 0; start < Math.max(duration, 1e-9); start += windowSeconds) {
    const end = Math.min(start + windowSeconds, Math.max(duration, start + windowSeconds));
    const inside = intervals.filter((i) => i.start < end && i.end >= start);
    const activities = PRIORITY.filter((a) => inside.some((i) => i.activity === a));
    const activity = activities[0] ?? 'idle';
    windows.push({
      start,
      end,
      activity,
      activities: activities.length ? activities : ['idle'],
      confidence: confidenceOf(activity),
      evidence: activity === 'idle' ? ['no media, no bulk transfer, no Teams service traffic beyond keep-alives'] : [...new Set(inside.filter((i) => i.activity === activity).map((i) => i.evidence))].slice(0, 5),
    });
  }
  const timeline = mergeWindows(windows);
  const seen = PRIORITY.filter((a) => intervals.some((i) => i.activity === a));
  const dominantActivity = seen[0] ?? 'idle';
  const reasons = intervals.filter((i) => i.activity === dominantActivity).map((i) => i.evidence);
  const evidence = timeline.flatMap((segment): SegmentEvidence[] => {
    const sources = intervals.filter((i) => i.activity === segment.activity && i.start < segment.end && i.end >= segment.start);
    if (sources.length === 0) return [];
    return [{ segment, frames: [...new Set(sources.flatMap((i) => i.frames))].sort((a, b) => a - b), filter: [...new Set(sources.map((i) => `(${i.filter})`))].join(' || ') }];
  });
  const application: Application = {
    dominantActivity,
    confidence: confidenceOf(dominantActivity),
    reason: reasons.length ? [...new Set(reasons)].slice(0, 4).join('; ') : 'only background traffic: no media, no bulk transfer, no Teams service traffic beyond keep-alives',
    activities: seen.length ? seen : ['idle'],
    windowSeconds,
    timeline,
    phases: callPhases(inputs),
  };
  return { application, evidence };
}

function confidenceOf(activity: Activity): Segment['confidence'] {
  return activity === 'audio' || activity === 'video' || activity === 'file' ? 'high' : 'medium';
}

function activityIntervals({ flows, media, streams, durationSec, decryptedRequests }: ActivityInputs): Interval[] {
  const intervals: Interval[] = [];
  const streamOf = new Map(streams.map((s) => [`${s.flowId}/${s.ssrc}/${s.source.ip}:${s.source.port}`, s]));
  for (const m of media) {
    const activity = MEDIA_ACTIVITY[m.kind];
    if (!activity || m.durationSec < MINIMUM_MEDIA_SECONDS) continue;
    const stream = m.ssrc && m.source ? streamOf.get(`${m.flowId}/${m.ssrc}/${m.source.ip}:${m.source.port}`) : undefined;
    const flow = flows.find((f) => f.id === m.flowId);
    const start = stream?.start ?? flow?.start ?? 0;
    const end = stream?.end ?? flow?.end ?? durationSec;
    intervals.push({
      start,
      end,
      activity,
      evidence: `${m.kind} stream ${m.ssrc ?? m.flowId}: PT ${m.payloadTypes?.join('/') ?? '?'} at ${m.pps} pkt/s, ${m.kbps} kbit/s ${m.direction}`,
      frames: stream ? [stream.firstFrame, stream.lastFrame] : [m.firstFrame],
      filter: m.filter,
    });
  }
  const mediaFlows = new Set(media.map((m) => m.flowId));
  for (const flow of flows) {
    if (mediaFlows.has(flow.id)) continue;
    const up = flow.clientToServer.bytes;
    const down = flow.serverToClient.bytes;
    const fileService = flow.service.name === 'sharepoint-onedrive';
    if (up >= FILE_UPLOAD_BYTES || (fileService && down >= FILE_DOWNLOAD_BYTES)) {
      const direction = up >= FILE_UPLOAD_BYTES ? `upload of ${kB(up)}` : `download of ${kB(down)}`;
      intervals.push({
        start: flow.start,
        end: flow.end,
        activity: 'file',
        evidence: `${direction} in ${round(flow.end - flow.start)} s on ${flow.id} (${flow.server.ip}, ${flow.service.name})`,
        frames: [flow.firstFrame, flow.lastFrame],
        filter: flow.filter,
      });
    } else if (flow.service.name === 'teams' && flow.transport === 'tcp' && flow.packets >= CHAT_MINIMUM_PACKETS) {
      const role = flow.service.role ? `: ${flow.service.role.replace(/\.$/, '')}` : '';
      intervals.push({
        start: flow.start,
        end: flow.end,
        activity: 'chat',
        evidence: `Teams service connection ${flow.id} to ${flow.server.ip}${role} (${kB(up)} up, ${kB(down)} down)`,
        frames: [flow.firstFrame, flow.lastFrame],
        filter: flow.filter,
      });
    }
  }
  intervals.push(...decryptedRequestIntervals(decryptedRequests ?? []));
  return intervals;
}

function mergeWindows(windows: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && last.activity === w.activity) {
      last.end = w.end;
      last.activities = [...new Set([...last.activities, ...w.activities])];
      last.evidence = [...new Set([...last.evidence, ...w.evidence])].slice(0, 5);
    } else {
      merged.push({ ...w, activities: [...w.activities], evidence: [...w.evidence] });
    }
  }
  return merged.map((s) => ({ ...s, start: round(s.start), end: round(s.end) }));
}

/**
 * Call phases: set-up (the STUN/TURN exchanges before the first media packet), media, the start of screen
 * sharing, and the end (the last media packet).
 */
/** Connections opened this close to the first media packet belong to the call's signalling. */
const SIGNALLING_WINDOW_SECONDS = 10;

function callPhases({ media, streams, stun, flows }: ActivityInputs): Phase[] {
  const callStreams = streams.filter((s) => media.some((m) => m.ssrc === s.ssrc && m.flowId === s.flowId && MEDIA_ACTIVITY[m.kind] && m.durationSec >= MINIMUM_MEDIA_SECONDS));
  if (callStreams.length === 0) return [];
  const first = callStreams.reduce((a, b) => (b.start < a.start ? b : a));
  const last = callStreams.reduce((a, b) => (b.end > a.end ? b : a));
  const phases: Phase[] = [];
  const setup = stun.filter((m) => m.time <= first.start);
  if (setup.length) {
    const start = Math.min(...setup.map((m) => m.time));
    phases.push({
      phase: 'setup',
      start: round(start),
      end: round(first.start),
      detail: `${setup.length} STUN/TURN messages over ${round(first.start - start)} s before the first media packet: candidates gathered, relays allocated, paths checked`,
      frames: setup.slice(0, 20).map((m) => m.frame),
    });
  }
  // The TCP/TLS signalling spike: Teams connections (call controller, flight proxy, relays over TLS) opened
  // as the call connects.
  const signalling = flows.filter((f) => f.transport === 'tcp' && f.service.teams && Math.abs(f.start - first.start) <= SIGNALLING_WINDOW_SECONDS);
  if (signalling.length >= 2) {
    const start = Math.min(...signalling.map((f) => f.start));
    const end = Math.max(...signalling.map((f) => f.start));
    phases.push({
      phase: 'signalling',
      start: round(start),
      end: round(end),
      detail: `${signalling.length} Teams TCP/TLS connections opened within ${SIGNALLING_WINDOW_SECONDS} s of the first media packet (${[...new Set(signalling.map((f) => f.server.ip))].slice(0, 5).join(', ')})`,
      frames: signalling.slice(0, 20).map((f) => f.firstFrame),
    });
  }
  phases.push({
    phase: 'media',
    start: round(first.start),
    end: round(last.end),
    detail: `${callStreams.length} media stream(s) from frame ${first.firstFrame} to frame ${last.lastFrame}`,
    frames: [first.firstFrame, last.lastFrame],
  });
  const sharing = callStreams.filter((s) => media.some((m) => m.ssrc === s.ssrc && m.kind === 'screen-sharing'));
  if (sharing.length) {
    const share = sharing.reduce((a, b) => (b.start < a.start ? b : a));
    phases.push({ phase: 'screenshare-start', start: round(share.start), end: round(share.end), detail: `screen-sharing stream ${share.ssrc} starts`, frames: [share.firstFrame] });
  }
  phases.push({ phase: 'end', start: round(last.end), end: round(last.end), detail: `last media packet (frame ${last.lastFrame})`, frames: [last.lastFrame] });
  return phases;
}

function kB(bytes: number): string {
  return bytes >= 1_000_000 ? `${round(bytes / 1_000_000)} MB` : `${Math.round(bytes / 1000)} kB`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
