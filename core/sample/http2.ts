/**
 * HTTP/2 (RFC 9113) as the sample's decryptable TLS sessions carry it: the client preface and SETTINGS,
 * one stream per REST call with its HEADERS (HPACK, RFC 7541: static-table indices and literals without
 * Huffman coding, so no compression state is kept) and DATA. Every message is written to exactly the size
 * the scenario gives its record, so the encrypted capture has the packet sizes it had before.
 */
export interface ApiCall {
  method: string;
  /** The path as the client sends it; the report shows it with identifiers replaced by {id}. */
  path: string;
  status: number;
}

/** A service's REST calls and the protocol (ALPN) its server picks for them. */
export interface ServiceApi {
  alpn: 'h2' | 'http/1.1';
  calls: readonly ApiCall[];
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const FRAME = { data: 0x0, headers: 0x1, settings: 0x4 } as const;
const FLAG = { endStream: 0x1, ack: 0x1, endHeaders: 0x4 } as const;
const MAX_FRAME_PAYLOAD = 16384;
const FRAME_HEADER_BYTES = 9;
/** HPACK static table (RFC 7541 appendix A): the entries used here. */
const STATIC = {
  authority: 1,
  methodGet: 2,
  methodPost: 3,
  path: 4,
  schemeHttps: 7,
  status200: 8,
  status: 8,
  contentLength: 28,
} as const;
/** Methods with a body: the rest of the record is the body; other requests are padded with a header. */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const PADDING_HEADER = 'x-ms-request-padding';

export class Http2Connection {
  private nextStream = 1;
  private readonly pending: { stream: number; call: ApiCall }[] = [];
  private calls = 0;
  private clientStarted = false;
  private serverStarted = false;

  constructor(
    private readonly authority: string,
    private readonly api: readonly ApiCall[],
  ) {}

  /** The next REST call of the connection, exactly `size` bytes long. */
  request(size: number): Buffer {
    const call = this.api[this.calls++ % this.api.length]!;
    const stream = this.nextStream;
    this.nextStream += 2;
    this.pending.push({ stream, call });
    const prefix = this.clientStarted
      ? Buffer.alloc(0)
      : Buffer.concat([PREFACE, frame(FRAME.settings, 0, 0, Buffer.alloc(0))]);
    this.clientStarted = true;
    const fields = [
      methodField(call.method),
      indexed(STATIC.schemeHttps),
      literal(STATIC.authority, this.authority),
      literal(STATIC.path, call.path),
    ];
    return Buffer.concat([prefix, message(size - prefix.length, stream, fields, WITH_BODY.has(call.method))]);
  }

  /** The answer to the oldest open call, exactly `size` bytes long. */
  response(size: number): Buffer {
    const open = this.pending.shift();
    if (!open) throw new Error('an HTTP/2 response without a request');
    const prefix = this.serverStarted
      ? Buffer.alloc(0)
      : Buffer.concat([
          frame(FRAME.settings, 0, 0, Buffer.alloc(0)),
          frame(FRAME.settings, FLAG.ack, 0, Buffer.alloc(0)),
        ]);
    this.serverStarted = true;
    const status =
      open.call.status === 200 ? indexed(STATIC.status200) : literal(STATIC.status, String(open.call.status));
    return Buffer.concat([prefix, message(size - prefix.length, open.stream, [status], true)]);
  }
}

/** HEADERS (with content-length and the body in DATA frames, or padded by a header) of exactly `size` bytes. */
function message(size: number, stream: number, fields: Buffer[], body: boolean): Buffer {
  const fixed = Buffer.concat(fields);
  if (body) {
    let bodyBytes = size;
    for (let i = 0; i < 4; i++) {
      const block = Buffer.concat([fixed, literal(STATIC.contentLength, String(bodyBytes))]);
      bodyBytes =
        size -
        FRAME_HEADER_BYTES -
        block.length -
        FRAME_HEADER_BYTES * Math.max(1, Math.ceil(bodyBytes / MAX_FRAME_PAYLOAD));
    }
    const block = Buffer.concat([fixed, literal(STATIC.contentLength, String(bodyBytes))]);
    const data: Buffer[] = [];
    for (let offset = 0; offset < bodyBytes || data.length === 0; offset += MAX_FRAME_PAYLOAD) {
      const length = Math.min(MAX_FRAME_PAYLOAD, bodyBytes - offset);
      data.push(
        frame(FRAME.data, offset + length >= bodyBytes ? FLAG.endStream : 0, stream, Buffer.alloc(Math.max(0, length))),
      );
    }
    return exactly(size, Buffer.concat([frame(FRAME.headers, FLAG.endHeaders, stream, block), ...data]));
  }
  let padding = 0;
  for (let i = 0; i < 4; i++) {
    const block = Buffer.concat([fixed, newName(PADDING_HEADER, 'x'.repeat(Math.max(0, padding)))]);
    padding += size - FRAME_HEADER_BYTES - block.length;
  }
  const block = Buffer.concat([fixed, newName(PADDING_HEADER, 'x'.repeat(Math.max(0, padding)))]);
  return exactly(size, frame(FRAME.headers, FLAG.endHeaders | FLAG.endStream, stream, block));
}

function exactly(size: number, bytes: Buffer): Buffer {
  if (bytes.length !== size)
    throw new Error(
      `an HTTP/2 message of ${size} bytes cannot be written (${bytes.length}): the scenario's record is too small`,
    );
  return bytes;
}

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

function methodField(method: string): Buffer {
  if (method === 'GET') return indexed(STATIC.methodGet);
  if (method === 'POST') return indexed(STATIC.methodPost);
  return literal(STATIC.methodGet, method);
}

/** An indexed header field (RFC 7541 §6.1). */
function indexed(index: number): Buffer {
  return integer(index, 7, 0x80);
}

/** A literal header field without indexing, its name from the static table (§6.2.2). */
function literal(nameIndex: number, value: string): Buffer {
  return Buffer.concat([integer(nameIndex, 4, 0x00), text(value)]);
}

/** A literal header field without indexing, with a new name. */
function newName(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00]), text(name), text(value)]);
}

/** A string literal without Huffman coding (§5.2). */
function text(value: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  return Buffer.concat([integer(bytes.length, 7, 0x00), bytes]);
}

/** An HPACK integer with an N-bit prefix (§5.1). */
function integer(value: number, prefixBits: number, flags: number): Buffer {
  const limit = (1 << prefixBits) - 1;
  if (value < limit) return Buffer.from([flags | value]);
  const bytes = [flags | limit];
  let rest = value - limit;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
