/**
 * A capture whose names are attacks on whatever displays them: a DNS lookup and answer, a TLS ClientHello
 * SNI and a server certificate carrying HTML, Markdown links, table breakers and terminal escapes. Built
 * byte by byte (the certificate by openssl), since no real traffic carries such names on purpose.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ethernet, ipv4, pcapFile, tcp, udp, vector } from './capture-bytes.js';

const ESC = '\x1b';
const BEL = '\x07';

/** One attack per piece; none holds a dot, so each can be a DNS label. */
export const ATTACKS = {
  script: '<script>alert(1)</script>',
  link: '[x](javascript:alert(1))',
  colour: `${ESC}[31mred${ESC}[0m`,
  hyperlink: `${ESC}]8;;javascript:alert(1)${BEL}click${ESC}]8;;${BEL}`,
  clearScreen: `${ESC}[2J${ESC}[H`,
  table: 'a|b\nc',
  code: '`tick`',
} as const;

/** The DNS name asked for, the alias it answers with, and the SNI: every attack, then a harmless suffix. */
export const HOSTILE_NAME = `${Object.values(ATTACKS).join('.')}.example.com`;
export const HOSTILE_ALIAS = `${ATTACKS.script}.${ATTACKS.hyperlink}.cdn.example.net`;
export const HOSTILE_SNI = `${Object.values(ATTACKS).join(' ')}.example.com`;

const CLIENT = '192.168.1.20';
const RESOLVER = '192.168.1.1';
const SERVER = '52.113.194.132';

function dnsName(name: string): Buffer {
  return Buffer.concat([...name.split('.').map((label) => vector(1, Buffer.from(label))), Buffer.from([0])]);
}

function dnsMessage(id: number, flags: number, question: string, answers: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, dnsName(question), Buffer.from([0, 1, 0, 1]), ...answers]);
}

function dnsRecord(owner: Buffer, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(60, 4);
  return Buffer.concat([owner, fixed, vector(2, data)]);
}

/** A TLS 1.2 ClientHello that offers two suites and names the server. */
function clientHello(sni: string): Buffer {
  const serverName = Buffer.concat([
    Buffer.from([0, 0]),
    vector(2, vector(2, Buffer.from([0]), vector(2, Buffer.from(sni)))),
  ]);
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    vector(2, Buffer.from('c02fc030', 'hex')),
    vector(1, Buffer.from([0])),
    vector(2, serverName),
  ]);
  return tlsRecord(Buffer.concat([Buffer.from([1]), vector(3, body)]));
}

/** ServerHello, Certificate (one certificate) and ServerHelloDone in one record. */
function serverFlight(certificateDer: Buffer): Buffer {
  const serverHello = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 9),
    Buffer.from([0]),
    Buffer.from('c02f', 'hex'),
    Buffer.from([0]),
    vector(2),
  ]);
  return tlsRecord(
    Buffer.concat([
      Buffer.from([2]),
      vector(3, serverHello),
      Buffer.from([11]),
      vector(3, vector(3, vector(3, certificateDer))),
      Buffer.from([14]),
      vector(3),
    ]),
  );
}

function tlsRecord(handshake: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x16, 3, 3]), vector(2, handshake)]);
}

/** A self-signed certificate whose subject fields carry the attacks (openssl, EC P-256, never used to sign). */
export async function hostileCertificate(folder: string): Promise<Buffer> {
  const der = join(folder, 'hostile-cert.der');
  const escape = (value: string) => value.replace(/[/+=\\]/g, (c) => `\\${c}`);
  const subject = `/CN=${escape(`${ATTACKS.script}${ATTACKS.table}`)}/O=${escape(`${ATTACKS.link} ${ATTACKS.colour}`)}/OU=${escape(`${ATTACKS.hyperlink} ${ATTACKS.clearScreen} ${ATTACKS.code}`)}`;
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(folder, 'hostile-key.pem'),
    '-days',
    '30',
    '-utf8',
    '-subj',
    subject,
    '-outform',
    'DER',
    '-out',
    der,
  ]);
  return readFile(der);
}

/** The capture: DNS query and answer (CNAME then A), then the TLS handshake with that server. */
export function hostileCapture(certificateDer: Buffer): Buffer {
  const hello = clientHello(HOSTILE_SNI);
  const question = dnsName(HOSTILE_NAME);
  const answers = [
    dnsRecord(question, 5, dnsName(HOSTILE_ALIAS)),
    dnsRecord(dnsName(HOSTILE_ALIAS), 1, Buffer.from(SERVER.split('.').map(Number))),
  ];
  return pcapFile([
    ethernet(ipv4(CLIENT, RESOLVER, 17, udp(53_000, 53, dnsMessage(0x1234, 0x0100, HOSTILE_NAME, [])))),
    ethernet(ipv4(RESOLVER, CLIENT, 17, udp(53, 53_000, dnsMessage(0x1234, 0x8180, HOSTILE_NAME, answers)))),
    ethernet(ipv4(CLIENT, SERVER, 6, tcp(50_000, 443, 1000, 5000, hello))),
    ethernet(ipv4(SERVER, CLIENT, 6, tcp(443, 50_000, 5000, 1000 + hello.length, serverFlight(certificateDer)))),
  ]);
}
