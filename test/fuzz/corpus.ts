/**
 * The bad-input corpus: 500 inputs built on demand from the real captures in ../shared/captures, each from a
 * fixed recipe (editcap seeds, byte offsets from a seeded generator, blocks built in code), so that a run
 * today and a run next month read the same bytes. The one exception is randpkt, which has no seed option:
 * its variants differ from run to run, and the runner keeps the file of any that fails.
 */
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SHARED_CAPTURES } from '../helpers.js';
import {
  BLOCK,
  enhancedPacketBlock,
  ethernet,
  ipv4,
  pcapFile,
  pcapngBlock,
  pcapngOptions,
  recordBoundaries,
  sectionHeaderBlock,
  interfaceBlock,
  udp,
} from '../capture-bytes.js';

/** What a variant must produce: a report, a one-line error, or either; `warned`: a report must carry a warning. */
export interface Expectation {
  outcome: 'report' | 'error' | 'either';
  warned?: boolean;
}

export interface Input {
  /** The capture argument given to the CLI; a Buffer when its name is not UTF-8. */
  capture: string | Buffer;
  /** The CLI runs here (for relative names such as "-"). */
  cwd?: string;
  /** Run the CLI as user "nobody", so that file permissions hold even for root. */
  unprivileged?: boolean;
  expect: Expectation;
}

export interface Variant {
  /** Unique and stable: what the tally lists and `npm run fuzz -- --only` selects. */
  name: string;
  /** How the input is made, in words a reader can repeat. */
  recipe: string;
  /** Builds the input inside `folder` (empty, the variant's own). */
  build(folder: string): Promise<Input>;
}

/** The real captures the variants start from: the course's Teams session and three labelled activities. */
export const SOURCES = [
  'teams.pcap',
  'teams-activities/chat-4g-K2MG.pcapng',
  'teams-activities/chat-lan-K1ME.pcapng',
  'teams-activities/chat-wifi-K2MW.pcapng',
];

const EITHER: Expectation = { outcome: 'either' };
const sourcePath = (source: string) => join(SHARED_CAPTURES, source);
const baseName = (source: string) => source.split('/').pop()!;

/** mulberry32: a small seeded generator, so "random" offsets are the same on every run. */
export function seededRandom(seed: string): () => number {
  let state = [...seed].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 0x5bd1e995) >>> 0, 0x9e3779b9);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (random: () => number, low: number, high: number) => low + Math.floor(random() * (high - low));

// --- editcap -E: bytes inside packets changed with a probability, from a fixed seed -------------------

const EDITCAP_PROBABILITIES = [0.001, 0.01, 0.05, 0.1, 0.3, 0.7];
const EDITCAP_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function editcapVariants(): Variant[] {
  return SOURCES.flatMap((source) =>
    EDITCAP_PROBABILITIES.flatMap((probability) =>
      EDITCAP_SEEDS.map((seed) => ({
        name: `editcap/${baseName(source)}/E${probability}/seed${seed}`,
        recipe: `editcap -E ${probability} --seed ${seed} ${source}`,
        async build(folder: string) {
          const capture = join(folder, `flipped-${baseName(source)}`);
          await execa('editcap', ['-E', String(probability), '--seed', String(seed), sourcePath(source), capture]);
          return { capture, expect: EITHER };
        },
      })),
    ),
  );
}

// --- cut short: inside the file header, inside the first record, anywhere --------------------------

/** 34 offsets per source: 6 inside the file header, 6 just after it (the first record's header), 22 anywhere. */
function cutOffsets(source: string, file: Buffer): number[] {
  const random = seededRandom(`cut:${source}`);
  const headerEnd = recordBoundaries(file)[0]!;
  const offsets = new Set<number>();
  const add = (count: number, low: number, high: number) => {
    for (let target = offsets.size + count; offsets.size < target;) offsets.add(between(random, low, high));
  };
  add(6, 1, headerEnd);
  add(6, headerEnd, headerEnd + 48);
  add(22, headerEnd + 48, file.length);
  return [...offsets].sort((a, b) => a - b);
}

async function cutVariants(): Promise<Variant[]> {
  const variants: Variant[] = [];
  for (const source of SOURCES) {
    const file = await readFile(sourcePath(source));
    const boundaries = new Set(recordBoundaries(file));
    for (const offset of cutOffsets(source, file)) {
      variants.push({
        name: `cut/${baseName(source)}@${offset}`,
        recipe: `head -c ${offset} ${source}`,
        async build(folder: string) {
          const capture = join(folder, `cut-${baseName(source)}`);
          await writeFile(capture, (await readFile(sourcePath(source))).subarray(0, offset));
          // Cut inside a record, the analysis skips the rest and must say so; cut between two, the file is whole.
          return { capture, expect: boundaries.has(offset) ? EITHER : { outcome: 'either', warned: true } };
        },
      });
    }
  }
  return variants;
}

// --- bytes overwritten anywhere, the headers included ----------------------------------------------

const OVERWRITE_COUNTS = [1, 4, 16, 64, 256];
const OVERWRITE_SEEDS = [1, 2, 3];

function overwriteVariants(): Variant[] {
  return SOURCES.flatMap((source) =>
    OVERWRITE_COUNTS.flatMap((count) =>
      OVERWRITE_SEEDS.map((seed) => ({
        name: `overwrite/${baseName(source)}/${count}bytes/seed${seed}`,
        recipe: `${count} bytes of ${source} set to seeded random values, half of them in the first 256 bytes (seed "overwrite:${source}:${count}:${seed}")`,
        async build(folder: string) {
          const bytes = Buffer.from(await readFile(sourcePath(source)));
          const random = seededRandom(`overwrite:${source}:${count}:${seed}`);
          for (let i = 0; i < count; i++) {
            const at = i % 2 === 0 ? between(random, 0, Math.min(256, bytes.length)) : between(random, 0, bytes.length);
            bytes[at] = between(random, 0, 256);
          }
          const capture = join(folder, `overwritten-${baseName(source)}`);
          await writeFile(capture, bytes);
          return { capture, expect: EITHER };
        },
      })),
    ),
  );
}

// --- randpkt: random packets of one protocol, or of random ones --------------------------------------

const RANDPKT_TYPES = [
  'arp',
  'bgp',
  'bvlc',
  'dns',
  'eth',
  'fddi',
  'giop',
  'icmp',
  'ieee802.15.4',
  'ip',
  'ipv6',
  'llc',
  'm2m',
  'megaco',
  'nbns',
  'ncp2222',
  'sctp',
  'syslog',
  'tds',
  'tcp',
  'tr',
  'udp',
  'usb-linux',
];

function randpktVariants(): Variant[] {
  const runs = [
    ...RANDPKT_TYPES.flatMap((type) =>
      [1, 100].map((count) => ({ label: `${type}/${count}`, args: ['-t', type, '-c', String(count)] })),
    ),
    ...[1, 2, 3, 4].map((run) => ({ label: `random-types/${run}`, args: ['-r', '-c', '200'] })),
  ];
  return runs.map(({ label, args }) => ({
    name: `randpkt/${label}`,
    recipe: `randpkt -b 2000 ${args.join(' ')} (randpkt has no seed: bytes differ per run)`,
    async build(folder: string) {
      const capture = join(folder, 'random.pcap');
      await execa('randpkt', ['-b', '2000', ...args, capture]);
      return { capture, expect: EITHER };
    },
  }));
}

// --- pcapng with odd blocks, inserted after the headers, in the middle and at the end --------------

const DNS_PACKET = ethernet(
  ipv4(
    '192.168.1.20',
    '192.168.1.1',
    17,
    udp(53000, 53, Buffer.from('12340100000100000000000007example03com0000010001', 'hex')),
  ),
);

/** A block whose trailing length differs from its leading one, or whose lengths are impossible. */
function withLengths(block: Buffer, leading: number, trailing = leading): Buffer {
  const copy = Buffer.from(block);
  copy.writeUInt32LE(leading >>> 0, 4);
  copy.writeUInt32LE(trailing >>> 0, copy.length - 4);
  return copy;
}

/** A Decryption Secrets Block body: secrets type, length, secrets. */
function decryptionSecretsBody(type: Buffer, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(data.length, 0);
  return Buffer.concat([type, length, data]);
}

const customBlockBody = Buffer.concat([Buffer.from([0, 0, 0x7f, 0xff]), Buffer.from('private data of PEN 32767')]);

/** `damages`: tshark cannot read past the block, so a report must warn that the rest was skipped. */
const ODD_BLOCKS: { kind: string; block: Buffer; damages?: boolean }[] = [
  { kind: 'unknown-type', block: pcapngBlock(0x0badbeef, Buffer.from('sixteen byte body')) },
  { kind: 'custom-copiable', block: pcapngBlock(BLOCK.customCopiable, customBlockBody) },
  { kind: 'custom-not-copiable', block: pcapngBlock(BLOCK.customNotCopiable, customBlockBody) },
  {
    kind: 'zero-length-options',
    block: enhancedPacketBlock(DNS_PACKET, {
      options: pcapngOptions([
        { code: 1, value: Buffer.alloc(0) },
        { code: 2, value: Buffer.alloc(0) },
        { code: 0x8001, value: Buffer.alloc(0) },
      ]),
    }),
  },
  {
    kind: 'option-overruns-block',
    block: enhancedPacketBlock(DNS_PACKET, { options: Buffer.from([1, 0, 0xff, 0x7f, 0x41, 0x41, 0x41, 0x41]) }),
    damages: true,
  },
  {
    kind: 'trailing-length-differs',
    block: withLengths(enhancedPacketBlock(DNS_PACKET), enhancedPacketBlock(DNS_PACKET).length, 0x1234),
    damages: true,
  },
  {
    kind: 'length-not-multiple-of-4',
    block: withLengths(enhancedPacketBlock(DNS_PACKET), enhancedPacketBlock(DNS_PACKET).length + 2),
    damages: true,
  },
  { kind: 'length-2GiB', block: withLengths(enhancedPacketBlock(DNS_PACKET), 0x7ffffff0), damages: true },
  { kind: 'length-below-minimum', block: withLengths(enhancedPacketBlock(DNS_PACKET), 8), damages: true },
  {
    kind: 'name-resolution',
    block: pcapngBlock(
      BLOCK.nameResolution,
      pcapngOptions([
        {
          code: 1,
          value: Buffer.concat([Buffer.from([192, 168, 1, 1]), Buffer.from('<script>x</script>|\x1b[31m.example\0')]),
        },
      ]),
    ),
  },
  {
    kind: 'decryption-secrets',
    block: pcapngBlock(
      BLOCK.decryptionSecrets,
      decryptionSecretsBody(Buffer.from('4b534c54', 'hex'), Buffer.from('CLIENT_RANDOM zz not-hex\n')),
    ),
  },
  { kind: 'unknown-interface', block: enhancedPacketBlock(DNS_PACKET, { interfaceId: 7 }), damages: true },
  { kind: 'captured-length-overruns', block: enhancedPacketBlock(DNS_PACKET, { capturedLength: 5000 }), damages: true },
  { kind: 'section-version-2', block: Buffer.from(sectionHeaderBlock()).fill(2, 12, 13) },
];

function oddBlockVariants(): Variant[] {
  const source = 'teams-activities/chat-4g-K2MG.pcapng';
  const positions = ['after-headers', 'middle', 'end'] as const;
  return ODD_BLOCKS.flatMap(({ kind, block, damages }) =>
    positions.map((position) => ({
      name: `pcapng-block/${kind}/${position}`,
      recipe: `${source} with a ${kind} block inserted ${position.replace('-', ' ')} (bytes built in test/fuzz/corpus.ts)`,
      async build(folder: string) {
        const file = await readFile(sourcePath(source));
        const boundaries = recordBoundaries(file);
        const at = {
          'after-headers': boundaries[1]!,
          middle: boundaries[Math.floor(boundaries.length / 2)]!,
          end: file.length,
        }[position];
        const capture = join(folder, `odd-${kind}.pcapng`);
        await writeFile(capture, Buffer.concat([file.subarray(0, at), block, file.subarray(at)]));
        return { capture, expect: damages ? { outcome: 'either', warned: true } : EITHER };
      },
    })),
  );
}

// --- single cases: not captures, empty captures, a huge frame, files that are not files ----------------

function udpFrame(totalLength: number): Buffer {
  const headers = ethernet(ipv4('10.0.0.1', '10.0.0.2', 17, udp(40000, 40001, Buffer.alloc(0)))).length;
  return ethernet(ipv4('10.0.0.1', '10.0.0.2', 17, udp(40000, 40001, Buffer.alloc(totalLength - headers, 0x61))));
}

function single(name: string, recipe: string, build: (folder: string) => Promise<Input>): Variant {
  return { name: `single/${name}`, recipe, build };
}

function fileOf(name: string, bytes: Buffer | string, expect: Expectation) {
  return async (folder: string): Promise<Input> => {
    const capture = join(folder, name);
    await writeFile(capture, bytes);
    return { capture, expect };
  };
}

function singleVariants(): Variant[] {
  return [
    single('empty', 'a 0-byte file', fileOf('empty.pcap', '', { outcome: 'error' })),
    single(
      'text',
      'a text file named .pcap',
      fileOf('notes.pcap', 'Notes about the Teams call, not a capture.\nSecond line.\n', { outcome: 'error' }),
    ),
    single(
      'magic-then-text',
      'the pcap magic number followed by text',
      fileOf(
        'magic.pcap',
        Buffer.concat([Buffer.from('d4c3b2a1', 'hex'), Buffer.from('then text, not a header at all\n')]),
        EITHER,
      ),
    ),
    single(
      'no-packets-pcap',
      'a pcap header and no packet',
      fileOf('zero.pcap', pcapFile([]), { outcome: 'report', warned: true }),
    ),
    single(
      'no-packets-pcapng',
      'a pcapng section and interface and no packet',
      fileOf('zero.pcapng', Buffer.concat([sectionHeaderBlock(), interfaceBlock()]), {
        outcome: 'report',
        warned: true,
      }),
    ),
    single(
      'frame-64KiB',
      'a pcap with one 65536-byte UDP frame',
      fileOf('jumbo.pcap', pcapFile([udpFrame(65_536)]), { outcome: 'report' }),
    ),
    single(
      'frame-over-maximum',
      'a pcap with one 300000-byte frame (above the 262144-byte pcap maximum)',
      fileOf('huge.pcap', pcapFile([udpFrame(300_000)]), EITHER),
    ),
    single(
      'link-type-unknown',
      'a pcap of link type 65000 (unassigned)',
      fileOf('linktype.pcap', pcapFile([DNS_PACKET], { linkType: 65_000 }), EITHER),
    ),
    single(
      'snap-length-0',
      'a pcap whose header says snap length 0',
      fileOf('snap0.pcap', pcapFile([DNS_PACKET], { snapLength: 0 }), EITHER),
    ),
    single('directory', 'a directory named capture.pcap', async (folder) => {
      const capture = join(folder, 'capture.pcap');
      await mkdir(capture);
      return { capture, expect: { outcome: 'error' } };
    }),
    single('fifo-without-writer', 'a FIFO nobody writes to (mkfifo)', async (folder) => {
      const capture = join(folder, 'pipe.pcap');
      await execa('mkfifo', [capture]);
      return { capture, expect: { outcome: 'error' } };
    }),
    single('no-read-permission', 'a real capture with mode 000, read by user nobody', async (folder) => {
      const capture = join(folder, 'secret.pcapng');
      await copyFile(sourcePath(SOURCES[1]!), capture);
      await chmod(capture, 0o000);
      await chmod(folder, 0o755);
      return { capture, unprivileged: true, expect: { outcome: 'error' } };
    }),
  ];
}

// --- names a shell or an option parser would misread; the contents are a real capture --------------

function pathVariants(): Variant[] {
  const source = SOURCES[1]!;
  /** `given`: how the CLI receives the name, relative to the variant's folder; by default its full path. */
  const names: { name: string; file: string | Buffer; given?: string; expect?: Expectation }[] = [
    { name: 'space', file: 'with space.pcapng' },
    { name: 'quotes', file: 'quote"and\'.pcapng' },
    { name: 'semicolon', file: 'a;touch pwned;.pcapng' },
    { name: 'command-substitution', file: '$(touch pwned).pcapng' },
    { name: 'backticks', file: '`touch pwned`.pcapng' },
    // Node decodes its arguments as UTF-8, so such a name cannot arrive intact: a clear error is the best outcome.
    { name: 'not-utf8', file: Buffer.from('caf\xe9.pcapng', 'latin1'), expect: { outcome: 'error' } },
    { name: 'leading-dash', file: '-r.pcapng', given: '-r.pcapng' },
    // "-" alone means standard input (`teamshark sample | teamshark analyze -`): a file of that name is "./-".
    { name: 'file-named-dash', file: '-', given: './-' },
  ];
  return names.map(({ name, file, given, expect }) => ({
    name: `path/${name}`,
    recipe: `${source} copied to ${JSON.stringify(String(file))}${given ? `, given as ${JSON.stringify(given)} from its folder` : ''}`,
    async build(folder: string) {
      const path = typeof file === 'string' ? join(folder, file) : Buffer.concat([Buffer.from(`${folder}/`), file]);
      await copyFile(sourcePath(source), path);
      return { capture: given ?? path, cwd: folder, expect: expect ?? { outcome: 'report' } };
    },
  }));
}

/** All 500 variants, in a fixed order. */
export async function corpus(): Promise<Variant[]> {
  return [
    ...editcapVariants(),
    ...(await cutVariants()),
    ...overwriteVariants(),
    ...randpktVariants(),
    ...oddBlockVariants(),
    ...singleVariants(),
    ...pathVariants(),
  ];
}

/** A bounded sample that crosses every kind: all single cases and odd names, then every n-th of the rest. */
export function sample(variants: readonly Variant[], size: number): Variant[] {
  const isSingle = (v: Variant) => v.name.startsWith('single/') || v.name.startsWith('path/');
  const singles = variants.filter(isSingle);
  const rest = variants.filter((v) => !isSingle(v));
  const step = rest.length / Math.max(1, size - singles.length);
  return [...Array.from({ length: size - singles.length }, (_, i) => rest[Math.floor(i * step)]!), ...singles];
}
