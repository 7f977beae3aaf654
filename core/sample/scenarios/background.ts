import type { Session } from '../session.js';
import { SERVICES, chat, connect, pushChannel, resolve, telemetry } from './common.js';

/**
 * An idle client: the Trouter push channel opened before the capture only exchanges keep-alives, telemetry
 * goes out once, Windows searches for devices. No chat, no call, no transfer.
 */
export function idle(session: Session): void {
  const trouter = pushChannel(session, 0.2);
  trouter.exchange(0.2, 40, 40, 0.01);
  session.ssdp(8);
  resolve(session, 24, 'telemetry');
  telemetry(session, 24.05);
  trouter.exchange(50.2, 40, 40, 0.01);
  session.lookup(58, {
    name: 'www.msftconnecttest.com',
    aliases: ['ncsi-geo.trafficmanager.net', 'www.msftncsi.com.edgesuite.net', 'a1961.g2.akamai.net'],
    addresses: ['23.62.99.11', '23.62.99.35'],
  });
}

/** Chat: sign-in, the messaging service (TLS 1.2) and presence (TLS 1.3), messages back and forth for 25 s. */
export function chatSession(session: Session): void {
  let t = resolve(session, 0.1, 'chat');
  const messages = connect(session, t + 0.001, 'chat', 'TLS 1.2', 0xc02f);
  t = resolve(session, 0.4, 'presence');
  const presence = connect(session, t + 0.001, 'presence', 'TLS 1.3', 0x1301);
  presence.exchange(presence.ready + 0.01, 700, 1200);
  chat(session, messages, messages.ready + 0.5, 25);
  presence.exchange(20, 500, 800);
  messages.close(26);
  presence.close(26.2);
}

/** A file shared in a chat: a 2.4 MB upload to the sender's OneDrive (SharePoint) at 20 Mbit/s, and the chat message about it. */
export function fileUpload(session: Session): void {
  let t = resolve(session, 0.1, 'chat');
  const messages = connect(session, t + 0.001, 'chat', 'TLS 1.2', 0xc02f);
  chat(session, messages, messages.ready + 0.5, 4);
  t = resolve(session, 4.5, 'sharepoint');
  const sharepoint = connect(session, t + 0.001, 'sharepoint', 'TLS 1.3', 0x1302, { bitsPerSecond: 20e6 });
  t = sharepoint.exchange(sharepoint.ready + 0.01, 2_400_000, 1200, 0.15);
  session.truth.activities.add('file');
  chat(session, messages, t + 0.3, t + 4);
  sharepoint.close(t + 5);
  messages.close(t + 6);
}

/** DNS protected three ways next to plain DNS: DNSSEC-validated answers (DO asked, AD given), DoT and DoH. */
export function dnsSecurity(session: Session): void {
  session.lookup(0.1, {
    name: 'teams.microsoft.com',
    aliases: SERVICES.teams.lookup.aliases,
    addresses: SERVICES.teams.lookup.addresses,
    dnssec: true,
  });
  session.lookup(0.6, {
    name: 'www.ietf.org',
    aliases: ['www.ietf.org.cdn.cloudflare.net'],
    addresses: ['104.16.44.99'],
    dnssec: true,
    authority: 'ns',
  });
  session.lookup(1.0, {
    name: 'login.microsoftonline.com',
    aliases: SERVICES.login.lookup.aliases,
    addresses: SERVICES.login.lookup.addresses,
  });
  session.dnsOverTls(2, { ip: '1.1.1.1', sni: 'cloudflare-dns.com' });
  session.dnsOverHttps(6, { ip: '8.8.8.8', sni: 'dns.google' });
}

/**
 * A client left open for 90 s: push-channel keep-alives every 30 s, presence refreshed twice, and telemetry
 * batches of the size real clients send (about 420 kB: one at once, one trickling out over half a minute on a
 * slow uplink, as the course's 4G captures show). Uploads, but no file; exchanges, but no chat.
 */
export function idleWithTelemetry(session: Session): void {
  const trouter = pushChannel(session, 0.2);
  for (const t of [0.2, 30.2, 60.2, 89.2]) trouter.exchange(t, 40, 40, 0.01);
  let t = resolve(session, 5, 'presence');
  const presence = connect(session, t + 0.001, 'presence', 'TLS 1.3', 0x1301);
  presence.exchange(presence.ready + 0.01, 300, 400);
  presence.exchange(65, 300, 400);
  t = resolve(session, 12, 'telemetry');
  const batch = connect(session, t + 0.001, 'telemetry', 'TLS 1.2', 0xc030);
  batch.close(batch.exchange(batch.ready + 0.001, 420_000, 400) + 0.05);
  const slow = session.tls(40, {
    ip: SERVICES.telemetry.lookup.addresses[0]!,
    sni: SERVICES.telemetry.sni,
    version: 'TLS 1.2',
    cipherSuite: 0xc030,
    certificate: session.certificate(
      SERVICES.telemetry.certificate.commonName,
      SERVICES.telemetry.certificate.subjectAltNames,
    ),
    bitsPerSecond: 100e3,
  });
  slow.close(slow.exchange(slow.ready + 0.001, 420_000, 400) + 0.05);
  session.ssdp(50);
}

/**
 * The app starting, then left alone: sign-in, the configuration fetch, the chat service synced, the Trouter push
 * channel opened, presence and telemetry; then only push-channel keep-alives, a presence refresh and a chat
 * sync that no notification follows. No message, no call, no file.
 */
export function idleStartup(session: Session): void {
  let t = resolve(session, 0.1, 'login');
  const login = connect(session, t + 0.001, 'login', 'TLS 1.3', 0x1301);
  login.exchange(login.ready + 0.01, 3000, 10_000);
  t = resolve(session, 0.8, 'config');
  const config = connect(session, t + 0.001, 'config', 'TLS 1.3', 0x1301);
  config.exchange(config.ready + 0.01, 1400, 110_000);
  t = resolve(session, 1.6, 'chat');
  const sync = connect(session, t + 0.001, 'chat', 'TLS 1.2', 0xc02f);
  sync.exchange(sync.ready + 0.01, 2500, 9000);
  t = resolve(session, 1.7, 'trouter');
  const trouter = connect(session, t + 0.001, 'trouter', 'TLS 1.2', 0xc030);
  trouter.exchange(trouter.ready + 0.01, 1800, 4000);
  t = resolve(session, 2, 'presence');
  const presence = connect(session, t + 0.001, 'presence', 'TLS 1.3', 0x1301);
  presence.exchange(presence.ready + 0.01, 3000, 3000);
  resolve(session, 3, 'telemetry');
  telemetry(session, 3.05);
  for (const keepAlive of [30.5, 60.5]) trouter.exchange(keepAlive, 40, 40, 0.01);
  presence.exchange(45, 300, 400);
  sync.exchange(50, 572, 1171);
  login.close(62);
  config.close(62.1);
  sync.close(62.2);
  presence.close(62.3);
  trouter.close(62.4);
}

/** A small file (30 kB) shared in a chat: written to the sender's OneDrive, then the message that shares it. */
export function smallFile(session: Session): void {
  let t = resolve(session, 0.1, 'chat');
  const messages = connect(session, t + 0.001, 'chat', 'TLS 1.2', 0xc02f);
  chat(session, messages, messages.ready + 0.5, 4);
  t = resolve(session, 6, 'sharepoint');
  const sharepoint = connect(session, t + 0.001, 'sharepoint', 'TLS 1.3', 0x1302);
  t = sharepoint.exchange(sharepoint.ready + 0.01, 30_000, 1500);
  session.truth.activities.add('file');
  chat(session, messages, t + 0.5, t + 3);
  sharepoint.close(t + 4);
  messages.close(t + 5);
}

/** An idle client downloading a 5 MB app update from Microsoft's CDN: a large download, not a file. */
export function appUpdate(session: Session): void {
  const trouter = pushChannel(session, 0.2);
  trouter.exchange(0.2, 40, 40, 0.01);
  const t = resolve(session, 2, 'statics');
  const cdn = session.tls(t + 0.001, {
    ip: SERVICES.statics.lookup.addresses[0]!,
    sni: SERVICES.statics.sni,
    version: 'TLS 1.3',
    cipherSuite: 0x1301,
    certificate: session.certificate(
      SERVICES.statics.certificate.commonName,
      SERVICES.statics.certificate.subjectAltNames,
    ),
    bitsPerSecond: 50e6,
  });
  cdn.close(cdn.exchange(cdn.ready + 0.01, 600, 5_000_000) + 0.05);
  trouter.exchange(30.2, 40, 40, 0.01);
}
