import { describe, expect, it } from 'vitest';
import { ApiCatalog } from '../src/dsm/discovery.js';
import { encodeParams } from '../src/dsm/encoding.js';

describe('parameter encoding', () => {
  it('quotes strings for JSON-format APIs so ids and digit-only text stay strings', () => {
    expect(
      encodeParams({ target_id: '5', description: '2024', size: 10, on: true, ids: ['a'], skip: undefined }, true),
    ).toEqual([
      ['target_id', '"5"'],
      ['description', '"2024"'],
      ['size', '10'],
      ['on', 'true'],
      ['ids', '["a"]'],
    ]);
    expect(encodeParams({ account: 'admin', passwd: 'p"w' }, false)).toEqual([
      ['account', 'admin'],
      ['passwd', 'p"w'],
    ]);
  });
});

describe('API discovery', () => {
  const info = {
    'SYNO.API.Auth': { path: 'entry.cgi', minVersion: 1, maxVersion: 7 },
    'SYNO.Core.System': { path: 'entry.cgi', minVersion: 1, maxVersion: 3, requestFormat: 'JSON' },
    'SYNO.Core.Storage.Volume': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
    'SYNO.Core.ISCSI.LUN': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
    'SYNO.Core.ISCSI.Target': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
  };

  it('takes the advertised path and the highest version it speaks', () => {
    const catalog = ApiCatalog.fromInfo({
      ...info,
      'SYNO.API.Auth': { path: 'auth.cgi', minVersion: 1, maxVersion: 7 },
    });
    expect(catalog.endpoint('SYNO.API.Auth')).toEqual({ path: 'auth.cgi', version: 6, json: false });
    expect(catalog.endpoint('SYNO.Core.ISCSI.LUN')).toEqual({ path: 'entry.cgi', version: 1, json: true });
  });

  it('uses DSM 7 host objects when offered and does without them otherwise (DSM 6)', () => {
    expect(ApiCatalog.fromInfo(info).has('SYNO.Core.ISCSI.Host')).toBe(false);
    const withHosts = ApiCatalog.fromInfo({
      ...info,
      'SYNO.Core.ISCSI.Host': { path: 'entry.cgi', minVersion: 1, maxVersion: 1, requestFormat: 'JSON' },
    });
    expect(withHosts.has('SYNO.Core.ISCSI.Host')).toBe(true);
    expect(withHosts.endpoint('SYNO.Core.ISCSI.Host')).toEqual({ path: 'entry.cgi', version: 1, json: true });
    const tooNew = { 'SYNO.Core.ISCSI.Host': { path: 'entry.cgi', minVersion: 2, maxVersion: 2 } };
    expect(ApiCatalog.fromInfo({ ...info, ...tooNew }).has('SYNO.Core.ISCSI.Host')).toBe(false);
  });

  it('explains a DSM it cannot use', () => {
    const { 'SYNO.Core.ISCSI.LUN': _lun, ...noSan } = info;
    expect(() => ApiCatalog.fromInfo(noSan)).toThrow(/SYNO.Core.ISCSI.LUN is not offered/);
    expect(() =>
      ApiCatalog.fromInfo({ ...info, 'SYNO.API.Auth': { path: 'auth.cgi', minVersion: 1, maxVersion: 3 } }),
    ).toThrow(/versions 1-3 do not include 6-6/);
  });
});
