import type { Session } from '../session.js';
import { relayedCall, callSignalling, hangUp } from './call.js';
import { SERVICES, chat, connect, resolve, telemetry } from './common.js';

/**
 * A short Teams session: start-up lookups and sign-in, configuration over TLS 1.2, the web app over TLS 1.3,
 * static files over QUIC, telemetry, chat, then a relayed call with audio, video and a screen share, and the
 * hang-up. An SSDP search runs in the background.
 */
export function defaultSession(session: Session): void {
  let t = 0.05;
  t = resolve(session, t, 'login');
  const login = connect(session, t + 0.001, 'login', 'TLS 1.3', 0x1302);
  login.exchange(login.ready + 0.001, 1800, 5200);

  t = resolve(session, t + 0.3, 'teams');
  const web = connect(session, t + 0.001, 'teams', 'TLS 1.3', 0x1301);
  web.exchange(web.ready + 0.001, 900, 24_000);

  t = resolve(session, t + 0.2, 'config');
  const config = connect(session, t + 0.001, 'config', 'TLS 1.2', 0xc030);
  config.exchange(config.ready + 0.001, 1100, 9_500);
  config.close(config.ready + 1.5);

  session.ssdp(1.2);
  t = resolve(session, 1.6, 'statics');
  session.quic(t + 0.001, { ip: SERVICES.statics.lookup.addresses[0]!, sni: SERVICES.statics.sni });

  resolve(session, 2.4, 'telemetry');
  telemetry(session, 2.45);

  t = resolve(session, 3.0, 'chat');
  const messages = connect(session, t + 0.001, 'chat', 'TLS 1.2', 0xc02f);
  chat(session, messages, messages.ready + 0.2, 12);

  t = callSignalling(session, 12.5);
  const callStart = t + 0.3;
  const callEnd = relayedCall(session, callStart, [
    { kind: 'audio', start: callStart + 0.5, duration: 24, both: true },
    { kind: 'video', start: callStart + 2, duration: 20, both: true },
    { kind: 'screen-sharing', start: callStart + 9, duration: 10, both: false },
  ]);
  hangUp(session, callEnd + 0.05);
  telemetry(session, callEnd + 1);
  messages.close(callEnd + 2);
}
