import assert from 'node:assert/strict';
import { readCheckedJson } from '../json-files.js';
import { platformForName, serviceForName } from '../../core/knowledge/catalog.js';
import { validateServiceCatalog } from '../../core/schema/validate.js';

describe('the service catalog: what a DNS name is for', function () {
  it('names the regional Teams chat service', function () {
    const match = serviceForName('emea.ng.msg.teams.microsoft.com');
    assert.equal(match?.service, 'teams');
    assert.equal(match?.pattern, '*.ng.msg.teams.microsoft.com');
    assert.match(match!.role, /chat/i);
    assert.equal(match?.registrableDomain, 'microsoft.com');
  });

  it('tells the Teams media relays (TURN) apart from the rest of Teams', function () {
    for (const relay of ['euaz.tr.teams.microsoft.com', 'worldaz.relay.teams.microsoft.com']) {
      const match = serviceForName(relay);
      assert.equal(match?.service, 'teams-calling', relay);
      assert.match(match!.role, /relay/i, relay);
    }
    assert.equal(serviceForName('api.flightproxy.skype.com')?.service, 'teams-calling');
    assert.equal(serviceForName('teams.microsoft.com')?.service, 'teams');
  });

  it('knows usage telemetry and sign-in', function () {
    assert.equal(serviceForName('mobile.pipe.aria.microsoft.com')?.service, 'telemetry');
    assert.equal(serviceForName('browser.pipe.aria.microsoft.com')?.pattern, 'browser.pipe.aria.microsoft.com');
    assert.equal(serviceForName('v10.events.data.microsoft.com')?.service, 'telemetry');
    const login = serviceForName('login.microsoftonline.com');
    assert.equal(login?.service, 'identity');
    assert.deepEqual(login?.source, {
      title: 'Microsoft 365 URLs and IP address ranges, worldwide (endpoints version 2025013000)',
      url: 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges',
      reference: 'Common id 56',
    });
  });

  it('lets the most specific pattern win: an exact name, then the longest fixed part', function () {
    const oneDrive = serviceForName('contoso-my.sharepoint.com');
    assert.equal(oneDrive?.service, 'sharepoint-onedrive');
    assert.equal(oneDrive?.pattern, '*-my.sharepoint.com');
    assert.match(oneDrive!.role, /file/i);
    assert.equal(serviceForName('contoso.sharepoint.com')?.pattern, '*.sharepoint.com');
    assert.equal(serviceForName('presence.teams.microsoft.com')?.pattern, 'presence.teams.microsoft.com');
    assert.equal(serviceForName('emea.presence.teams.microsoft.com')?.pattern, '*.teams.microsoft.com');
    assert.equal(serviceForName('www.microsoft.com')?.service, 'microsoft-other');
  });

  it('ignores case and a trailing dot', function () {
    assert.equal(serviceForName('LOGIN.MicrosoftOnline.COM.')?.pattern, 'login.microsoftonline.com');
    assert.equal(serviceForName('EUAZ.TR.Teams.Microsoft.com')?.service, 'teams-calling');
  });

  it('knows nothing of other names, and a wildcard matches only names below its suffix', function () {
    for (const name of [
      'dropbox.com',
      'microsoft.com',
      'teams.microsoft.com.example.org',
      'com',
      '',
      '52.112.0.1',
      'localhost',
    ]) {
      assert.equal(serviceForName(name), undefined, name);
    }
    assert.equal(serviceForName('notteams.microsoft.com')?.service, 'microsoft-other');
  });

  it('reaches every entry (none is hidden by a more specific one), and each cites a source on the web', async function () {
    const { sources, entries } = await readCheckedJson(validateServiceCatalog, 'core/knowledge/services.json');
    for (const entry of entries) {
      const example = entry.pattern.replace('*', 'x');
      assert.equal(serviceForName(example)?.pattern, entry.pattern, example);
      assert.match(sources[entry.source]!.url, /^https:\/\//, entry.pattern);
    }
  });
});

describe('the hosting platform a CNAME chain reveals', function () {
  it('recognises Azure compute, Front Door, Traffic Manager and Akamai names', function () {
    assert.equal(platformForName('b-tr-teams-euno-05.northeurope.cloudapp.azure.com'), 'Azure compute');
    assert.equal(platformForName('s-0005.s-msedge.net'), 'Azure Front Door');
    assert.equal(platformForName('euaz.tr.teams.trafficmanager.net'), 'Azure Traffic Manager');
    assert.equal(platformForName('e1234.dscb.akamaiedge.net'), 'Akamai');
  });

  it('has no platform for a service name or an unknown one', function () {
    assert.equal(platformForName('euaz.tr.teams.microsoft.com'), undefined);
    assert.equal(platformForName('dropbox.com'), undefined);
  });
});
