import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readTable } from '../../src/core/tableReader';
import { corpusFile } from '../helpers/corpora';

const rows = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i));

describe('table reader', () => {
  it('reads CSV under its header, quoted cells holding the delimiter and doubled quotes', () => {
    const table = readTable(['id,comment,score', ...rows(10, (i) => `${i},"fine, ""really"" ${i}",${80 + i}`)]);
    assert.deepEqual(table?.columns, ['id', 'comment', 'score']);
    assert.deepEqual(table?.rows[3], { line: 4, record: { id: 3, comment: 'fine, "really" 3', score: 83 } });
  });

  it('reads TSV, psql output with its border and footer, and Markdown tables', () => {
    assert.deepEqual(readTable(['host\tcpu', ...rows(9, (i) => `node-${i}\t${i}`)])?.rows[0].record, {
      host: 'node-0',
      cpu: 0,
    });
    const psql = readTable([' id | name ', '----+------', ...rows(9, (i) => ` ${i} | user${i}`), '(9 rows)']);
    assert.deepEqual(psql?.columns, ['id', 'name']);
    assert.deepEqual(
      psql?.rows.map((row) => row.line),
      Array.from({ length: 9 }, (_, i) => i + 2),
    );
    const markdown = readTable(['| endpoint | p99 |', '|---|---:|', ...rows(9, (i) => `| /r${i} | ${i} |`)]);
    assert.deepEqual(markdown?.rows[8].record, { endpoint: '/r8', p99: 8 });
  });

  it('reads aligned output under a capitalised header: kubectl columns, and ps with a command of many words', () => {
    const kubectl = readTable([
      'NAME        READY   STATUS    RESTARTS',
      ...rows(9, (i) => `api-${i}       1/1     Running   ${i}`),
    ]);
    assert.deepEqual(kubectl?.rows[2].record, { NAME: 'api-2', READY: '1/1', STATUS: 'Running', RESTARTS: 2 });
    const ps = readTable([
      'USER   PID %CPU COMMAND',
      ...rows(9, (i) => `app    ${100 + i}  0.${i} /usr/bin/worker --id ${i}`),
    ]);
    assert.deepEqual(ps?.rows[1].record, { USER: 'app', PID: 101, '%CPU': 0.1, COMMAND: '/usr/bin/worker --id 1' });
  });

  it('reads ls -l listings, which print no header, in the default and the ISO date style', () => {
    const listing = readTable([
      'total 48',
      'lrwxrwxrwx 1 root root    7 Nov 26 12:01 lib -> usr/lib',
      ...rows(9, (i) => `-rw-r--r-- 1 dev  staff ${100 * i} Apr 27  2026 file ${i}.txt`),
    ]);
    assert.deepEqual(listing?.rows[0], {
      line: 1,
      record: {
        permissions: 'lrwxrwxrwx',
        links: 1,
        owner: 'root',
        group: 'root',
        size: 7,
        modified: 'Nov 26 12:01',
        name: 'lib -> usr/lib',
      },
    });
    assert.equal(listing?.rows[3].record.name, 'file 2.txt');
    const iso = readTable(rows(9, (i) => `drwxr-xr-x 2 dev staff 4096 2026-11-26 12:0${i} dir${i}`));
    assert.deepEqual(iso?.rows[4].record, {
      permissions: 'drwxr-xr-x',
      links: 2,
      owner: 'dev',
      group: 'staff',
      size: 4096,
      modified: '2026-11-26 12:04',
      name: 'dir4',
    });
  });

  it('reads no table in logs, compiler errors, code, prose or headerless data', () => {
    for (const name of ['BGL_2k.log', 'HDFS_2k.log', 'Android_2k.log', 'OpenStack_2k.log', 'Zookeeper_2k.log']) {
      assert.equal(readTable(corpusFile('logs', name).split(/\r?\n/)), undefined, name);
    }
    assert.equal(
      readTable(rows(20, (i) => `src/file${i}.ts(${i},5): error TS2339: Property 'x' does not exist on type 'Foo'.`)),
      undefined,
    );
    assert.equal(readTable(rows(20, (i) => `src/a.c:${i}: unused x${i}, y`)), undefined);
    assert.equal(readTable(readFileSync('src/core/tableReader.ts', 'utf8').split('\n')), undefined);
    assert.equal(readTable(readFileSync('README.md', 'utf8').split('\n')), undefined);
    assert.equal(readTable(rows(20, (i) => `${i},user${i},${i * 3}`)), undefined);
  });

  it('reads underlined tables in any case, after a preamble, and CSV headers with long cells', () => {
    const pip = [
      'Package            Version',
      '------------------ ---------',
      ...rows(30, (i) => `package-${i}`.padEnd(19) + `1.${i}.0`),
    ];
    assert.deepEqual(readTable(pip)?.columns, ['Package', 'Version']);
    const sqlite = [
      'id          name        status',
      '----------  ----------  ----------',
      ...rows(30, (i) => `${i}`.padEnd(12) + `user${i}`.padEnd(12) + 'ok'),
    ];
    assert.deepEqual(readTable(sqlite)?.columns, ['id', 'name', 'status']);
    const dpkg = [
      'Desired=Unknown/Install/Remove/Purge/Hold',
      '| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend',
      '|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)',
      '||/ Name           Version      Architecture Description',
      '+++-==============-============-============-=================================',
      ...rows(30, (i) => `ii  lib${i}`.padEnd(19) + `2.${i}-1`.padEnd(13) + 'amd64'.padEnd(13) + `library number ${i}`),
    ];
    const table = readTable(dpkg);
    assert.deepEqual(table?.columns, ['||/', 'Name', 'Version', 'Architecture', 'Description']);
    assert.equal(table?.header, 3);
    assert.equal(table?.rows[0].record.Description, 'library number 0');
    const csv = [
      'id,name,"latency in milliseconds, measured at the edge over the whole window (p95)"',
      ...rows(30, (i) => `${i},n${i},${i * 2}`),
    ];
    assert.equal(
      readTable(csv)?.columns[2],
      'latency in milliseconds, measured at the edge over the whole window (p95)',
    );
  });

  it('needs nine in ten lines to be rows, and at least eight rows', () => {
    assert.equal(readTable(['a,b', ...rows(7, (i) => `${i},${i}`)]), undefined);
    assert.equal(readTable(['a,b', ...rows(8, (i) => `${i},${i}`), 'one stray line', 'and another']), undefined);
    assert.equal(readTable(['a,b', ...rows(18, (i) => `${i},${i}`), 'one stray line'])?.rows.length, 18);
  });
});
