import { maxOf, minOf } from '../util/collections.js';
import catalog from '../knowledge/services.json' with { type: 'json' };
import type { FlowPayload, PayloadBurst } from '../model/payload.js';
import { classifyAddress } from '../knowledge/ranges.js';
import { formatEndpoint, sameEndpoint } from '../model/addressing.js';
import { timelineBinSeconds } from '../model/timeline.js';
import { allocationCount, turnAllocations } from '../model/turn.js';
import type {
  Application,
  DecryptedRequest,
  Evidence,
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
 * these values are its result on the 40 course captures of one group; test/activity-evaluation.ts judges them
 * on the captures of three other groups, which the fit never sees):
 * - chatExchangeBytes: a request/response exchange is messaging when each side sends at least this much
 *   application data in it (keep-alives and push-channel pings are tens of bytes);
 * - fileTransferBytes: a transfer is a file when it moves at least this much one way.
 */
export interface ActivityThresholds {
  chatExchangeBytes: number;
  fileTransferBytes: number;
}
export const FITTED_THRESHOLDS: ActivityThresholds = { chatExchangeBytes: 100, fileTransferBytes: 300_000 };

/**
 * A post answered by a short acknowledgement, several times smaller, is a batch upload (events, logs), not a
 * message, unless it goes to Teams' own servers (the chat service by name, or Teams' address ranges), where a
 * message carrying a file's card is answered as briefly; Azure, where Microsoft's telemetry collectors also run,
 * does not say so.
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

/** Services named only by an address range that still say what the traffic is: the client's background. */
const BACKGROUND_SERVICES: ReadonlySet<string> = new Set(['telemetry', 'identity', 'cdn', 'microsoft365', 'other-app']);
/**
 * Where Teams' services run, by address range alone: Teams' own ranges in Microsoft 365's endpoint list, and
 * Azure (the push channel and the chat aggregators are Azure services). A server nothing names outside them (a
 * CDN such as Akamai, another cloud) is not Teams' chat.
 */
const TEAMS_HOSTS: ReadonlySet<string> = new Set(['teams', 'azure']);
/** Evidence that names a server (the name the client asked for or looked up), not just its address range. */
const NAMING_EVIDENCE: ReadonlySet<Evidence['kind']> = new Set(['sni', 'dns-query', 'dns-answer']);
/** Teams' chat service and its aggregators (services.json): where a message is posted. */
const CHAT_SERVICE_PATTERNS = [
  '*.ng.msg.teams.microsoft.com',
  '*.msg.teams.microsoft.com',
  'chatsvcagg.teams.microsoft.com',
  'chatsvcagg.svcs.teams.office.com',
  '*.teams-msgapi.trafficmanager.net',
];
/** Teams' push channel (Trouter) and notification service: how the service tells a client of a new message. */
const PUSH_PATTERNS = ['*.trouter.teams.microsoft.com', '*.trouter.skype.com', '*.notifications.teams.microsoft.com'];
/** Where Teams keeps the files and images shared in chats (services.json patterns), besides SharePoint/OneDrive. */
const FILE_STORE_PATTERNS = ['*.asyncgw.teams.microsoft.com', '*.asm.skype.com'];
/**
 * The Teams web app and its APIs, the personal (Microsoft account) Teams services among them: the client's own
 * requests (logs, settings, state), which look like messages by their sizes; background, never chat nor a file.
 */
const WEB_API_PATTERNS = ['teams.microsoft.com', 'teams.cloud.microsoft', 'teams.live.com', '*.teams.live.com'];
/** The Teams configuration service: the client fetches its settings from it when it starts. */
const CONFIGURATION_PATTERNS = ['config.teams.microsoft.com'];
/** Presence: an idle client refreshes its own and its contacts' availability; never a chat. */
const PRESENCE_PATTERNS = ['presence.teams.microsoft.com'];
/** Microsoft 365's mailbox, calendar and people services: what a client syncs in the background. */
const SYNC_PATTERNS = ['outlook.office.com', 'outlook.office365.com', 'substrate.office.com', '*.delve.office.com'];
/** From sign-in to this long after the last configuration fetch, the app is loading: its exchanges are not chat. */
const STARTUP_LEAD_SECONDS = 2;
const STARTUP_TAIL_SECONDS = 5;
const SIGN_IN_NEAR_SECONDS = 10;
/** Exchanges this close before a call's set-up are its dialling, this close after its last media packet its hang-up. */
const DIALLING_SECONDS = 2;
const HANG_UP_SECONDS = 5;
/**
 * A message posted to the chat service is answered, and the push channel tells the client's endpoints of it:
 * a notification this long before (the two race) to this long after the exchange.
 */
const NOTIFICATION_BEFORE_SECONDS = 1;
const NOTIFICATION_AFTER_SECONDS = 5;
/** A file is posted in a chat once it is stored: a message this long after a file-store exchange shares it. */
const FILE_POST_SECONDS = 10;
/** Bursts of one connection recurring with gaps this close to their median are periodic (a poll, a keep-alive). */
const PERIODIC_TOLERANCE = 0.25;
const PERIODIC_MINIMUM_BURSTS = 3;
/** Push-channel pings are tens of bytes each way (Trouter's are 56 B up, 45 B down in the shared captures). */
const PUSH_KEEPALIVE_BYTES = 200;
/** A background download this large is the app's content or an update, and is said so. */
const CONTENT_DOWNLOAD_BYTES = 1_000_000;

function rolesOf(patterns: readonly string[]): ReadonlySet<string> {
  return new Set(catalog.entries.filter((e) => patterns.includes(e.pattern)).map((e) => e.role));
}
const CHAT_SERVICE_ROLES = rolesOf(CHAT_SERVICE_PATTERNS);
const PUSH_ROLES = rolesOf(PUSH_PATTERNS);
const FILE_STORE_ROLES = rolesOf(FILE_STORE_PATTERNS);
const WEB_API_ROLES = rolesOf(WEB_API_PATTERNS);
const CONFIGURATION_ROLES = rolesOf(CONFIGURATION_PATTERNS);
const PRESENCE_ROLES = rolesOf(PRESENCE_PATTERNS);
const SYNC_ROLES = rolesOf(SYNC_PATTERNS);
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
  /** A chat exchange the push channel notified: a message, even while the app loads, and a file's post. */
  notified?: boolean;
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
    // Each activity is as sure as its own evidence: a chat during a call is not as sure as the call.
    const confidences = activities.length
      ? activities.map((a) => ({ activity: a, confidence: strongest(inside.filter((i) => i.activity === a)) }))
      : [{ activity, confidence: idleConfidence(inputs) }];
    // Whatever else the window holds is named too, with one line of its own evidence: a file sent during a call.
    const also = confidences
      .slice(1)
      .map(
        ({ activity: a, confidence }) => `also ${a} (${confidence}): ${inside.find((i) => i.activity === a)!.evidence}`,
      );
    windows.push({
      start,
      end,
      activity,
      activities: confidences.map((c) => c.activity),
      confidence: confidences[0]!.confidence,
      confidences,
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
    phases: [...startupPhases(inputs), ...callPhases(inputs)],
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
  // The app starting names the segment: its line comes first.
  const startup = background.filter((b) => b.evidence.startsWith(STARTUP_EVIDENCE)).map((b) => b.evidence);
  const told = unique(
    background.filter((b) => !b.evidence.startsWith(STARTUP_EVIDENCE)).map((b) => b.evidence),
    4,
  );
  return [...startup, 'no call media, no call set-up, no file transfer, no messaging exchange', ...told];
}

function activityIntervals(inputs: ActivityInputs): Interval[] {
  const media = mediaIntervals(inputs);
  const setup = setupIntervals(inputs, media);
  const thresholds = inputs.thresholds ?? FITTED_THRESHOLDS;
  const transfers = transferIntervals(inputs, thresholds);
  // Exchanges that are not messaging: the app starting, a call's dialling and hang-up, the rest of a file's upload.
  const calls = [...setup, ...media];
  const startup = startupSpans(inputs).map((s) => ({
    start: s.start - STARTUP_LEAD_SECONDS,
    end: s.end + STARTUP_TAIL_SECONDS,
  }));
  const notChat = [
    ...calls.map((c) => ({ start: c.start - DIALLING_SECONDS, end: c.start })),
    ...media.map((m) => ({ start: m.end, end: m.end + HANG_UP_SECONDS })),
  ];
  const within = (c: Interval, spans: readonly { start: number; end: number }[]) =>
    spans.some((n) => c.start >= n.start && c.start <= n.end);
  const fileFlows = new Set(transfers.map((t) => t.flowId));
  // While the app loads, only a notified exchange may be a message, and only low: the app fetching its state
  // and being told of it look the same.
  const chat = chatIntervals(inputs, thresholds)
    .filter((c) => !fileFlows.has(c.flowId) && !within(c, notChat) && (c.notified || !within(c, startup)))
    .map((c) =>
      within(c, startup) ? { ...c, confidence: 'low' as const, evidence: `${c.evidence} (while the app loads)` } : c,
    );
  // One file, not two: the file-store exchanges around a transfer are its preparation or its link.
  const sharedFiles = sharedFileIntervals(inputs, thresholds, chat, startup).filter(
    (f) =>
      !fileFlows.has(f.flowId) &&
      !transfers.some((t) => f.end >= t.start - FILE_POST_SECONDS && f.start <= t.end + FILE_POST_SECONDS),
  );
  return [
    ...media,
    ...setup,
    ...transfers,
    ...sharedFiles,
    ...chat,
    ...decryptedRequestIntervals(inputs.decryptedRequests ?? []),
  ];
}

/** Marks the evidence of the app starting, so that its windows stay a segment of their own. */
const STARTUP_EVIDENCE = 'app start-up';

/**
 * The app starting: the client fetching its configuration from the Teams configuration service, with the
 * sign-ins around it, and the burst of connections to named services it opens as it loads (chat service,
 * push channel, presence, media stores, Microsoft 365) until STARTUP_TAIL_SECONDS after the last fetch.
 */
function startupSpans(inputs: ActivityInputs): Interval[] {
  const flows = nonMediaTcp(inputs);
  const configuration = flows.filter((f) => f.service?.role && CONFIGURATION_ROLES.has(f.service.role));
  if (configuration.length === 0) return [];
  const first = minOf(configuration.map((f) => f.start));
  const last = maxOf(configuration.map((f) => f.start));
  // Sign-ins near the configuration fetch are the app starting; others renew tokens in a running app.
  const signIn = flows.filter(
    (f) =>
      f.service?.name === 'identity' &&
      f.start >= first - SIGN_IN_NEAR_SECONDS &&
      f.start <= last + SIGN_IN_NEAR_SECONDS,
  );
  const all = [...configuration, ...signIn];
  const start = minOf(all.map((f) => f.start));
  const loading = flows.filter(
    (f) => useOf(f).named && f.start >= first && f.start <= last + STARTUP_TAIL_SECONDS && !all.includes(f),
  );
  const end = Math.max(last, ...loading.map((f) => f.start));
  return [
    {
      start,
      end,
      activity: 'idle',
      confidence: 'medium',
      evidence: `${STARTUP_EVIDENCE}: configuration fetched on ${configuration.map((f) => f.id).join(', ')}${signIn.length ? `, sign-in on ${signIn.map((f) => f.id).join(', ')}` : ''}${loading.length ? `, ${loading.length} connection(s) to named services as it loads` : ''}`,
      frames: all.map((f) => f.firstFrame),
      filter: all.map((f) => f.filter).join(' || '),
    },
  ];
}

/** The app's start-up as a phase of its own, beside a call's. */
function startupPhases(inputs: ActivityInputs): Phase[] {
  return startupSpans(inputs).map((span) => ({
    phase: 'app-start',
    start: round(span.start),
    end: round(span.end),
    detail: span.evidence.replace(`${STARTUP_EVIDENCE}: `, ''),
    frames: span.frames.slice(0, 20),
  }));
}

function mediaIntervals({ media, streams, flows, durationSec, tcpRelayMedia = [] }: ActivityInputs): Interval[] {
  const streamOf = new Map(streams.map((s) => [`${s.flowId}/${s.ssrc}/${s.source.ip}:${s.source.port}`, s]));
  // Media through a relay's TCP 443 whose RTP the media reader could not read (core/media/tcp-stream.ts): a call
  // of unknown kind, so audio, low (as mediaActivityOf says). Where it read the streams, they speak instead.
  const readFlows = new Set(media.map((m) => m.flowId));
  const overTcp = tcpRelayMedia
    .filter((f) => f.end - f.start >= MINIMUM_MEDIA_SECONDS && !readFlows.has(f.id))
    .map((f): Interval => ({
      flowId: f.id,
      start: f.start,
      end: f.end,
      activity: 'audio',
      confidence: 'low',
      evidence: `call traffic through the relay ${formatEndpoint(f.server)} over TCP (MS-TURN in pseudo-TLS framing): ${f.packets} packets, media the reader could not read`,
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
    const allocations = turnAllocations(before);
    const allocated = allocationCount(allocations);
    const allocationText =
      allocated === null
        ? `${allocations.responses.length} Allocate success response(s) with no relayed address read`
        : `${allocated} relay allocation(s)`;
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
        confidence: allocations.responses.length > 0 || checks >= 2 ? 'medium' : 'low',
        evidence: `call set-up: ${before.length} STUN/TURN messages (${allocationText}, ${checks} binding request(s)) from ${round(start)} s ${outcome}`,
        frames: before.slice(0, 20).map((m) => m.frame),
        filter: `(stun || classicstun) && !stun.channel && frame.time_relative >= ${(start - 0.001).toFixed(3)} && frame.time_relative <= ${(end + 0.001).toFixed(3)}`,
      },
    ];
  });
}

type FlowUse = 'chat-service' | 'web-api' | 'push' | 'file-store' | 'calling' | 'background' | 'unnamed' | 'local';

/** What a connection's server is, and whether a name (SNI, DNS) says so rather than only an address range. */
interface ServerUse {
  use: FlowUse;
  named: boolean;
}

/**
 * What a connection's server is for, from its service: the chat service, the push channel, a file store, call
 * signalling and relays, a named background service (sign-in, telemetry, configuration, presence, the web app,
 * Microsoft 365 sync, CDNs, other apps), a server nothing names (an address range says at most whose it is), or,
 * when nothing names it either, a host off the public internet (a LAN device, a link-local address): Teams'
 * services are public, so such a host is never a chat, a notification or a file.
 */
function useOf(flow: Flow): ServerUse {
  const service = flow.service;
  const unnamed: ServerUse = {
    use: classifyAddress(flow.server.ip).scope === 'public' ? 'unnamed' : 'local',
    named: false,
  };
  if (!service) return unnamed;
  const named = service.evidence.some((e) => NAMING_EVIDENCE.has(e.kind));
  const role = service.role ?? '';
  if (service.name === 'sharepoint-onedrive' || FILE_STORE_ROLES.has(role)) return { use: 'file-store', named };
  if (CHAT_SERVICE_ROLES.has(role)) return { use: 'chat-service', named };
  if (WEB_API_ROLES.has(role)) return { use: 'web-api', named };
  if (PUSH_ROLES.has(role)) return { use: 'push', named };
  if (service.name === 'teams-calling') return { use: 'calling', named };
  if (named || BACKGROUND_SERVICES.has(service.name)) return { use: 'background', named };
  return unnamed;
}

interface OrientedBurst {
  start: number;
  end: number;
  up: number;
  down: number;
  firstFrame: number;
  lastFrame: number;
}

/** A flow's bursts oriented client → server. */
function orientedBursts(flow: Flow, payload: ReadonlyMap<string, FlowPayload>): OrientedBurst[] {
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

/** The server as evidence names it: its address and, when a name says, its role's first words. */
function serverWords(flow: Flow, { named }: ServerUse): string {
  const role = flow.service?.role?.replace(/[:.].*$/, '');
  const service = flow.service?.name;
  if (named && role) return `${flow.server.ip}, ${role}`;
  if (service === 'sharepoint-onedrive') return `${flow.server.ip}, SharePoint/OneDrive by address range`;
  const host = service === 'teams' ? ", in Teams' address range" : service === 'azure' ? ', in Azure' : '';
  return `${flow.server.ip}, a server this capture does not name${host}`;
}

function rate(bytes: number, seconds: number): string {
  return `${kB(bytes / Math.max(seconds, 0.001))}/s`;
}

/**
 * File transfers: a transfer (bursts of one connection, stalls under TRANSFER_GAP_SECONDS) moving at least
 * fileTransferBytes one way at a transfer's rate. To or from a file store (SharePoint/OneDrive, Teams' media
 * stores): high when a name says it is one, medium when only its address range does. An upload to a server
 * the capture does not name: low (it may be an unnamed telemetry endpoint). Downloads from anything but a file
 * store (a CDN's app update, the app's own content) and every named background service are never a file.
 */
function transferIntervals(inputs: ActivityInputs, { fileTransferBytes }: ActivityThresholds): Interval[] {
  const intervals: Interval[] = [];
  for (const flow of nonMediaTcp(inputs)) {
    const server = useOf(flow);
    if (server.use !== 'file-store' && server.use !== 'unnamed') continue;
    for (const transfer of joinBursts(orientedBursts(flow, inputs.payload), TRANSFER_GAP_SECONDS)) {
      const seconds = Math.max(transfer.end - transfer.start, 1);
      const upload = transfer.up >= transfer.down;
      const bytes = upload ? transfer.up : transfer.down;
      if (bytes < fileTransferBytes || bytes / seconds < FILE_MINIMUM_BYTES_PER_SECOND) continue;
      if (!upload && server.use !== 'file-store') continue;
      const confidence: Confidence = server.use === 'unnamed' ? 'low' : server.named ? 'high' : 'medium';
      intervals.push({
        flowId: flow.id,
        start: transfer.start,
        end: transfer.end,
        activity: 'file',
        confidence,
        evidence: `${upload ? 'upload' : 'download'} of ${kB(bytes)} in ${round(transfer.end - transfer.start)} s at ${rate(bytes, transfer.end - transfer.start)} (${round(transfer.start)}–${round(transfer.end)} s) on ${flow.id} (${serverWords(flow, server)})`,
        frames: [transfer.firstFrame, transfer.lastFrame],
        filter: `${flow.filter} && frame.number >= ${transfer.firstFrame} && frame.number <= ${transfer.lastFrame}`,
      });
    }
  }
  return intervals;
}

/**
 * A file too small to stand out by size is still a file when its service says so: an exchange with a file
 * store (a request answered, outside the app's start-up) followed within FILE_POST_SECONDS by a message with its
 * notification, the post that shares it. Medium when a name says the server is a file store, low when only its
 * address range does.
 */
function sharedFileIntervals(
  inputs: ActivityInputs,
  { fileTransferBytes }: ActivityThresholds,
  messages: readonly Interval[],
  startup: readonly { start: number; end: number }[],
): Interval[] {
  const intervals: Interval[] = [];
  for (const flow of nonMediaTcp(inputs)) {
    const server = useOf(flow);
    if (server.use !== 'file-store') continue;
    for (const transfer of joinBursts(orientedBursts(flow, inputs.payload), TRANSFER_GAP_SECONDS)) {
      if (transfer.up === 0 || transfer.down === 0) continue; // a request answered
      if (Math.max(transfer.up, transfer.down) >= fileTransferBytes) continue; // a transfer: transferIntervals
      if (startup.some((s) => transfer.start >= s.start && transfer.start <= s.end)) continue;
      // The post is a message its notification confirms: an exchange of a message's size alone shares nothing.
      const post = messages.find(
        (m) => m.notified && m.start >= transfer.start && m.start <= transfer.end + FILE_POST_SECONDS,
      );
      if (!post) continue;
      const seconds = transfer.end - transfer.start;
      intervals.push({
        flowId: flow.id,
        start: transfer.start,
        end: transfer.end,
        activity: 'file',
        confidence: server.named ? 'medium' : 'low',
        evidence: `small file: ${kB(transfer.up)} up, ${kB(transfer.down)} down in ${round(seconds)} s at ${rate(transfer.up + transfer.down, seconds)} on ${flow.id} (${serverWords(flow, server)}), then a message at ${round(post.start)} s`,
        frames: [transfer.firstFrame, transfer.lastFrame],
        filter: `${flow.filter} && frame.number >= ${transfer.firstFrame} && frame.number <= ${transfer.lastFrame}`,
      });
    }
  }
  return intervals;
}

/**
 * Chat: a request to the chat service answered by it (each side at least chatExchangeBytes), with a
 * notification on the push channel around it: high when names say both are Teams' chat service and push
 * channel, medium when the notification comes over a connection nothing names. A chat-service exchange with no
 * notification is the client syncing, not a message. An exchange with a server nothing names is chat only with
 * a notification beside it and the server in Teams' or Azure's address ranges, and then low: a size-only
 * exchange with any server is not chat. Named background services (presence, configuration, the web app,
 * sign-in, telemetry, CDNs, other apps) and hosts off the public internet are never chat.
 */
function chatIntervals(
  inputs: ActivityInputs,
  { chatExchangeBytes, fileTransferBytes }: ActivityThresholds,
): Interval[] {
  const flows = nonMediaTcp(inputs).map((flow) => ({ flow, server: useOf(flow) }));
  // A notification: data pushed to the client (down at least as much as up) on the push channel, or on a
  // connection nothing names. A connection's first burst after its SYN is its TLS handshake, not a notification.
  const notifications = flows
    .filter(({ server }) => server.use === 'push' || server.use === 'unnamed')
    .flatMap(({ flow, server }) =>
      orientedBursts(flow, inputs.payload)
        .slice(inputs.payload.get(flow.id)?.opened ? 1 : 0)
        .filter((b) => b.down >= chatExchangeBytes && b.down >= b.up)
        .map((b) => ({ flow, named: server.named && server.use === 'push', burst: b })),
    );
  const intervals: Interval[] = [];
  for (const { flow, server } of flows) {
    if (server.use !== 'chat-service' && server.use !== 'unnamed') continue;
    for (const b of orientedBursts(flow, inputs.payload)) {
      if (Math.min(b.up, b.down) < chatExchangeBytes || Math.max(b.up, b.down) >= fileTransferBytes) continue;
      const teamsOwn = server.use === 'chat-service' || flow.service?.name === 'teams';
      if (!teamsOwn && b.up > UPLOAD_RATIO * b.down && b.down < ACKNOWLEDGEMENT_BYTES) continue;
      const notified = notifications
        .filter(
          (n) =>
            n.flow.id !== flow.id &&
            n.burst.start >= b.start - NOTIFICATION_BEFORE_SECONDS &&
            n.burst.start <= b.end + NOTIFICATION_AFTER_SECONDS,
        )
        .sort((x, y) => Number(y.named) - Number(x.named))[0];
      // Sizes alone say nothing: the chat service's exchange is a message only with its notification, and a server
      // nothing names must at least be where Teams runs (a LAN host, a CDN, another cloud never is).
      if (server.use === 'chat-service' && !notified) continue;
      if (server.use === 'unnamed' && !TEAMS_HOSTS.has(flow.service?.name ?? 'unknown')) continue;
      const confidence: Confidence =
        server.use === 'unnamed' ? 'low' : server.use === 'chat-service' && notified?.named ? 'high' : 'medium';
      const notice = notified
        ? `, notification at ${round(notified.burst.start)} s on ${notified.flow.id}${notified.named ? ' (push channel)' : ''}`
        : '';
      intervals.push({
        flowId: flow.id,
        notified: notified !== undefined,
        start: b.start,
        end: b.end,
        activity: 'chat',
        confidence,
        evidence: `exchange at ${round(b.start)} s on ${flow.id} (${serverWords(flow, server)}): ${b.up} B sent, ${b.down} B received${notice}`,
        frames: [b.firstFrame, b.lastFrame],
        filter: `${flow.filter} && frame.number >= ${b.firstFrame} && frame.number <= ${b.lastFrame}`,
      });
    }
  }
  return intervals;
}

/** What a background exchange is, by its service: the parts of an idle client's life. */
function backgroundWhat(flow: Flow, server: ServerUse, b: OrientedBurst): string {
  const service = flow.service?.name;
  const role = flow.service?.role ?? '';
  if (service === 'identity') return 'sign-in or token refresh';
  if (service === 'telemetry') return `telemetry upload of ${kB(b.up)}`;
  if (PRESENCE_ROLES.has(role)) return 'presence refresh';
  if (CONFIGURATION_ROLES.has(role)) return `configuration fetch (${kB(b.down)})`;
  if (server.use === 'push') return b.down + b.up < PUSH_KEEPALIVE_BYTES ? 'push-channel keep-alive' : 'push channel';
  if (server.use === 'chat-service') return 'chat-service sync (no notification)';
  if (server.use === 'file-store') return 'file-store request (no file shared)';
  if (SYNC_ROLES.has(role)) return `calendar/people sync (${role.replace(/[:.].*$/, '')})`;
  if (server.use === 'web-api') return `the web app's own requests (${kB(b.up)} up, ${kB(b.down)} down)`;
  if (service === 'cdn' || (b.down > b.up && b.down >= CONTENT_DOWNLOAD_BYTES))
    return `download of ${kB(b.down)} (an app update or the app's content, not a file)`;
  if (service === 'other-app') return `another app on the host (${kB(b.up)} up, ${kB(b.down)} down)`;
  return `${role.replace(/[:.].*$/, '') || service} (${kB(b.up)} up, ${kB(b.down)} down)`;
}

/** Bursts at regular intervals, as a poll or a keep-alive makes them: the period, or undefined. */
function periodOf(bursts: readonly OrientedBurst[]): number | undefined {
  if (bursts.length < PERIODIC_MINIMUM_BURSTS) return undefined;
  const gaps = bursts.slice(1).map((b, i) => b.start - bursts[i]!.start);
  const median = [...gaps].sort((x, y) => x - y)[Math.floor(gaps.length / 2)]!;
  return median > 0 && gaps.every((g) => Math.abs(g - median) <= PERIODIC_TOLERANCE * median) ? median : undefined;
}

/**
 * What an idle window holds: the app starting, and the background exchanges of named services (sign-in,
 * telemetry, presence, configuration, the push channel's keep-alives, Microsoft 365 sync, downloads), periodic
 * ones said so. Idle is a model of what a client at rest does, not what is left.
 */
function backgroundIntervals(inputs: ActivityInputs): Interval[] {
  const intervals: Interval[] = startupSpans(inputs);
  for (const flow of nonMediaTcp(inputs)) {
    const server = useOf(flow);
    if (server.use === 'unnamed' || server.use === 'local' || server.use === 'calling') continue;
    const bursts = orientedBursts(flow, inputs.payload);
    const period = periodOf(bursts);
    for (const b of joinBursts(bursts, TRANSFER_GAP_SECONDS)) {
      intervals.push({
        start: b.start,
        end: b.end,
        activity: 'idle',
        confidence: 'medium',
        evidence: `background: ${backgroundWhat(flow, server, b)} on ${flow.id}${period ? ` (every ${Math.round(period)} s)` : ''}`,
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

function isStartup(segment: Segment): boolean {
  return segment.activity === 'idle' && segment.evidence.some((e) => e.startsWith(STARTUP_EVIDENCE));
}

function mergeWindows(windows: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    // Windows merge only when they hold the same activities: each activity keeps its own time segment, and the
    // app's start-up its own among idle ones.
    if (
      last &&
      last.activity === w.activity &&
      last.activities.join() === w.activities.join() &&
      isStartup(last) === isStartup(w)
    ) {
      last.end = w.end;
      last.evidence = unique([...last.evidence, ...w.evidence], 6);
      // The same activities in the same order: each keeps the strongest confidence either window gave it.
      last.confidences = last.confidences.map((c, i) => {
        const other = w.confidences[i]!.confidence;
        return CONFIDENCE_RANK[other] > CONFIDENCE_RANK[c.confidence] ? { ...c, confidence: other } : c;
      });
      last.confidence = last.confidences[0]!.confidence;
    } else {
      merged.push({
        ...w,
        activities: [...w.activities],
        confidences: w.confidences.map((c) => ({ ...c })),
        evidence: [...w.evidence],
      });
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
    const start = minOf(setup.map((m) => m.time));
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
      start: round(minOf(times)),
      end: round(maxOf(times)),
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
