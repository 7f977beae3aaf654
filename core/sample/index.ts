import { TeamsharkError } from '../util/errors.js';
import { Session, type SessionOptions, type WrittenSample } from './session.js';
import {
  appUpdate,
  chatSession,
  dnsSecurity,
  fileUpload,
  idle,
  idleStartup,
  idleWithTelemetry,
  smallFile,
} from './scenarios/background.js';
import {
  audioLan,
  audioRelay,
  fileDuringCall,
  screenShare,
  screenShareChannelData,
  audioRelayMsTurn,
  videoCall,
} from './scenarios/calls.js';
import { jitteryCall, lossyCall, reorderingCall, silentCall } from './scenarios/bad-network.js';
import { CLIENT, ROUTER } from './scenarios/common.js';
import { conferenceCall } from './scenarios/conference.js';
import { pathChange } from './scenarios/path-change.js';
import { defaultSession } from './scenarios/default.js';
import { WLAN_CLIENT, ipv6Session, twoInterfaces } from './scenarios/network.js';
import { weakTls } from './scenarios/security.js';
import { outOfOrderChat, relayOverTcp } from './scenarios/relay-tcp.js';

export interface Scenario {
  name: string;
  description: string;
  session?: Partial<SessionOptions>;
  write: (session: Session) => void;
}

export type { WrittenSample };

export const DEFAULT_SEED = 1;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'default',
    description:
      'a short Teams session: start-up DNS, sign-in, TLS 1.2 and 1.3, QUIC, chat, telemetry, a relayed call with audio, video and screen sharing, SSDP',
    write: defaultSession,
  },
  {
    name: 'idle',
    description: 'an idle client: push-channel keep-alives, one telemetry upload, an SSDP search, a minute long',
    write: idle,
  },
  {
    name: 'chat',
    description: 'chat messages over the messaging service (TLS 1.2) with presence (TLS 1.3)',
    write: chatSession,
  },
  {
    name: 'file-upload',
    description: 'a 2.4 MB file uploaded to OneDrive (SharePoint) over TLS 1.3 during a chat',
    write: fileUpload,
  },
  {
    name: 'audio-p2p-lan',
    description: 'an audio call straight to another PC of the LAN after ICE checks',
    write: audioLan,
  },
  {
    name: 'audio-relay',
    description: 'an audio call through a Teams relay (MS-TURN allocate: 401, then authenticated)',
    write: audioRelay,
  },
  {
    name: 'video',
    description: 'a video call peer to peer across the NAT: ICE checks, audio and camera video both ways',
    write: videoCall,
  },
  { name: 'screenshare', description: 'screen sharing in a relayed call, with audio both ways', write: screenShare },
  {
    name: 'screenshare-channeldata',
    description: 'screen sharing relayed inside TURN ChannelData (channels bound to the far end), with audio both ways',
    write: screenShareChannelData,
  },
  {
    name: 'audio-relay-ms-turn',
    description:
      'an audio call through a Teams relay with every RTP and RTCP packet inside MS-TURN Send requests and Data indications, DATA unpadded as Teams sends it (tshark: malformed STUN)',
    write: audioRelayMsTurn,
  },
  {
    name: 'ice-path-change',
    description:
      'an audio call that starts through the relay and moves to a direct path mid-call: each SSRC on two legs, 5 packets each way on both',
    write: pathChange,
  },
  {
    name: 'conference-media-server',
    description:
      'an audio meeting through a media server: ICE with the server, audio both ways, and on ports of their own the RTCP sender reports of 8 other participants',
    write: conferenceCall,
  },
  {
    name: 'idle-telemetry',
    description:
      'a client left open 90 s: push-channel keep-alives, presence refreshes, two 420 kB telemetry batches (one trickling out)',
    write: idleWithTelemetry,
  },
  {
    name: 'idle-startup',
    description:
      'the app starting (sign-in, configuration, chat sync, push channel, presence, telemetry), then left alone for a minute',
    write: idleStartup,
  },
  {
    name: 'small-file',
    description: 'a 30 kB file written to OneDrive (SharePoint) during a chat, then the message that shares it',
    write: smallFile,
  },
  {
    name: 'app-update',
    description: "an idle client downloading a 5 MB app update from Microsoft's CDN: background, not a file",
    write: appUpdate,
  },
  {
    name: 'file-during-call',
    description: 'a 3 MB file uploaded to OneDrive (SharePoint) 10 s into a relayed audio call',
    write: fileDuringCall,
  },
  {
    name: 'bad-network-loss',
    description:
      'a peer-to-peer audio call whose inbound audio loses 8 % of its packets at random and two bursts of over half a second: poor',
    write: lossyCall,
  },
  {
    name: 'bad-network-jitter',
    description:
      'a peer-to-peer audio call whose inbound audio is held in a queue for up to 800 ms at random (packets stall, then arrive together; jitter about 32 ms): poor',
    write: jitteryCall,
  },
  {
    name: 'bad-network-reordering',
    description:
      'a peer-to-peer audio call whose inbound audio has 5 % of its packets held back behind the next and 1 % lost: good',
    write: reorderingCall,
  },
  {
    name: 'bad-network-dtx',
    description:
      'a peer-to-peer audio call in which the far end falls silent three times (DTX: nothing sent), on a clean network: good',
    write: silentCall,
  },
  {
    name: 'dns-security',
    description: 'DNSSEC-validated answers (DO, AD, RRSIG) next to plain DNS, DNS over TLS and DNS over HTTPS',
    write: dnsSecurity,
  },
  {
    name: 'weak-tls',
    description:
      'an old device offering RC4/3DES/anonymous suites, TLS 1.0 with 3DES and an expired certificate, next to TLS 1.2',
    write: weakTls,
  },
  {
    name: 'relay-tcp',
    description:
      'UDP blocked: a refused CreatePermission (STUN error with XOR-PEER-ADDRESS), then the Teams relay over TCP 443 in its pseudo-TLS framing, MS-TURN and media inside',
    write: relayOverTcp,
  },
  {
    name: 'out-of-order',
    description: 'chat whose server sends its ServerHello and certificates with two TCP segments swapped on the way',
    write: outOfOrderChat,
  },
  {
    name: 'ipv6',
    description: 'Teams on an IPv6-only network: AAAA lookups, TLS, chat and a relayed audio call over IPv6',
    write: ipv6Session,
    session: { client: '2001:db8:1:20::20', resolver: '2001:db8:1:20::1' },
  },
  {
    name: 'vlan',
    description: 'the chat scenario on an 802.1Q-tagged LAN (VLAN 20)',
    write: chatSession,
    session: { link: 'vlan', vlanId: 20 },
  },
  {
    name: 'linux-sll',
    description: 'the relayed audio call captured on Linux "any" (Linux cooked-mode, SLL)',
    write: (session) => audioRelay(session),
    session: { link: 'linux-sll' },
  },
  {
    name: 'two-interfaces',
    description:
      'one host on two interfaces in one pcapng: the call on eth0 (µs timestamps), chat on wlan0 (ns timestamps)',
    write: twoInterfaces,
    session: {
      otherClients: [WLAN_CLIENT],
      interfaces: [
        { name: 'eth0', description: 'wired LAN', resolution: 'us' },
        { name: 'wlan0', description: 'Wi-Fi', resolution: 'ns' },
      ],
      interfaceFor: (source, destination) => (source === WLAN_CLIENT || destination === WLAN_CLIENT ? 1 : 0),
    },
  },
];

export function scenarioNamed(name: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario)
    throw new TeamsharkError('invalid-option', `unknown scenario "${name}": teamshark sample --list shows them`);
  return scenario;
}

/** Writes a scenario: the pcapng bytes, its ground truth and the protocol stack of every frame. */
export function writeSample(name = 'default', seed = DEFAULT_SEED): WrittenSample {
  const scenario = scenarioNamed(name);
  const session = new Session({ seed, link: 'ethernet', client: CLIENT, resolver: ROUTER, ...scenario.session });
  scenario.write(session);
  return session.finish(scenario.name, scenario.description);
}
