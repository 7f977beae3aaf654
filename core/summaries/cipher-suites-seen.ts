import { describeCipherSuite, type CipherSuiteInfo } from '../knowledge/cipher-suites.js';
import type { CipherSuiteSeen, TlsHandshake } from '../schema/generated/report.js';

/** Every real suite (GREASE and signalling values aside) the handshakes offered or selected, taken apart. */
export function cipherSuitesSeen(handshakes: readonly TlsHandshake[]): CipherSuiteSeen[] {
  const seen = new Map<number, { info: CipherSuiteInfo; offeredIn: number; selectedIn: number; frames: number[] }>();
  const note = (code: number, frame: number, selected: boolean) => {
    let entry = seen.get(code);
    if (!entry) {
      const info = describeCipherSuite(code);
      if (!info || info.grade === 'not applicable') return;
      seen.set(code, (entry = { info, offeredIn: 0, selectedIn: 0, frames: [] }));
    }
    if (selected) entry.selectedIn++;
    else entry.offeredIn++;
    if (entry.frames.length < 20 && !entry.frames.includes(frame)) entry.frames.push(frame);
  };
  for (const h of handshakes) {
    if (h.clientHello)
      for (const suite of new Set(h.clientHello.cipherSuites.map((c) => c.code)))
        note(suite, h.clientHello.frame, false);
    if (h.serverHello) note(h.serverHello.cipherSuite.code, h.serverHello.frame, true);
  }
  const gradeOrder = ['insecure', 'weak', 'secure', 'recommended'];
  return [...seen.entries()]
    .map(([code, { info, offeredIn, selectedIn, frames }]): CipherSuiteSeen => {
      const row: CipherSuiteSeen = {
        code,
        name: info.name,
        offeredIn,
        selectedIn,
        keyExchange: info.keyExchange,
        authentication: info.authentication,
        cipher: info.cipher,
        hash: info.hash,
        forwardSecrecy: info.forwardSecrecy,
        aead: info.aead,
        grade: info.grade as CipherSuiteSeen['grade'],
        gradeReason: info.gradeReason,
        references: info.references,
        frames: frames.sort((a, b) => a - b),
      };
      if (info.openssl) row.openssl = info.openssl;
      if (info.weaknesses) row.weaknesses = info.weaknesses;
      if (info.keyBits !== undefined) row.keyBits = info.keyBits;
      if (info.mode) row.mode = info.mode;
      return row;
    })
    .sort(
      (a, b) =>
        b.selectedIn - a.selectedIn ||
        gradeOrder.indexOf(a.grade) - gradeOrder.indexOf(b.grade) ||
        b.offeredIn - a.offeredIn,
    );
}
