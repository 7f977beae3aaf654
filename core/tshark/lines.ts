import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Yields a stream's lines without their newline, one chunk at a time: memory holds one chunk and one partial
 * line, never the whole output. (Faster than readline or execa's line mode for tshark's millions of lines.)
 */
export async function* lines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  for await (const chunk of stream) {
    const text = partial + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      start = end + 1;
    }
    partial = text.slice(start);
  }
  partial += decoder.end();
  if (partial) yield partial;
}
