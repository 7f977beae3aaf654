import type { DecryptedRequest } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf } from './addressing.js';
import { relativeTime, withoutUndefined, type Collector, type FinishContext } from './collector.js';
import { CERTIFICATE_STRUCTURES } from './flows.js';
import { requestAction, pathTemplate } from './request-path.js';

/** What a key log made visible: TLS sessions seen, those decrypted, and the HTTP requests inside them. */
export interface DecryptedTraffic {
  sessions: number;
  decryptedFlows: string[];
  requests: DecryptedRequest[];
}

type RawRequest = Omit<DecryptedRequest, 'time'> & { epoch: number; stream: number; streamId?: number };

/**
 * HTTP/1.1 and HTTP/2 requests inside decrypted TLS. Reads method, host, path, status and Content-Length
 * only: the fields that carry cookies, authorisation headers and bodies are never asked of tshark, so they
 * cannot reach the report. A TLS session counts as decrypted when tshark decodes a protocol inside its
 * records (certificate structures aside, which TLS 1.2 shows in clear).
 */
export class HttpCollector implements Collector<DecryptedTraffic> {
  readonly protocols = ['tls'];
  readonly fields = [
    ...ADDRESSING_FIELDS,
    'tls.handshake.type',
    'http.request.method',
    'http.host',
    'http.request.uri',
    'http.response.code',
    'http.content_length',
    'http.request_in',
    'http2.streamid',
    'http2.headers.method',
    'http2.headers.authority',
    'http2.headers.path',
    'http2.headers.status',
    'http2.headers.content_length',
  ];
  private readonly tlsStreams = new Set<number>();
  private readonly decryptedStreams = new Map<number, string>();
  private readonly requests: RawRequest[] = [];
  private readonly byFrame = new Map<number, RawRequest>();

  add(packet: PacketRecord): void {
    const stack = packet.protocols;
    // Records reassembled together show as tls:tls: what a decrypted record carries comes after the last one.
    const tls = stack.lastIndexOf('tls');
    if (tls < 0) return;
    const addressing = addressingOf(packet);
    if (!addressing || addressing.transport !== 'tcp') return;
    if (packet.ints('tls.handshake.type').includes(1)) this.tlsStreams.add(addressing.stream);
    if (!stack.slice(tls + 1).some((p) => !CERTIFICATE_STRUCTURES.test(p))) return;
    this.decryptedStreams.set(addressing.stream, addressing.flowId);
    const base = { epoch: packet.time, stream: addressing.stream, flowId: addressing.flowId };
    if (stack.includes('http2')) this.addHttp2(packet, base);
    else if (stack.includes('http')) this.addHttp1(packet, base);
  }

  private addHttp1(packet: PacketRecord, base: { epoch: number; stream: number; flowId: string }): void {
    const method = packet.first('http.request.method');
    if (method) {
      const request: RawRequest = {
        ...base,
        frame: packet.frame,
        protocol: 'HTTP/1.1',
        method,
        host: packet.first('http.host') ?? '',
        pathTemplate: pathTemplate(packet.first('http.request.uri') ?? ''),
      };
      const length = packet.int('http.content_length');
      if (length !== undefined) request.requestBytes = length;
      this.push(request);
      return;
    }
    const status = packet.int('http.response.code');
    const request = this.byFrame.get(packet.int('http.request_in') ?? 0);
    if (status === undefined || !request) return;
    this.answer(request, packet.frame, status, packet.int('http.content_length'));
  }

  /** One packet may carry several HEADERS frames: their fields come in frame order, one per frame. */
  private addHttp2(packet: PacketRecord, base: { epoch: number; stream: number; flowId: string }): void {
    const headerStreams = [...new Set(packet.ints('http2.streamid').filter((id) => id !== 0))];
    const methods = packet.values('http2.headers.method');
    const paths = packet.values('http2.headers.path');
    const hosts = packet.values('http2.headers.authority');
    const lengths = packet.ints('http2.headers.content_length');
    methods.forEach((method, i) => {
      const request: RawRequest = {
        ...base,
        frame: packet.frame,
        protocol: 'HTTP/2',
        method,
        host: hosts[i] ?? '',
        pathTemplate: pathTemplate(paths[i] ?? ''),
      };
      if (methods.length === headerStreams.length) request.streamId = headerStreams[i];
      if (methods.length === 1 && lengths.length === 1) request.requestBytes = lengths[0];
      this.push(request);
    });
    const statuses = packet.ints('http2.headers.status');
    statuses.forEach((status, i) => {
      const streamId = statuses.length === headerStreams.length ? headerStreams[i] : undefined;
      const request = this.requests.find(
        (r) =>
          r.stream === base.stream &&
          r.protocol === 'HTTP/2' &&
          r.status === undefined &&
          (streamId === undefined || r.streamId === streamId),
      );
      if (request)
        this.answer(
          request,
          packet.frame,
          status,
          statuses.length === 1 && lengths.length === 1 ? lengths[0] : undefined,
        );
    });
  }

  private push(request: RawRequest): void {
    const action = requestAction(request.method, request.host, request.pathTemplate);
    if (action) request.action = action;
    this.requests.push(request);
    this.byFrame.set(request.frame, request);
  }

  private answer(request: RawRequest, frame: number, status: number, bytes: number | undefined): void {
    request.status = status;
    request.responseFrame = frame;
    if (bytes !== undefined) request.responseBytes = bytes;
  }

  finish({ start }: FinishContext): DecryptedTraffic {
    return {
      sessions: new Set([...this.tlsStreams, ...this.decryptedStreams.keys()]).size,
      decryptedFlows: [...this.decryptedStreams.entries()].sort(([a], [b]) => a - b).map(([, flowId]) => flowId),
      requests: this.requests.map(({ epoch, stream: _stream, streamId: _streamId, ...rest }) =>
        withoutUndefined({ ...rest, time: relativeTime(epoch, start) }),
      ),
    };
  }
}
