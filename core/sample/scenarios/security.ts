import type { Session } from '../session.js';
import { LEGACY_CLIENT } from '../tls-session.js';
import { connect, resolve } from './common.js';

/** 3DES (TLS_RSA_WITH_3DES_EDE_CBC_SHA): weak (Sweet32, no forward secrecy) but not broken outright. */
const RSA_3DES = 0x000a;

/**
 * An outdated device next to a current client: its ClientHello offers RC4, 3DES and anonymous suites, the
 * server settles on TLS 1.0 with 3DES and presents a certificate that expired months ago. The current client
 * uploads telemetry over TLS 1.2.
 */
export function weakTls(session: Session): void {
  const t = resolve(session, 0.1, 'telemetry');
  const modern = connect(session, t + 0.001, 'telemetry', 'TLS 1.2', 0xc02f);
  modern.exchange(modern.ready + 0.01, 6000, 400);
  session.lookup(1, { name: 'printer.contoso.example', addresses: ['198.51.100.10'] });
  const legacy = session.tls(1.1, {
    ip: '198.51.100.10',
    sni: 'printer.contoso.example',
    version: 'TLS 1.0',
    cipherSuite: RSA_3DES,
    client: LEGACY_CLIENT,
    certificate: {
      ...session.certificate('printer.contoso.example', ['printer.contoso.example'], { ageDays: 500, days: 365 }),
      organization: 'Contoso Ltd',
    },
  });
  legacy.exchange(legacy.ready + 0.01, 400, 2200);
  legacy.close(legacy.ready + 1);
  session.truth.finding(`tls-weak-suite-selected/0x${RSA_3DES.toString(16).padStart(4, '0')}`);
  modern.close(4);
}
