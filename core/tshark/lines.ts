import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Calls onLine with each line of a stream, without its newline (or a CR before it), as the chunks arrive:
 * memory holds one chunk and one partial line, never the whole output. A synchronous callback, not an async
 * iterator: tshark writes millions of lines, and a promise per line costs more than the line's own work.
 * Resolves at the end of the stream; rejects (and stops reading) when the stream fails or onLine throws.
 */
export function forEachLine(stream: Readable, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let partial = '';
    const emit = (text: string, final: boolean) => {
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        onLine(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
        start = end + 1;
      }
      partial = text.slice(start);
      if (final && partial) onLine(partial);
    };
    stream.on('data', (chunk: Buffer | string) => {
      try {
        emit(partial + (typeof chunk === 'string' ? chunk : decoder.write(chunk)), false);
      } catch (error) {
        stream.destroy();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what the line handler threw, as it threw it
        reject(error);
      }
    });
    stream.on('error', reject);
    stream.on('end', () => {
      try {
        emit(partial + decoder.end(), true);
        resolve();
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what the line handler threw, as it threw it
        reject(error);
      }
    });
  });
}
