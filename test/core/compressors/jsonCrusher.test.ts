import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OMITTED_KEY, REPEAT_KEY } from '../../../src/core/compressors/jsonCrusher';
import { markerHashes } from '../../../src/core/marker';
import { compressWithStore, retrieveAll } from '../../helpers/engine';
import { plantedRecords } from '../../helpers/records';

const idsIn = (value: unknown): number[] =>
  (value as Array<{ id?: number }>)
    .filter((row) => typeof row === 'object' && row !== null)
    .map((row) => row.id as number);
const markerOf = (value: unknown[]): string => value[value.length - 1] as string;

describe('JSON crusher', () => {
  for (const size of [100, 1_000, 10_000]) {
    it(`keeps every planted anomaly in ${size} records, as valid JSON, with ≥ 75% fewer tokens`, async () => {
      const { rows, needles } = plantedRecords(size);
      const input = JSON.stringify(rows, null, 2);
      const { result, store } = await compressWithStore(input, { query: 'what happened to user-zebra-42' });
      assert.equal(result.kind, 'json');
      assert.equal(result.compressed, true, result.reason);
      const output = JSON.parse(result.text) as unknown[];
      const kept = idsIn(output);
      for (const [kind, id] of Object.entries(needles)) assert.ok(kept.includes(id), `${kind} row ${id} dropped`);
      assert.ok(kept.includes(0) && kept.includes(size - 1), 'first and last rows stay');
      assert.ok(result.tokensAfter <= result.tokensBefore * 0.25, `${result.tokensBefore} → ${result.tokensAfter}`);
      assert.deepEqual(JSON.parse(await retrieveAll(store, markerHashes(result.text)[0])), rows);
    });
  }

  it('factors out constant columns and names them in the marker', async () => {
    const { rows } = plantedRecords(500);
    const { result } = await compressWithStore(JSON.stringify(rows));
    const output = JSON.parse(result.text) as unknown[];
    for (const row of output.slice(0, -1)) assert.equal((row as Record<string, unknown>).region, undefined);
    assert.match(markerOf(output), /all rows: region="us-east-1"/);
    assert.match(markerOf(output), /^\[headroom: \d+ of 500 rows omitted; kept .*· retrieve hash=[0-9a-f]{24}\]$/);
  });

  it('collapses identical rows into one with a count', async () => {
    const rows = [
      ...Array.from({ length: 300 }, () => ({ level: 'info', text: 'heartbeat ok', node: 'n1' })),
      ...Array.from({ length: 300 }, (_, i) => ({ level: 'info', text: `tick ${i}`, node: 'n2' })),
    ];
    const { result } = await compressWithStore(JSON.stringify(rows));
    const output = JSON.parse(result.text) as Array<Record<string, unknown>>;
    const heartbeat = output.find((row) => row.text === 'heartbeat ok');
    assert.equal(heartbeat?.[REPEAT_KEY], 300);
    assert.equal(output.filter((row) => row.text === 'heartbeat ok').length, 1);
  });

  it('cuts a very long string inside an API answer around a marker that retrieves it whole', async () => {
    const hunk = Array.from({ length: 1_000 }, (_, i) => `+\tline ${i} of the diff hunk`).join('\n');
    const answer = { id: 2738937075, body: 'Fixed in 36ff9a9.', diff_hunk: hunk, user: { login: 'alex' } };
    const { result, store } = await compressWithStore(JSON.stringify(answer, null, 2));
    const output = JSON.parse(result.text) as typeof answer;
    assert.equal(output.body, 'Fixed in 36ff9a9.');
    assert.deepEqual(output.user, { login: 'alex' });
    assert.ok(output.diff_hunk.startsWith(hunk.slice(0, 8_000)) && output.diff_hunk.endsWith(hunk.slice(-2_000)));
    const [hash] = markerHashes(output.diff_hunk);
    assert.equal(await retrieveAll(store, hash), hunk);
    assert.ok(result.tokensAfter < result.tokensBefore * 0.6);
    const { result: history } = await compressWithStore(JSON.stringify(answer, null, 2), { history: true });
    assert.ok(history.tokensAfter < result.tokensAfter * 0.2, 'turns back, far less of it is kept');
  });

  it('crushes a large map of like entries (a dependency tree), keeping the entry asked about and the odd one', async () => {
    const dependencies: Record<string, unknown> = {};
    for (let i = 0; i < 120; i++) dependencies[`pkg-${i}`] = { version: `1.${i % 7}.0`, overridden: false };
    dependencies['left-pad'] = { version: '0.0.1', overridden: true, problems: ['missing peer react@18'] };
    dependencies['zod'] = { version: '4.1.0', overridden: false };
    const tree = { name: 'app', version: '1.0.0', dependencies };
    const { result, store } = await compressWithStore(JSON.stringify(tree, null, 2), {
      query: 'which zod version is installed?',
    });
    const output = JSON.parse(result.text) as { name: string; dependencies: Record<string, unknown> };
    assert.equal(output.name, 'app');
    assert.deepEqual(output.dependencies['zod'], dependencies['zod']);
    assert.deepEqual(output.dependencies['left-pad'], dependencies['left-pad']);
    const omitted = String(output.dependencies[OMITTED_KEY]);
    assert.match(omitted, /^\[headroom: \d+ of 122 entries omitted; kept .* · retrieve hash=[0-9a-f]{24}\]$/);
    assert.deepEqual(JSON.parse(await retrieveAll(store, markerHashes(omitted)[0])), dependencies);
    assert.ok(result.tokensAfter < result.tokensBefore * 0.2);
    const { result: file } = await compressWithStore(JSON.stringify(tree, null, 2), {
      tool: 'Read',
      toolInput: { file_path: 'package-lock.json' },
    });
    assert.equal(
      Object.keys((JSON.parse(file.text) as typeof tree).dependencies).length,
      122,
      'a file read whole keeps its maps',
    );
  });

  it('leaves an object of unlike values alone, however many keys it has', async () => {
    const config: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) config[`option${i}`] = [i, `text ${i}`, { nested: i }, true][i % 4];
    const { result } = await compressWithStore(JSON.stringify(config, null, 2));
    assert.deepEqual(JSON.parse(result.text), config);
  });

  it('keeps a one-off value in a column split among a few common ones', async () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: i,
      region: i === 171 ? 'sa-east-9' : regions[(i * 7) % 3],
      latency: 40 + (i % 9),
    }));
    const { result } = await compressWithStore(JSON.stringify(rows));
    assert.ok(idsIn(JSON.parse(result.text)).includes(171), 'the row with the one-off region is kept');
  });

  it('keeps rows whose severity column says critical, without a question', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: i,
      rule: `check-${i % 40}`,
      severity: i === 77 || i === 201 ? 'CRITICAL' : ['low', 'medium', 'info'][i % 3],
    }));
    const { result } = await compressWithStore(JSON.stringify(rows));
    const kept = idsIn(JSON.parse(result.text));
    assert.ok(kept.includes(77) && kept.includes(201), `critical rows kept: ${kept.join(',')}`);
  });

  it('says how many more rows match the question than it kept', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({
      id: i,
      user: i % 11 === 0 ? 'user-zebra' : `user-${i}`,
      action: 'login',
    }));
    const { result } = await compressWithStore(JSON.stringify(rows), { query: 'what did user-zebra do?' });
    const output = JSON.parse(result.text) as unknown[];
    const shown = output.filter((row) => (row as { user?: string }).user === 'user-zebra').length;
    const matching = rows.filter((row) => row.user === 'user-zebra').length;
    assert.ok(shown < matching);
    assert.match(markerOf(output), new RegExp(`${matching - shown} more omitted rows match the question`));
  });

  it('keeps the rows where a category changes value', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({
      t: i,
      state: i < 250 ? 'healthy' : i < 330 ? 'degraded' : 'healthy',
      cpu: 50,
    }));
    const { result } = await compressWithStore(JSON.stringify(rows));
    const kept = (JSON.parse(result.text) as Array<{ t?: number }>).map((row) => row.t);
    assert.ok(kept.includes(250) && kept.includes(330), `change points missing: ${kept.join(',')}`);
  });

  it('compresses a large array nested inside an object and leaves the rest of it alone', async () => {
    const { rows, needles } = plantedRecords(800);
    const doc = { meta: { page: 1, total: 800, next: 'cursor-abc' }, data: { items: rows } };
    const { result, store } = await compressWithStore(JSON.stringify(doc, null, 2));
    const output = JSON.parse(result.text) as typeof doc;
    assert.deepEqual(output.meta, doc.meta);
    const items = output.data.items as unknown[];
    assert.ok(idsIn(items).includes(needles.error));
    const [hash] = markerHashes(markerOf(items));
    assert.notEqual(hash, result.hash, 'a nested array is stored on its own');
    assert.deepEqual(JSON.parse(await retrieveAll(store, hash)), rows);
  });

  it('keeps extremes and level shifts of a numeric series', async () => {
    const series = Array.from({ length: 400 }, (_, i) => (i < 200 ? 10 : 95) + (i % 3));
    series[77] = -40;
    const { result } = await compressWithStore(JSON.stringify(series), { minTokens: 100 });
    const output = JSON.parse(result.text) as unknown[];
    assert.ok(output.includes(-40), 'minimum kept');
    assert.ok(output.includes(95) || output.includes(96) || output.includes(97), 'value after the level shift kept');
    assert.match(markerOf(output), /numbers omitted; kept .* at indices .*\b200\b/);
  });

  it('leaves small arrays and documents alone', async () => {
    const small = JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const { result } = await compressWithStore(small);
    assert.equal(result.compressed, false);
    assert.equal(result.text, small);
  });
});
