import type { ApiCall } from './http2.js';

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 204: 'No Content' };
/** Methods with a body: the rest of the record is the body; other requests are padded with a header. */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * HTTP/1.1 (RFC 9112) as a decryptable sample session carries it: one request line, Host and
 * Content-Length, and a body that fills the record to the size the scenario gives it.
 */
export class Http1Connection {
  private calls = 0;
  private readonly pending: ApiCall[] = [];

  constructor(
    private readonly host: string,
    private readonly api: readonly ApiCall[],
  ) {}

  request(size: number): Buffer {
    const call = this.api[this.calls++ % this.api.length]!;
    this.pending.push(call);
    const head = `${call.method} ${call.path} HTTP/1.1\r\nHost: ${this.host}\r\n`;
    return WITH_BODY.has(call.method) ? withBody(size, head) : padded(size, head);
  }

  response(size: number): Buffer {
    const call = this.pending.shift();
    if (!call) throw new Error('an HTTP/1.1 response without a request');
    return withBody(size, `HTTP/1.1 ${call.status} ${REASONS[call.status] ?? 'OK'}\r\n`);
  }
}

function withBody(size: number, head: string): Buffer {
  let body = size;
  for (let i = 0; i < 4; i++) body = size - Buffer.byteLength(`${head}Content-Length: ${body}\r\n\r\n`);
  return exactly(
    size,
    Buffer.concat([
      Buffer.from(`${head}Content-Length: ${body}\r\n\r\n`, 'latin1'),
      Buffer.alloc(Math.max(0, body), 0x20),
    ]),
  );
}

function padded(size: number, head: string): Buffer {
  const fixed = Buffer.byteLength(`${head}X-Ms-Request-Padding: \r\n\r\n`);
  return exactly(
    size,
    Buffer.from(`${head}X-Ms-Request-Padding: ${'x'.repeat(Math.max(0, size - fixed))}\r\n\r\n`, 'latin1'),
  );
}

function exactly(size: number, bytes: Buffer): Buffer {
  if (bytes.length !== size)
    throw new Error(
      `an HTTP/1.1 message of ${size} bytes cannot be written (${bytes.length}): the scenario's record is too small`,
    );
  return bytes;
}
