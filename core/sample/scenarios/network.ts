import type { Session } from '../session.js';
import { chatSession } from './background.js';
import { audioRelay } from './calls.js';
import { chat, connect, resolve } from './common.js';

/** The second interface's address in the two-interfaces scenario (Wi-Fi next to the wired 192.168.1.20). */
export const WLAN_CLIENT = '192.168.1.21';

/**
 * Teams on an IPv6-only network: AAAA lookups (A answered empty), the web app over TLS 1.3, chat over TLS
 * 1.2, then an audio call through the relay's IPv6 address, which sees the client's own address (no NAT).
 */
export function ipv6Session(session: Session): void {
  let t = resolve(session, 0.1, 'teams');
  const web = connect(session, t + 0.001, 'teams', 'TLS 1.3', 0x1301);
  web.exchange(web.ready + 0.001, 900, 20_000);
  t = resolve(session, 0.5, 'chat');
  const messages = connect(session, t + 0.001, 'chat', 'TLS 1.2', 0xc02f);
  chat(session, messages, messages.ready + 0.3, 6);
  audioRelay(session, 7);
  messages.close(32);
}

/** One host on two interfaces: an audio call on the wired one (µs timestamps), chat on Wi-Fi (ns timestamps). */
export function twoInterfaces(session: Session): void {
  audioRelay(session);
  session.as(WLAN_CLIENT, () => chatSession(session));
}
