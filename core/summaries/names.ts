import { isIP } from 'node:net';
import type { DnsTransaction, TlsHandshake } from '../schema/generated/report.js';

export interface NameSighting {
  name: string;
  via: 'dns-answer' | 'sni';
  frames: number[];
}

/**
 * What this capture itself says an address is called: the DNS answers that resolved to it (every name of
 * the CNAME chain) and the SNIs clients sent to it, QUIC's included (they come as TLS handshakes). Classifiers
 * consult this before any address range.
 */
export class NameIndex {
  private readonly byAddress = new Map<string, Map<string, NameSighting>>();
  /** Alias targets → the name the client asked for first (the head of the CNAME chain). */
  private readonly heads = new Map<string, string>();

  constructor(dns: readonly DnsTransaction[], tls: readonly TlsHandshake[]) {
    for (const t of dns) {
      if (!t.chain || t.protocol !== 'dns' || t.responseFrame === undefined) continue;
      for (const alias of t.chain.names.slice(1))
        if (!this.heads.has(alias.toLowerCase())) this.heads.set(alias.toLowerCase(), t.chain.names[0]);
      for (const address of t.chain.addresses) {
        for (const name of t.chain.names) this.add(address, name, 'dns-answer', t.responseFrame);
      }
    }
    for (const h of tls) {
      // An address literal in the SNI (RFC 6066 forbids it, Teams relays over TLS get one) is no name.
      if (h.clientHello?.sni && !isIP(h.clientHello.sni))
        this.add(h.server.ip, h.clientHello.sni, 'sni', h.clientHello.frame);
    }
  }

  private add(address: string, name: string, via: NameSighting['via'], frame: number): void {
    let names = this.byAddress.get(address);
    if (!names) this.byAddress.set(address, (names = new Map<string, NameSighting>()));
    const key = `${via}:${name.toLowerCase()}`;
    const sighting = names.get(key);
    if (sighting) {
      if (!sighting.frames.includes(frame)) sighting.frames.push(frame);
    } else {
      names.set(key, { name, via, frames: [frame] });
    }
  }

  /** The name whose CNAME chain led to this one, if this capture shows one. */
  chainHeadOf(name: string): string | undefined {
    return this.heads.get(name.toLowerCase());
  }

  /** The address's names, those clients asked for by SNI first (they say what the client wanted), then DNS's. */
  namesOf(address: string): NameSighting[] {
    const sightings = [...(this.byAddress.get(address)?.values() ?? [])];
    return [...sightings.filter((s) => s.via === 'sni'), ...sightings.filter((s) => s.via !== 'sni')];
  }
}
