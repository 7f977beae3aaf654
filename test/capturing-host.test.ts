import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import { renderMarkdown } from '../core/report/markdown.js';
import { renderAnalysisBody } from '../extension/view/render.js';
import { analyzed, sharedCapture } from './helpers.js';

const clientsOf = async (context: Mocha.Context, capture: string) =>
  (await analyzed(sharedCapture(context, capture))).addresses.filter((a) => a.role === 'client');

// The capturing host decided from the link layer, on captures where the address ranges mislead.
describe('the capturing host on real captures', function () {
  it('is the client with its public IPv4 and its IPv6 address together (teams-more/audio-file-Z1)', async function () {
    const report = await analyzed(sharedCapture(this, 'teams-more/audio-file-Z1.pcapng'));
    const clients = report.addresses.filter((a) => a.role === 'client').map((a) => a.ip);
    assert.ok(clients.includes('130.104.37.81') && clients.includes('2001:6a8:3081:6f16:bd92:60cc:eb71:a9f6'));
    const directions = new Set(report.media.map((m) => m.direction));
    assert.ok(!directions.has('between-others'), `media directions: ${[...directions].join(', ')}`);
  });

  it('leaves a LAN neighbour and the home router out of the clients (teams-activities Wi-Fi chats)', async function () {
    for (const [capture, neighbour] of [
      ['teams-activities/chat-wifi-SameWifi2.pcapng', '192.168.1.53'],
      ['teams-activities/chat-wifi-K1MW.pcapng', '192.168.1.1'],
    ] as const) {
      const clients = (await clientsOf(this, capture)).map((a) => a.ip);
      assert.ok(clients.length > 0 && !clients.includes(neighbour), `${capture}: ${clients.join(', ')}`);
    }
  });

  it('names hosts seen only in neighbour traffic LAN neighbours, never one the host talks to (teams-more/idle-lan-A1, audio-lan-K1AE)', async function () {
    const roles = async (capture: string) =>
      new Map((await analyzed(sharedCapture(this, capture))).addresses.map((a) => [a.ip, a.role]));
    const idle = await roles('teams-more/idle-lan-A1.pcapng');
    // NBNS, mDNS, LLMNR, NetBIOS browser announcements, and Spotify's discovery to the directed broadcast.
    assert.equal(idle.get('192.168.1.41'), 'lan-neighbour');
    assert.equal(idle.get('192.168.1.255'), 'other', 'the directed broadcast is a group, not a host');
    assert.equal(idle.get('192.168.1.42'), 'client');
    const lan = await roles('teams-activities/audio-lan-K1AE.pcapng');
    assert.equal(lan.get('192.168.1.100'), 'lan-neighbour', 'answers WS-Discovery only');
    assert.equal(lan.get('192.168.1.60'), 'other', 'serves the host its device description over HTTP');
  });

  it('takes a relay for no client in a one-direction capture where only the relay on 3479 sends', async function () {
    const folder = await mkdtemp(join(tmpdir(), 'teamshark-one-way-'));
    try {
      const oneWay = join(folder, 'relay-to-client.pcapng');
      const capture = sharedCapture(this, 'teams-more/audio-file-Z1.pcapng');
      await execa('tshark', ['-r', capture, '-Y', 'ip.src == 52.114.242.202 && udp && !icmp', '-w', oneWay]);
      const report = await analyzeCapture(oneWay);
      const clients = report.addresses.filter((a) => a.role === 'client').map((a) => a.ip);
      assert.deepEqual(clients, ['130.104.37.81']);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('without a link layer (raw IP), is the host that acts as the client: its public IPv4 and IPv6 together (audio-file-Z1)', async function () {
    const folder = await mkdtemp(join(tmpdir(), 'teamshark-raw-ip-'));
    try {
      const ethernet = join(folder, 'z1.pcap');
      await execa('editcap', ['-F', 'pcap', sharedCapture(this, 'teams-more/audio-file-Z1.pcapng'), ethernet]);
      const rawIp = join(folder, 'z1-raw-ip.pcap');
      await writeFile(rawIp, withoutEthernet(await readFile(ethernet)));
      const report = await analyzeCapture(rawIp);
      assert.deepEqual(report.capture.linkTypes, ['Raw IP']);
      const clients = report.addresses.filter((a) => a.role === 'client');
      assert.deepEqual(
        clients
          .map((a) => a.ip)
          .filter((ip) => ['130.104.37.81', '2001:6a8:3081:6f16:bd92:60cc:eb71:a9f6'].includes(ip)),
        ['130.104.37.81', '2001:6a8:3081:6f16:bd92:60cc:eb71:a9f6'],
        clients.map((a) => a.ip).join(', '),
      );
      assert.match(clients[0]!.evidence[0]!.detail, /^the link layer does not say which host captured; /);
      const directions = new Set(report.media.map((m) => m.direction));
      assert.ok(!directions.has('between-others'), `media directions: ${[...directions].join(', ')}`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("says how it was decided: the host's MAC address", async function () {
    const [client] = await clientsOf(this, 'teams.pcap');
    assert.match(
      client!.evidence[0]!.detail,
      /capturing host's MAC address [0-9a-f:]{17} \(on \d+ % of the unicast frames\)/,
    );
  });

  it('says how in the Markdown "Clients" row and in the view, beside the addresses', async function () {
    const cases = [
      [
        'teams-more/audio-file-Z1.pcapng',
        /^130\.104\.37\.81, .* — sends from the capturing host's MAC address [0-9a-f:]{17} \(on \d+ % of the unicast frames\), which sends \d+ of the \d+ SYNs, ClientHellos, DNS queries and STUN requests$/,
      ],
      // Loopback: frames from and to one MAC decide nothing; the flows opened do.
      [
        'malformed_dns.pcap',
        /^127\.0\.0\.1 — the link layer does not say which host captured; it opens \d+ of its \d+ flows/,
      ],
    ] as const;
    for (const [capture, how] of cases) {
      const path = sharedCapture(this, capture);
      const report = await analyzed(path);
      const row = renderMarkdown(report)
        .split('\n')
        .find((line) => line.startsWith('| Clients |'))!;
      assert.match(row.slice('| Clients | '.length, -' |'.length), how, `${capture}: Markdown`);
      const fact = /<span class="muted">Clients<\/span> ([^<]*)<\/span>/.exec(renderAnalysisBody(report, path));
      assert.match(fact?.[1] ?? '', how, `${capture}: view`);
    }
  });
});

/**
 * A little-endian pcap of Ethernet frames rewritten as raw IP (LINKTYPE_RAW, 101): each record loses its
 * 14-byte Ethernet header; frames that carry neither IPv4 nor IPv6 are left out.
 */
function withoutEthernet(pcap: Buffer): Buffer {
  const header = Buffer.from(pcap.subarray(0, 24));
  header.writeUInt32LE(101, 20);
  const records: Buffer[] = [header];
  for (let offset = 24; offset + 16 <= pcap.length;) {
    const included = pcap.readUInt32LE(offset + 8);
    const frame = pcap.subarray(offset + 16, offset + 16 + included);
    const etherType = frame.readUInt16BE(12);
    if (etherType === 0x0800 || etherType === 0x86dd) {
      const record = Buffer.from(pcap.subarray(offset, offset + 16));
      record.writeUInt32LE(included - 14, 8);
      record.writeUInt32LE(pcap.readUInt32LE(offset + 12) - 14, 12);
      records.push(record, frame.subarray(14));
    }
    offset += 16 + included;
  }
  return Buffer.concat(records);
}
