import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { classifyAddress } from '../../core/knowledge/ranges.js';
import { validateRanges } from '../../core/schema/validate.js';
import { temporaryFolder } from '../helpers.js';
import { readCheckedJson } from '../json-files.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CONVERTER = join(repoRoot, 'scripts/convert-endpoints.mjs');
const ENDPOINTS = join(repoRoot, 'scripts/data/microsoft-endpoints-worldwide.json');
const RANGES = join(repoRoot, 'core/knowledge/ranges.json');

/** The enums a JSON Schema defines, by definition name. */
async function schemaEnums(path: string): Promise<Record<string, string[] | undefined>> {
  const schema = JSON.parse(await readFile(path, 'utf8')) as { definitions: Record<string, { enum?: string[] }> };
  return Object.fromEntries(Object.entries(schema.definitions).map(([name, definition]) => [name, definition.enum]));
}

describe('address classes', function () {
  it('gives the scope of local and special addresses', function () {
    const scopes = {
      '192.168.1.6': 'private',
      '10.1.2.3': 'private',
      '172.16.5.4': 'private',
      '100.64.1.1': 'shared',
      'fd00::1': 'unique-local',
      'fe80::1': 'link-local',
      '169.254.10.20': 'link-local',
      '239.255.255.250': 'multicast',
      'ff02::fb': 'multicast',
      '255.255.255.255': 'broadcast',
      '127.0.0.1': 'loopback',
      '::1': 'loopback',
      '0.0.0.0': 'unspecified',
      '192.0.2.1': 'reserved',
      '2001:db8::1': 'reserved',
    };
    for (const [ip, scope] of Object.entries(scopes)) assert.deepEqual(classifyAddress(ip), { scope }, ip);
  });

  it("puts a Teams relay address in Microsoft's Teams media range (Skype id 11)", function () {
    const { scope, microsoft } = classifyAddress('52.114.250.123');
    assert.equal(scope, 'public');
    assert.equal(microsoft?.prefix, '52.112.0.0/14');
    assert.equal(microsoft?.service, 'teams-calling');
    assert.equal(microsoft?.serviceArea, 'Skype');
    assert.deepEqual(microsoft?.endpointIds, [11]);
    assert.equal(microsoft?.udpPorts, '3478,3479,3480,3481');
    assert.equal(microsoft?.source.instance, 'Worldwide');
  });

  it('knows IPv6 and IPv4-mapped IPv6 addresses', function () {
    assert.equal(classifyAddress('2603:1063::1').microsoft?.prefix, '2603:1063::/38');
    assert.equal(classifyAddress('::ffff:52.114.250.123').microsoft?.prefix, '52.112.0.0/14');
  });

  it('prefers the most specific prefix, and marks the ranges only earlier versions of the list had', function () {
    const current = classifyAddress('52.123.0.1').microsoft;
    assert.equal(current?.prefix, '52.122.0.0/15');
    assert.equal(current?.note, undefined);
    const earlier = classifyAddress('52.120.0.1').microsoft;
    assert.equal(earlier?.prefix, '52.120.0.0/14');
    assert.match(earlier!.note!, /2022072800/);
  });

  it('knows the sign-in and SharePoint ranges', function () {
    assert.equal(classifyAddress('40.126.0.10').microsoft?.service, 'identity');
    assert.equal(classifyAddress('13.107.136.8').microsoft?.service, 'sharepoint-onedrive');
  });

  it('leaves other public addresses without a Microsoft range', function () {
    assert.deepEqual(classifyAddress('8.8.8.8'), { scope: 'public' });
  });

  it("finds other public addresses of either family in Azure's prefixes", function () {
    assert.equal(classifyAddress('4.144.0.1').azure?.prefix, '4.144.0.0/12');
    assert.equal(classifyAddress('::ffff:4.144.0.1').azure?.prefix, '4.144.0.0/12');
    assert.equal(classifyAddress('2602:fd5e:1::1').azure?.prefix, '2602:fd5e:1::/63');
    assert.equal(classifyAddress('2001:4860:4860::8888').azure, undefined);
  });

  it('calls anything that is not one address invalid, without throwing', function () {
    for (const text of ['not-an-ip', '', '1.2.3', '999.1.1.1', '52.112.0.0/14', '0x7f.1']) {
      assert.deepEqual(classifyAddress(text), { scope: 'invalid' }, text);
    }
  });

  it('uses the same service families as the catalog', async function () {
    const services = await schemaEnums(join(repoRoot, 'core/knowledge/services.schema.json'));
    const ranges = await schemaEnums(join(repoRoot, 'core/knowledge/ranges.schema.json'));
    assert.ok(services.CatalogService, 'services.schema.json defines CatalogService as an enum');
    assert.deepEqual(ranges.RangeService, services.CatalogService);
  });
});

describe("the converter from Microsoft's endpoints format", function () {
  const folder = temporaryFolder('endpoints');
  const convert = (args: string[]) => execa(process.execPath, [CONVERTER, ...args], { reject: false, stdin: 'ignore' });

  const endpointSet = (fields: object) => ({
    serviceAreaDisplayName: 'Area',
    expressRoute: true,
    required: true,
    ...fields,
  });

  it('writes one range per prefix and service, merging the endpoint sets that list it, in address order', async function () {
    const input = join(folder(), 'endpoints.json');
    const out = join(folder(), 'ranges.json');
    await writeFile(
      input,
      JSON.stringify([
        endpointSet({
          id: 12,
          serviceArea: 'Skype',
          urls: ['*.teams.microsoft.com'],
          ips: ['52.112.0.0/14', '2603:1063::/38'],
          tcpPorts: '80,443',
          category: 'Allow',
        }),
        endpointSet({
          id: 11,
          serviceArea: 'Skype',
          ips: ['52.112.0.0/14'],
          udpPorts: '3478,3479,3480,3481',
          category: 'Optimize',
        }),
        endpointSet({
          id: 56,
          serviceArea: 'Common',
          urls: ['login.microsoftonline.com'],
          ips: ['20.190.128.0/18'],
          tcpPorts: '80,443',
          category: 'Allow',
        }),
        endpointSet({
          id: 64,
          serviceArea: 'Common',
          urls: ['security.microsoft.com'],
          ips: ['52.108.0.0/14'],
          tcpPorts: '443',
          category: 'Default',
          notes: 'Security',
        }),
        endpointSet({
          id: 46,
          serviceArea: 'Common',
          urls: ['*.online.office.com'],
          ips: ['52.108.0.0/14'],
          tcpPorts: '80,443',
          category: 'Allow',
        }),
        endpointSet({
          id: 31,
          serviceArea: 'SharePoint',
          urls: ['*.sharepoint.com'],
          ips: ['13.107.136.0/22'],
          tcpPorts: '80,443',
          category: 'Optimize',
        }),
        endpointSet({
          id: 8,
          serviceArea: 'Exchange',
          urls: ['*.outlook.com'],
          tcpPorts: '80,443',
          category: 'Default',
        }),
      ]),
    );
    const run = await convert([input, '--out', out, '--version', '2025013000']);
    assert.equal(run.exitCode, 0, run.stderr);
    const converted = await readCheckedJson(validateRanges, out);
    assert.equal(converted.version, '2025013000');
    assert.match(converted.generated, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(converted.source, {
      title: 'Microsoft 365 URLs and IP address ranges (endpoints web service, worldwide instance)',
      url: 'https://endpoints.office.com/endpoints/worldwide',
      instance: 'Worldwide',
      endpointsVersion: '2025013000',
    });
    assert.deepEqual(converted.ranges, [
      {
        prefix: '13.107.136.0/22',
        serviceArea: 'SharePoint',
        service: 'sharepoint-onedrive',
        endpointIds: [31],
        tcpPorts: '80,443',
        category: 'Optimize',
      },
      {
        prefix: '20.190.128.0/18',
        serviceArea: 'Common',
        service: 'identity',
        endpointIds: [56],
        tcpPorts: '80,443',
        category: 'Allow',
      },
      {
        prefix: '52.108.0.0/14',
        serviceArea: 'Common',
        service: 'microsoft365',
        endpointIds: [46, 64],
        tcpPorts: '80,443',
        category: 'Allow',
        note: 'id 64: Security',
      },
      {
        prefix: '52.112.0.0/14',
        serviceArea: 'Skype',
        service: 'teams',
        endpointIds: [12],
        tcpPorts: '80,443',
        category: 'Allow',
      },
      {
        prefix: '52.112.0.0/14',
        serviceArea: 'Skype',
        service: 'teams-calling',
        endpointIds: [11],
        udpPorts: '3478,3479,3480,3481',
        category: 'Optimize',
      },
      {
        prefix: '2603:1063::/38',
        serviceArea: 'Skype',
        service: 'teams',
        endpointIds: [12],
        tcpPorts: '80,443',
        category: 'Allow',
      },
    ]);
  });

  it('fails with one line and exit code 1 on a missing file', async function () {
    const missing = join(folder(), 'missing.json');
    const run = await convert([missing, '--out', join(folder(), 'unused.json')]);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stderr, `convert-endpoints: ${missing}: endpoints file not found`);
  });

  it('fails with one line on a file in another format', async function () {
    const input = join(folder(), 'other.json');
    await writeFile(input, JSON.stringify({ ranges: [] }));
    const run = await convert([input, '--out', join(folder(), 'unused.json')]);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stderr, `convert-endpoints: ${input}: not Microsoft's endpoints format: / must be array`);
  });

  it('reproduces core/knowledge/ranges.json from scripts/data (npm run update-ranges changes nothing)', async function () {
    const out = join(folder(), 'regenerated.json');
    await copyFile(RANGES, out);
    const run = await convert([ENDPOINTS, '--out', out]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(await readFile(out, 'utf8'), await readFile(RANGES, 'utf8'));
  });
});
