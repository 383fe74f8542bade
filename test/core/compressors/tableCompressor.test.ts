import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMarkerLine, markerHashes, parseKeptLine } from '../../../src/core/marker';
import { compressWithStore, retrieveAll } from '../../helpers/engine';

const rows = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i));

const request = (i: number) =>
  `${i},user${i},${i === 77 ? 'eu-north-1' : `us-east-${1 + (i % 2)}`},${i === 300 ? 98_000 : 40 + (i % 30)},${i === 451 ? 503 : 200}`;

/** 600 requests: one slow, one failed, one from a rare region; the rest alike. */
function requestsCsv(): string {
  return ['id,user,region,latency_ms,status', ...rows(600, request)].join('\n');
}

const keptLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => !isMarkerLine(line))
    .map((line) => parseKeptLine(line).line);

describe('table compressor', () => {
  it('keeps the header, the outlier, the failed row and the rare value, as their original lines', async () => {
    const input = requestsCsv();
    const { result, store } = await compressWithStore(input);
    assert.equal(result.kind, 'table');
    assert.ok(result.tokensAfter <= result.tokensBefore * 0.25, `${result.tokensBefore} → ${result.tokensAfter}`);
    const kept = keptLines(result.text);
    const original = new Set(input.split('\n'));
    assert.ok(
      kept.every((line) => original.has(line)),
      'every kept line is a line of the original',
    );
    assert.equal(kept[0], 'id,user,region,latency_ms,status');
    for (const id of [77, 300, 451])
      assert.ok(
        kept.some((line) => line.startsWith(`${id},`)),
        `row ${id} kept`,
      );
    assert.match(result.text, /\d+ of 600 rows omitted; kept .*outliers/);
    assert.deepEqual(markerHashes(result.text), [result.hash]);
    assert.equal(await retrieveAll(store, result.hash), input);
  });

  it('keeps the row the question names', async () => {
    const { result } = await compressWithStore(requestsCsv(), { query: 'what happened to user412?' });
    assert.ok(keptLines(result.text).some((line) => line.startsWith('412,user412,')));
  });

  it('keeps a pod in CrashLoopBackOff out of hundreds running', async () => {
    const pad = (value: string | number, width: number) => String(value).padEnd(width);
    const pod = (i: number) =>
      `${pad(`api-${i}`, 12)}${pad(i === 211 ? '0/1' : '1/1', 8)}${pad(i === 211 ? 'CrashLoopBackOff' : 'Running', 19)}${i === 211 ? 57 : i % 3}`;
    const { result } = await compressWithStore(
      ['NAME        READY   STATUS             RESTARTS', ...rows(300, pod)].join('\n'),
    );
    assert.equal(result.kind, 'table');
    assert.ok(keptLines(result.text).includes(pod(211)));
  });

  it('folds identical rows into one with their count', async () => {
    const input = [
      'level,message',
      ...rows(200, (i) => (i % 50 === 49 ? `error,disk ${i} full` : 'info,heartbeat')),
    ].join('\n');
    const { result } = await compressWithStore(input);
    const heartbeat = result.text
      .split('\n')
      .map(parseKeptLine)
      .find((kept) => kept.line === 'info,heartbeat');
    assert.ok(heartbeat && heartbeat.count > 100, `heartbeat kept once for its ${heartbeat?.count} copies`);
  });

  it('leaves a table with little to drop alone', async () => {
    const { result } = await compressWithStore(['a,b', ...rows(9, (i) => `${i},${i * 2}`)].join('\n'), {
      minTokens: 0,
    });
    assert.equal(result.compressed, false);
  });

  it('retrieves the rows a question asks for under the header of the table', async () => {
    const { result, store } = await compressWithStore(requestsCsv());
    const outcome = await store.retrieve(result.hash, { query: 'user412' });
    assert.ok(outcome.ok);
    assert.equal(outcome.part.content, ['id,user,region,latency_ms,status', request(412)].join('\n'));
    assert.equal(outcome.part.returned, 1);
  });
});
