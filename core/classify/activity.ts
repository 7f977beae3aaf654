import catalog from '../knowledge/services.json' with { type: 'json' };
import type { FlowPayload, PayloadBurst } from '../model/payload.js';
import { formatEndpoint, sameEndpoint } from '../model/addressing.js';
import { timelineBinSeconds } from '../model/timeline.js';
import type {
  Application,
  DecryptedRequest,
  Flow,
  MediaStream,
  RtpStream,
  StunMessage,
} from '../schema/generated/report.js';
import { decryptedRequestIntervals } from './decrypted-activity.js';

type Activity = Application['dominantActivity'];
type Confidence = Application['confidence'];
type Segment = Application['timeline'][number];
type Phase = Application['phases'][number];

/**
 * The dominant-activity rule (README, "What the user was doing"): the richest activity seen wins, a window's
 * as the capture's. A video call carries audio, a screen share runs inside a call, a file sent during a call
 * does not make the call a file transfer, a call being set up outranks the chat around it, and any of them
 * keeps the client's background traffic going.
 */
const PRIORITY: readonly Activity[] = ['screenshare', 'video', 'audio', 'file', 'call-setup', 'chat', 'idle'];

/**
 * The two thresholds fitted from labelled captures (test/activity-fit.ts documents the procedure and checks
 * these values are its result on the 40 course captures):
 * - chatExchangeBytes: a request/response exchange is messaging when each side sends at least this much
 *   application data in it (keep-alives and push-channel pings are tens of bytes);
 * - fileTransferBytes: a transfer is a file when it moves at least this much one way.
 */
export interface ActivityThresholds {
  chatExchangeBytes: number;
  fileTransferBytes: number;
}
export const FITTED_THRESHOLDS: ActivityThresholds = { chatExchangeBytes: 100, fileTransferBytes: 150_000 };

/**
 * A post answered by a short acknowledgement, several times smaller, is a batch upload (events, logs), not a
 * message: a sent message comes back with the conversation's update.
 */
const UPLOAD_RATIO = 3;
const ACKNOWLEDGEMENT_BYTES = 1000;
/** A transfer moves at least this fast (a telemetry batch trickling out over half a minute does not). */
const FILE_MINIMUM_BYTES_PER_SECOND = 25_000;
/** Bursts of one connection this close together are one transfer (TCP stalls for a moment on a slow link). */
const TRANSFER_GAP_SECONDS = 3;
/** Media shorter than this is a connectivity check or a glitch, not a call. */
const MINIMUM_MEDIA_SECONDS = 2;
/** STUN/TURN messages this close together are one call set-up. */
const SETUP_GAP_SECONDS = 15;
/** Fewer STUN messages than this are a NAT probe, not a call being set up (a relay allocation alone takes 4). */
const SETUP_MINIMUM_MESSAGES = 4;
/** Connections opened this close to the first media packet belong to the call's signalling. */
const SIGNALLING_WINDOW_SECONDS = 10;
/**
 * A day of 60 s windows. A capture whose clock jumps (one packet stamped years off, like nDPI's dns.pcap, 5
 * packets over 11 years) would otherwise be cut into millions of windows and take minutes and gigabytes.
 */
const MAX_WINDOWS = 1440;

/** Services whose traffic is the client's background: never a file, never a chat. */
const BACKGROUND_SERVICES: ReadonlySet<string> = new Set(['telemetry', 'identity', 'cdn', 'microsoft365', 'other-app']);
/** Servers named by nothing more specific than an address range or a hosting platform. */
const UNNAMED_SERVICES: ReadonlySet<string> = new Set(['unknown', 'azure', 'microsoft-other']);
/** Where Teams keeps the files and images shared in chats (services.json patterns). */
const FILE_STORE_PATTERNS = ['*.asyncgw.teams.microsoft.com', '*.asm.skype.com'];
/** The Teams web app: its uploads are the app's own (logs, settings), not files. */
const WEB_APP_PATTERNS = ['teams.microsoft.com', 'teams.cloud.microsoft', 'teams.live.com'];
/** The Teams configuration service: the client fetches its settings from it when it starts. */
const CONFIGURATION_PATTERNS = ['config.teams.microsoft.com'];
/** Presence: an idle client refreshes its own and its contacts' availability; never a chat. */
const PRESENCE_PATTERNS = ['presence.teams.microsoft.com'];
/** From sign-in to this long after the last configuration fetch, the app is loading: its exchanges are not chat. */
const STARTUP_LEAD_SECONDS = 2;
const STARTUP_TAIL_SECONDS = 5;
const SIGN_IN_NEAR_SECONDS = 10;
/** Exchanges this close before a call's set-up are its dialling, this close after its last media packet its hang-up. */
const DIALLING_SECONDS = 2;
const HANG_UP_SECONDS = 5;

function rolesOf(patterns: readonly string[]): ReadonlySet<string> {
  return new Set(catalog.entries.filter((e) => patterns.includes(e.pattern)).map((e) => e.role));
}
const FILE_STORE_ROLES = rolesOf(FILE_STORE_PATTERNS);
const WEB_APP_ROLES = rolesOf(WEB_APP_PATTERNS);
const CONFIGURATION_ROLES = rolesOf(CONFIGURATION_PATTERNS);
const PRESENCE_ROLES = rolesOf(PRESENCE_PATTERNS);
/** Teams' call signalling: the flight proxy carries a call's set-up messages (services.json). */
const SIGNALLING_ROLES = rolesOf(['*.flightproxy.teams.microsoft.com', '*.flightproxy.skype.com']);

const MEDIA_ACTIVITY: Record<MediaStream['kind'], Activity> = {
  audio: 'audio',
  video: 'video',
  'screen-sharing': 'screenshare',
  unknown: 'audio',
};
const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

interface Interval {
  /** The flow it rests on, when one. */
  flowId?: string;
  start: number;
  end: number;
  activity: Activity;
  confidence: Confidence;
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

export interface ActivityInputs {
  durationSec: number;
  flows: readonly Flow[];
  media: readonly MediaStream[];
  streams: readonly RtpStream[];
  stun: readonly StunMessage[];
  /** Application data per flow, in bursts (core/model/payload.ts). */
  payload: ReadonlyMap<string, FlowPayload>;
  /** Window length in seconds; by default it adapts to the capture's duration. */
  windowSeconds?: number;
  thresholds?: ActivityThresholds;
  /** Connections to a media relay over TCP 443 that carry a call's media (core/model/pseudo-tls.ts); absent: none. */
  tcpRelayMedia?: readonly Flow[];
  /** Requests seen inside TLS that a key log decrypted (core/classify/decrypted-activity.ts); absent without one. */
  decryptedRequests?: readonly DecryptedRequest[];
}

/** The activity stage's output: the report's application section, and each segment's evidence for its finding. */
export interface ActivityClassification {
  application: Application;
  evidence: SegmentEvidence[];
}

/**
 * The one place that decides whether a media stream is call media, and of which activity: audio, video or
 * screen sharing from the stream's kind (RTP clock, frame structure, rates: core/classify/media.ts), relayed
 * streams included. Media of no known kind that lasts (relayed traffic tshark cannot decode) still makes a
 * call, labelled audio with low confidence, the least a call carries.
 */
export function mediaActivityOf(m: MediaStream): { activity: Activity; confidence: Confidence } | undefined {
  if (m.durationSec < MINIMUM_MEDIA_SECONDS) return undefined;
  if (m.kind === 'unknown') return m.path === 'relay' ? { activity: 'audio', confidence: 'low' } : undefined;
  return { activity: MEDIA_ACTIVITY[m.kind], confidence: m.confidence };
}

/**
 * Windows of the capture, each labelled from the traffic inside it: call media by kind, a call being set up
 * (STUN/TURN without media), a bulk transfer to a file service (file), request/response exchanges with
 * Teams' messaging services (chat), or nothing beyond keep-alives and background traffic (idle). Unless
 * chosen, the window adapts to the capture: 5 s for short captures, up to 60 s for long ones, and longer still
 * beyond a day, so that there are never more than MAX_WINDOWS.
 */
export function classifyActivity(inputs: ActivityInputs): ActivityClassification {
  const duration = Math.max(inputs.durationSec, 0);
  const windowSeconds =
    inputs.windowSeconds !== undefined ? Math.max(1, inputs.windowSeconds) : adaptedWindow(duration);
  const intervals = activityIntervals(inputs);
  const background = backgroundIntervals(inputs);

  const windows: Segment[] = [];
  for (let start = 0; start < Math.max(duration, 1e-9); start += windowSeconds) {
    // The last window ends with the capture, and holds what happens at its very last packet.
    const last = start + windowSeconds >= duration;
    const end = last ? duration : start + windowSeconds;
    const inside = intervals.filter((i) => (i.start < end || (last && i.start <= end)) && i.end >= start);
    const activities = PRIORITY.filter((a) => inside.some((i) => i.activity === a));
    const activity = activities[0] ?? 'idle';
    const sources = inside.filter((i) => i.activity === activity);
    // Whatever else the window holds is named too, with one line of its own evidence: a file sent during a call.
    const also = activities.slice(1).map((a) => `also ${a}: ${inside.find((i) => i.activity === a)!.evidence}`);
    windows.push({
      start,
      end,
      activity,
      activities: activities.length ? activities : ['idle'],
      confidence: sources.length ? strongest(sources) : idleConfidence(inputs),
      evidence: sources.length
        ? [
            ...unique(
              sources.map((i) => i.evidence),
              4,
            ),
            ...also,
          ]
        : idleEvidence(background.filter((b) => b.start < end && b.end >= start)),
    });
  }
  const timeline = mergeWindows(windows);
  const seen = PRIORITY.filter((a) => intervals.some((i) => i.activity === a));
  const dominantActivity = seen[0] ?? 'idle';
  const reasons = intervals.filter((i) => i.activity === dominantActivity);
  const evidence = timeline.flatMap((segment): SegmentEvidence[] => {
    const sources = intervals.filter(
      (i) => i.activity === segment.activity && i.start < segment.end && i.end >= segment.start,
    );
    if (sources.length === 0) return [];
    return [
      {
        segment,
        frames: [...new Set(sources.flatMap((i) => i.frames))].sort((a, b) => a - b),
        filter: unique(sources.map((i) => `(${i.filter})`)).join(' || '),
      },
    ];
  });
  const application: Application = {
    dominantActivity,
    confidence: reasons.length ? strongest(reasons) : idleConfidence(inputs),
    reason: reasons.length
      ? unique(
          reasons.map((i) => i.evidence),
          4,
        ).join('; ')
      : idleEvidence(background).join('; '),
    activities: seen.length ? seen : ['idle'],
    windowSeconds,
    timeline,
    phases: callPhases(inputs),
  };
  return { application, evidence };
}

/**
 * 5 s for short captures, up to 60 s for long ones, longer beyond a day (never more than MAX_WINDOWS), and
 * always whole bins of the packets-per-second timeline, so that each window's rates count whole bins.
 */
function adaptedWindow(duration: number): number {
  const seconds = Math.max(Math.min(60, Math.max(5, Math.ceil(duration / 20))), Math.ceil(duration / MAX_WINDOWS));
  const bin = timelineBinSeconds(duration);
  return Math.ceil(seconds / bin) * bin;
}

function strongest(intervals: readonly Interval[]): Confidence {
  return intervals.reduce<Confidence>(
    (best, i) => (CONFIDENCE_RANK[i.confidence] > CONFIDENCE_RANK[best] ? i.confidence : best),
    'low',
  );
}

/** Idle is sure only as far as the capture shows a Teams client at all. */
function idleConfidence({ flows }: ActivityInputs): Confidence {
  return flows.some((f) => f.service?.teams) ? 'medium' : 'low';
}

function idleEvidence(background: readonly Interval[]): string[] {
  const told = unique(
    background.map((b) => b.evidence),
    4,
  );
  return ['no call media, no call set-up, no file transfer, no messaging exchange', ...told];
}

function activityIntervals(inputs: ActivityInputs): Interval[] {
  const media = mediaIntervals(inputs);
  const setup = setupIntervals(inputs, media);
  const thresholds = inputs.thresholds ?? FITTED_THRESHOLDS;
  const transfers = transferIntervals(inputs, thresholds);
  // Exchanges that are not messaging: the app starting, a call's dialling and hang-up, the rest of a file's upload.
  const calls = [...setup, ...media];
  const notChat: { start: number; end: number }[] = [
    ...startupSpans(inputs).map((s) => ({ start: s.start - STARTUP_LEAD_SECONDS, end: s.end + STARTUP_TAIL_SECONDS })),
    ...calls.map((c) => ({ start: c.start - DIALLING_SECONDS, end: c.start })),
    ...media.map((m) => ({ start: m.end, end: m.end + HANG_UP_SECONDS })),
  ];
  const fileFlows = new Set(transfers.map((t) => t.flowId));
  const chat = chatIntervals(inputs, thresholds).filter(
    (c) => !fileFlows.has(c.flowId) && !notChat.some((n) => c.start >= n.start && c.start <= n.end),
  );
  return [...media, ...setup, ...transfers, ...chat, ...decryptedRequestIntervals(inputs.decryptedRequests ?? [])];
}

/**
 * The app starting: the client fetching its configuration from the Teams configuration service, with the
 * sign-ins around it.
 */
function startupSpans(inputs: ActivityInputs): Interval[] {
  const flows = nonMediaTcp(inputs);
  const configuration = flows.filter((f) => f.service?.role && CONFIGURATION_ROLES.has(f.service.role));
  if (configuration.length === 0) return [];
  const first = Math.min(...configuration.map((f) => f.start));
  const last = Math.max(...configuration.map((f) => f.start));
  // Sign-ins near the configuration fetch are the app starting; others renew tokens in a running app.
  const signIn = flows.filter(
    (f) =>
      f.service?.name === 'identity' &&
      f.start >= first - SIGN_IN_NEAR_SECONDS &&
      f.start <= last + SIGN_IN_NEAR_SECONDS,
  );
  const all = [...configuration, ...signIn];
  const start = Math.min(...all.map((f) => f.start));
  return [
    {
      start,
      end: last,
      activity: 'idle',
      confidence: 'medium',
      evidence: `app start-up: configuration fetched on ${configuration.map((f) => f.id).join(', ')}${signIn.length ? `, sign-in on ${signIn.map((f) => f.id).join(', ')}` : ''}`,
      frames: all.map((f) => f.firstFrame),
      filter: all.map((f) => f.filter).join(' || '),
    },
  ];
}

function mediaIntervals({ media, streams, flows, durationSec, tcpRelayMedia = [] }: ActivityInputs): Interval[] {
  const streamOf = new Map(streams.map((s) => [`${s.flowId}/${s.ssrc}/${s.source.ip}:${s.source.port}`, s]));
  // Media through a relay's TCP 443 is MS-TURN framing tshark cannot open: a call of unknown kind, so audio, low (as mediaActivityOf says).
  const overTcp = tcpRelayMedia
    .filter((f) => f.end - f.start >= MINIMUM_MEDIA_SECONDS)
    .map((f): Interval => ({
      flowId: f.id,
      start: f.start,
      end: f.end,
      activity: 'audio',
      confidence: 'low',
      evidence: `call traffic through the relay ${formatEndpoint(f.server)} over TCP (MS-TURN in pseudo-TLS framing): ${f.packets} packets, media of a kind tshark cannot decode`,
      frames: [f.firstFrame, f.lastFrame],
      filter: `tcp.stream == ${f.stream}`,
    }));
  return [
    ...overTcp,
    ...media.flatMap((m): Interval[] => {
      const call = mediaActivityOf(m);
      if (!call) return [];
      const stream =
        m.ssrc && m.source ? streamOf.get(`${m.flowId}/${m.ssrc}/${m.source.ip}:${m.source.port}`) : undefined;
      const flow = flows.find((f) => f.id === m.flowId);
      const kind = m.kind === 'unknown' ? 'media of unknown kind' : `${m.kind} stream`;
      return [
        {
          start: stream?.start ?? flow?.start ?? 0,
          end: stream?.end ?? flow?.end ?? durationSec,
          activity: call.activity,
          confidence: call.confidence,
          evidence: `${kind} ${m.ssrc ?? m.flowId}${m.path === 'relay' ? ' (relayed)' : ''}: ${m.payloadTypes?.length ? `PT ${m.payloadTypes.join('/')} at ` : ''}${m.pps} pkt/s, ${m.kbps} kbit/s ${m.direction}`,
          frames: stream ? [stream.firstFrame, stream.lastFrame] : [m.firstFrame],
          filter: m.filter,
        },
      ];
    }),
  ];
}

/**
 * A call being set up: STUN/TURN messages (relay allocations, connectivity checks) before any media, or with
 * none at all (ringing, not answered, still connecting when the capture ends). ChannelData frames carry
 * media, not set-up.
 */
function setupIntervals({ stun, durationSec }: ActivityInputs, media: readonly Interval[]): Interval[] {
  const messages = stun
    .filter((m) => m.channel === undefined && m.method !== 'ChannelData')
    .sort((a, b) => a.time - b.time);
  const clusters: StunMessage[][] = [];
  for (const m of messages) {
    const cluster = clusters.at(-1);
    if (cluster && m.time - cluster.at(-1)!.time <= SETUP_GAP_SECONDS) cluster.push(m);
    else clusters.push([m]);
  }
  return clusters.flatMap((cluster): Interval[] => {
    const start = cluster[0]!.time;
    const firstMedia = Math.min(
      ...media.filter((i) => i.end >= start && i.start <= cluster.at(-1)!.time + SETUP_GAP_SECONDS).map((i) => i.start),
    );
    const before = cluster.filter((m) => m.time <= firstMedia);
    if (before.length < SETUP_MINIMUM_MESSAGES) return [];
    const allocations = before.filter((m) => m.method === 'Allocate' && m.class === 'success').length;
    const checks = before.filter((m) => m.method === 'Binding' && m.class === 'request').length;
    const end = Number.isFinite(firstMedia) ? firstMedia : Math.min(durationSec, before.at(-1)!.time);
    const outcome = Number.isFinite(firstMedia)
      ? `until the first media packet at ${round(firstMedia)} s`
      : end >= durationSec - SETUP_GAP_SECONDS
        ? 'and no media before the capture ends'
        : 'and no media: a call not answered or abandoned';
    return [
      {
        start,
        end,
        activity: 'call-setup',
        confidence: allocations > 0 || checks >= 2 ? 'medium' : 'low',
        evidence: `call set-up: ${before.length} STUN/TURN messages (${allocations} relay allocation(s), ${checks} binding request(s)) from ${round(start)} s ${outcome}`,
        frames: before.slice(0, 20).map((m) => m.frame),
        filter: `(stun || classicstun) && !stun.channel && frame.time_relative >= ${(start - 0.001).toFixed(3)} && frame.time_relative <= ${(end + 0.001).toFixed(3)}`,
      },
    ];
  });
}

type FlowUse = 'file-store' | 'web-app' | 'teams' | 'calling' | 'unnamed' | 'background';

/** What a connection's server is, for telling a file or a chat from the client's own background traffic. */
function useOf(flow: Flow): FlowUse {
  const service = flow.service;
  if (!service) return 'unnamed';
  if (service.name === 'sharepoint-onedrive' || (service.role && FILE_STORE_ROLES.has(service.role)))
    return 'file-store';
  if (service.role && WEB_APP_ROLES.has(service.role)) return 'web-app';
  if (service.role && PRESENCE_ROLES.has(service.role)) return 'background';
  if (service.name === 'teams-calling') return 'calling';
  if (service.name === 'teams') return 'teams';
  if (UNNAMED_SERVICES.has(service.name)) return 'unnamed';
  return BACKGROUND_SERVICES.has(service.name) ? 'background' : 'unnamed';
}

/** A flow's bursts oriented client → server. */
function orientedBursts(
  flow: Flow,
  payload: ReadonlyMap<string, FlowPayload>,
): { start: number; end: number; up: number; down: number; firstFrame: number; lastFrame: number }[] {
  const p = payload.get(flow.id);
  if (!p) return [];
  const clientFirst = sameEndpoint(p.first, flow.client);
  return p.bursts.map((b: PayloadBurst) => ({
    start: b.start,
    end: b.end,
    up: clientFirst ? b.fromFirst : b.fromSecond,
    down: clientFirst ? b.fromSecond : b.fromFirst,
    firstFrame: b.firstFrame,
    lastFrame: b.lastFrame,
  }));
}

function nonMediaTcp({ flows, media, tcpRelayMedia = [] }: ActivityInputs): Flow[] {
  const mediaFlows = new Set([...media.map((m) => m.flowId), ...tcpRelayMedia.map((f) => f.id)]);
  return flows.filter((f) => f.transport === 'tcp' && !mediaFlows.has(f.id));
}

/**
 * File transfers: a transfer (bursts of one connection, stalls under TRANSFER_GAP_SECONDS) moving at least
 * fileTransferBytes one way at a transfer's rate. Uploads count to file stores, to Teams services and to
 * servers the capture does not name (then with low confidence: it may be an unnamed telemetry endpoint);
 * downloads only from file stores (an unnamed download is as likely the app's own content). Telemetry,
 * sign-in, CDNs, Microsoft 365 and the web app are background, never a file.
 */
function transferIntervals(inputs: ActivityInputs, { fileTransferBytes }: ActivityThresholds): Interval[] {
  const intervals: Interval[] = [];
  for (const flow of nonMediaTcp(inputs)) {
    const use = useOf(flow);
    if (use === 'background' || use === 'web-app' || use === 'calling') continue;
    for (const transfer of joinBursts(orientedBursts(flow, inputs.payload), TRANSFER_GAP_SECONDS)) {
      const seconds = Math.max(transfer.end - transfer.start, 1);
      const upload = transfer.up >= transfer.down;
      const bytes = upload ? transfer.up : transfer.down;
      if (bytes < fileTransferBytes || bytes / seconds < FILE_MINIMUM_BYTES_PER_SECOND) continue;
      if (!upload && use !== 'file-store') continue;
      const confidence: Confidence = use === 'file-store' ? 'high' : use === 'teams' ? 'medium' : 'low';
      const server = `${flow.server.ip}${flow.service?.role && use !== 'unnamed' ? `, ${flow.service.role.replace(/[:.].*$/, '')}` : use === 'unnamed' ? ', a server this capture does not name' : ''}`;
      intervals.push({
        flowId: flow.id,
        start: transfer.start,
        end: transfer.end,
        activity: 'file',
        confidence,
        evidence: `${upload ? 'upload' : 'download'} of ${kB(bytes)} in ${round(transfer.end - transfer.start)} s (${round(transfer.start)}–${round(transfer.end)} s) on ${flow.id} (${server})`,
        frames: [transfer.firstFrame, transfer.lastFrame],
        filter: `${flow.filter} && frame.number >= ${transfer.firstFrame} && frame.number <= ${transfer.lastFrame}`,
      });
    }
  }
  return intervals;
}

/**
 * Chat: request/response exchanges in which both sides send at least chatExchangeBytes, on connections to
 * Teams services, the web app or servers the capture does not name (low confidence: nothing says they are
 * Teams'). Keep-alives and push-channel pings (tens of bytes), background services and transfers big
 * enough to be files are not chat.
 */
function chatIntervals(
  inputs: ActivityInputs,
  { chatExchangeBytes, fileTransferBytes }: ActivityThresholds,
): Interval[] {
  const intervals: Interval[] = [];
  for (const flow of nonMediaTcp(inputs)) {
    const use = useOf(flow);
    if (use === 'background' || use === 'calling') continue;
    for (const b of orientedBursts(flow, inputs.payload)) {
      if (Math.min(b.up, b.down) < chatExchangeBytes || Math.max(b.up, b.down) >= fileTransferBytes) continue;
      if (b.up > UPLOAD_RATIO * b.down && b.down < ACKNOWLEDGEMENT_BYTES) continue;
      const named =
        use === 'unnamed'
          ? 'a server this capture does not name'
          : (flow.service?.role?.replace(/[:.].*$/, '') ?? 'Teams');
      intervals.push({
        flowId: flow.id,
        start: b.start,
        end: b.end,
        activity: 'chat',
        confidence: use === 'unnamed' ? 'low' : 'medium',
        evidence: `exchange at ${round(b.start)} s on ${flow.id} (${flow.server.ip}, ${named}): ${b.up} B sent, ${b.down} B received`,
        frames: [b.firstFrame, b.lastFrame],
        filter: `${flow.filter} && frame.number >= ${b.firstFrame} && frame.number <= ${b.lastFrame}`,
      });
    }
  }
  return intervals;
}

/** What an idle window holds: background exchanges named by their service, and sign-in (the app starting). */
function backgroundIntervals(inputs: ActivityInputs): Interval[] {
  const intervals: Interval[] = startupSpans(inputs);
  for (const flow of nonMediaTcp(inputs)) {
    if (useOf(flow) !== 'background') continue;
    const service = flow.service!.name;
    for (const b of joinBursts(orientedBursts(flow, inputs.payload), TRANSFER_GAP_SECONDS)) {
      const what =
        service === 'identity'
          ? 'sign-in (the app starting or renewing its tokens)'
          : service === 'telemetry'
            ? `telemetry upload of ${kB(b.up)}`
            : `${flow.service!.role?.replace(/[:.].*$/, '') ?? service} (${kB(b.up)} up, ${kB(b.down)} down)`;
      intervals.push({
        start: b.start,
        end: b.end,
        activity: 'idle',
        confidence: 'medium',
        evidence: `background: ${what} on ${flow.id}`,
        frames: [b.firstFrame],
        filter: flow.filter,
      });
    }
  }
  return intervals;
}

function joinBursts<
  T extends { start: number; end: number; up: number; down: number; firstFrame: number; lastFrame: number },
>(bursts: readonly T[], gap: number): T[] {
  const joined: T[] = [];
  for (const b of bursts) {
    const last = joined.at(-1);
    if (last && b.start - last.end <= gap) {
      last.end = b.end;
      last.up += b.up;
      last.down += b.down;
      last.lastFrame = b.lastFrame;
    } else {
      joined.push({ ...b });
    }
  }
  return joined;
}

function mergeWindows(windows: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    // Windows merge only when they hold the same activities: each activity keeps its own time segment.
    if (last && last.activity === w.activity && last.activities.join() === w.activities.join()) {
      last.end = w.end;
      last.activities = [...new Set([...last.activities, ...w.activities])];
      last.evidence = unique([...last.evidence, ...w.evidence], 6);
      if (CONFIDENCE_RANK[w.confidence] > CONFIDENCE_RANK[last.confidence]) last.confidence = w.confidence;
    } else {
      merged.push({ ...w, activities: [...w.activities], evidence: [...w.evidence] });
    }
  }
  return merged.map((s) => ({ ...s, start: round(s.start), end: round(s.end) }));
}

/**
 * Call phases: set-up (the STUN/TURN exchanges before the first media packet), signalling, media, the start
 * of screen sharing, and the end (the last media packet).
 */
function callPhases({ media, streams, stun, flows, payload }: ActivityInputs): Phase[] {
  const callStreams = streams.filter((s) =>
    media.some((m) => m.ssrc === s.ssrc && m.flowId === s.flowId && mediaActivityOf(m)),
  );
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
  // The call's signalling: connections the client opened (its SYN, RFC 9293 §3.5) to Teams' call signalling
  // service as the call connects. A mid-connection ACK, FIN or RST opens nothing, and a TCP candidate to a
  // media relay is the media's fallback path, not signalling.
  const signalling = flows.flatMap((f) => {
    const opened = payload.get(f.id)?.opened;
    const inWindow =
      opened && Math.abs(opened.time - first.start) <= SIGNALLING_WINDOW_SECONDS && opened.time <= last.end;
    return inWindow && f.service?.role && SIGNALLING_ROLES.has(f.service.role) ? [{ flow: f, opened }] : [];
  });
  if (signalling.length) {
    const times = signalling.map((s) => s.opened.time);
    phases.push({
      phase: 'signalling',
      start: round(Math.min(...times)),
      end: round(Math.max(...times)),
      detail: `${signalling.length} connection(s) opened (SYN) to the call signalling service within ${SIGNALLING_WINDOW_SECONDS} s of the first media packet (${[...new Set(signalling.map((s) => s.flow.server.ip))].slice(0, 5).join(', ')})`,
      frames: signalling.slice(0, 20).map((s) => s.opened.frame),
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
    phases.push({
      phase: 'screenshare-start',
      start: round(share.start),
      end: round(share.end),
      detail: `screen-sharing stream ${share.ssrc} starts`,
      frames: [share.firstFrame],
    });
  }
  phases.push({
    phase: 'end',
    start: round(last.end),
    end: round(last.end),
    detail: `last media packet (frame ${last.lastFrame})`,
    frames: [last.lastFrame],
  });
  return phases;
}

function unique(values: readonly string[], limit = Infinity): string[] {
  return [...new Set(values)].slice(0, limit);
}

function kB(bytes: number): string {
  return bytes >= 1_000_000 ? `${round(bytes / 1_000_000)} MB` : `${Math.round(bytes / 1000)} kB`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
