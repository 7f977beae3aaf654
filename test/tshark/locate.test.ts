import assert from 'node:assert/strict';
import { TeamsharkError } from '../../core/util/errors.js';
import {
  compareVersions,
  parseTsharkVersion,
  tsharkCommand,
  tsharkMissingMessage,
  type TsharkSearchHost,
} from '../../core/tshark/locate.js';

describe('tshark version check', function () {
  it('reads the version from the first line of `tshark --version`', function () {
    assert.equal(
      parseTsharkVersion('TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as 4.0.17-0+deb12u3).\n\nCopyright…'),
      '4.0.17',
    );
    assert.equal(parseTsharkVersion('Usage: true'), undefined);
  });

  it('orders versions numerically, so 3.10 is newer than 3.6', function () {
    assert.equal(compareVersions('3.10.0', '3.6.0'), 1);
    assert.equal(compareVersions('3.4.16', '3.6.0'), -1);
    assert.equal(compareVersions('3.6.0', '3.6.0'), 0);
  });
});

/** A machine where exactly the given files run. */
function host(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, executables: string[]): TsharkSearchHost {
  return { platform, env, isExecutable: (path) => executables.includes(path) };
}

const MAC_APP = '/Applications/Wireshark.app/Contents/MacOS/tshark';
const WINDOWS_INSTALL = 'C:\\Program Files\\Wireshark\\tshark.exe';

describe('where tshark is looked for', function () {
  it('takes the option, then TEAMSHARK_TSHARK, as given, even when no file is there', function () {
    const mac = host('darwin', { TEAMSHARK_TSHARK: '/opt/ws/tshark', PATH: '/usr/bin' }, ['/usr/bin/tshark', MAC_APP]);
    assert.equal(tsharkCommand('/nonexistent/tshark', mac), '/nonexistent/tshark');
    assert.equal(tsharkCommand(undefined, mac), '/opt/ws/tshark');
  });

  it('then tshark on PATH, then the folder Wireshark’s installer uses', function () {
    const env = { PATH: '/usr/local/bin:/usr/bin' };
    assert.equal(tsharkCommand(undefined, host('darwin', env, ['/usr/local/bin/tshark', MAC_APP])), 'tshark');
    assert.equal(tsharkCommand(undefined, host('darwin', env, [MAC_APP])), MAC_APP);
    assert.equal(tsharkCommand(undefined, host('darwin', env, [])), 'tshark');
    assert.equal(tsharkCommand(undefined, host('linux', env, [MAC_APP])), 'tshark');
  });

  it('on Windows: PATH with PATHEXT, then Program Files (or where %ProgramFiles% says)', function () {
    const env = { PATH: 'C:\\Windows;C:\\tools', PATHEXT: '.COM;.EXE' };
    assert.equal(tsharkCommand(undefined, host('win32', env, ['C:\\tools\\tshark.EXE', WINDOWS_INSTALL])), 'tshark');
    assert.equal(tsharkCommand(undefined, host('win32', env, [WINDOWS_INSTALL])), WINDOWS_INSTALL);
    const moved = { ...env, ProgramFiles: 'D:\\Programs' };
    assert.equal(
      tsharkCommand(undefined, host('win32', moved, [WINDOWS_INSTALL, 'D:\\Programs\\Wireshark\\tshark.exe'])),
      'D:\\Programs\\Wireshark\\tshark.exe',
    );
  });

  it('says where it looked and how to get tshark on Windows, macOS and Debian/Ubuntu', function () {
    const message = tsharkMissingMessage(undefined, host('win32', { PATH: 'C:\\Windows' }, []));
    assert.equal(new TeamsharkError('tshark-missing', message).message, message, 'one line, not cut short');
    assert.match(message, /^tshark not found \(PATH, C:\\Program Files\\Wireshark\\tshark\.exe\): /);
    assert.match(message, /Windows, macOS: https:\/\/www\.wireshark\.org\/download\.html/);
    assert.match(message, /Debian\/Ubuntu: "sudo apt-get install -y tshark"/);
    assert.match(message, /TEAMSHARK_TSHARK .*teamshark\.tsharkPath/);
    const mac = tsharkMissingMessage(undefined, host('darwin', {}, []));
    assert.match(mac, /^tshark not found \(PATH, \/Applications\/Wireshark\.app\/Contents\/MacOS\/tshark\): /);
    assert.equal(new TeamsharkError('tshark-missing', mac).message, mac, 'one line, not cut short');
    assert.match(
      tsharkMissingMessage('/nonexistent/tshark', host('linux', {}, [])),
      /^tshark not found \(\/nonexistent\/tshark\): install it/,
    );
  });
});
