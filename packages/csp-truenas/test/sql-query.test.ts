import { describe, expect, it } from 'vitest';
import { sqlProblem } from '../src/sql-query.js';

describe('filters sent with force_sql_filters', () => {
  it('accepts plain columns with SQL operators and OR groups of single filters', () => {
    expect(sqlProblem('iscsi.target.query', [['name', '=', 'pvc-1']])).toBeUndefined();
    expect(sqlProblem('iscsi.targetextent.query', [['target', '=', 3]])).toBeUndefined();
    expect(
      sqlProblem('iscsi.initiator.query', [
        ['comment', '^', 'opencsp:host:'],
        [
          'OR',
          [
            ['comment', '$', ' chap:u'],
            ['id', 'in', [1, 2]],
          ],
        ],
      ]),
    ).toBeUndefined();
  });

  it('refuses what SQL would fail on or answer differently', () => {
    expect(sqlProblem('iscsi.target.query', [['groups', '=', []]])).toMatch(/plain column/);
    expect(sqlProblem('iscsi.extent.query', [['disk', '=', 'zvol/x']])).toMatch(/plain column/);
    expect(sqlProblem('iscsi.targetextent.query', [['target.id', '=', 1]])).toMatch(/plain column/);
    expect(sqlProblem('iscsi.initiator.query', [['initiators', 'rin', 'iqn.x']])).toMatch(/plain column/);
    expect(sqlProblem('iscsi.initiator.query', [['comment', 'rin', 'x']])).toMatch(/operator "rin"/);
    expect(sqlProblem('iscsi.target.query', [['name', 'C=', 'x']])).toMatch(/operator "C="/);
    expect(sqlProblem('iscsi.target.query', [['OR', [[['name', '=', 'a']], ['id', '=', 1]]]])).toMatch(/single filter/);
    expect(sqlProblem('pool.dataset.query', [['id', '=', 'x']])).toMatch(/not a datastore query/);
  });
});
