/*
 * TLS parameters notes name besides cipher suites: signature schemes, named groups and protocol versions, from
 * tls-parameters.json (IANA's registries, transcribed for the values in use; the tests compare them with tshark's).
 */
import data from './tls-parameters.json' with { type: 'json' };

export type TlsParameterKind = 'signature scheme' | 'named group' | 'protocol version';

export interface TlsParameter {
  kind: TlsParameterKind;
  code: number;
  name: string;
  description: string;
  /** 'RFC8446' or a draft's name. */
  reference: string;
  note?: string;
  source: { title: string; url: string };
}

const KINDS: [TlsParameterKind, keyof typeof data.sources, readonly Omit<TlsParameter, 'kind' | 'source'>[]][] = [
  ['signature scheme', 'signatureSchemes', data.signatureSchemes],
  ['named group', 'supportedGroups', data.supportedGroups],
  ['protocol version', 'versions', data.versions],
];

const byName = new Map<string, TlsParameter>();
for (const [kind, sourceKey, entries] of KINDS) {
  const source = data.sources[sourceKey] as { title: string; url: string };
  for (const entry of entries) byName.set(normalize(entry.name), { ...entry, kind, source });
}

/** 'TLSv1.2', 'tls 1.2', 'TLS1.2' → 'tls 1.2'; other names only lose their case. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/^(d?tls|ssl)\s*v?\s*(\d\.\d)$/, '$1 $2');
}

/** A signature scheme, named group or TLS/DTLS version by its name, in any case ('TLSv1.2' too). */
export function describeTlsParameter(name: string): TlsParameter | undefined {
  return byName.get(normalize(name.trim()));
}

export function tlsParameters(kind: TlsParameterKind): TlsParameter[] {
  return [...byName.values()].filter((p) => p.kind === kind);
}

export function rfcUrl(reference: string): string | undefined {
  const rfc = /^RFC(\d+)$/.exec(reference);
  return rfc
    ? `https://www.rfc-editor.org/rfc/rfc${rfc[1]}`
    : reference.startsWith('draft-')
      ? `https://datatracker.ietf.org/doc/${reference}/`
      : undefined;
}
