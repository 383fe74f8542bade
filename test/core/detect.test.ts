import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectKind } from '../../src/core/detect';
import { corpusFile } from '../helpers/corpora';

describe('content detection', () => {
  const cases: Array<[string, string]> = [
    ['json', '{"items": [1, 2, 3]}'],
    ['diff', 'diff --git a/x.ts b/x.ts\n--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-a\n+b'],
    ['search', 'src/a.ts:12:const a = 1;\nsrc/b.ts:40:const b = 2;\nsrc/c.ts:7:  return a + b;'],
    ['code', 'import x from "y";\n\nexport function f(a) {\n  return a + 1;\n}\n'],
    ['code', '     1\tconst a = 1;\n     2\tconst b = 2;\n     3\tconsole.log(a + b);'],
    [
      'prose',
      'This document explains how the retry budget works. Each webhook gets eleven attempts, spaced by exponential backoff, before it is parked.',
    ],
    ['log', '2024-05-01 10:00:00 INFO started\n2024-05-01 10:00:01 WARN slow disk\n2024-05-01 10:00:02 ERROR failed'],
    ['table', ['id,region,latency_ms', ...Array.from({ length: 12 }, (_, i) => `${i},us-east-1,${40 + i}`)].join('\n')],
    [
      'table',
      ['NAME     READY   STATUS', ...Array.from({ length: 12 }, (_, i) => `api-${i}    1/1     Running`)].join('\n'),
    ],
  ];
  for (const [kind, text] of cases)
    it(`detects ${kind}: ${JSON.stringify(text.slice(0, 30))}`, () => assert.equal(detectKind(text).kind, kind));

  it('detects every loghub sample as a log, with CRLF or LF line ends', () => {
    for (const name of [
      'HDFS_2k.log',
      'Apache_2k.log',
      'OpenSSH_2k.log',
      'Spark_2k.log',
      'Zookeeper_2k.log',
      'Android_2k.log',
      'Linux_2k.log',
      'HPC_2k.log',
      'OpenStack_2k.log',
    ]) {
      const text = corpusFile('logs', name);
      assert.equal(detectKind(text).kind, 'log', name);
      // "17/06/09 20:10:40" and "…_13:53:08" read like path:line:column to a careless grep test.
      assert.equal(detectKind(text.replace(/\r\n/g, '\n')).kind, 'log', `${name} with LF`);
    }
  });

  it("reads a dated log inside an agent's tag wrapper (Gemini CLI's shell output) as a log, not as ripgrep --heading", () => {
    const lines = Array.from({ length: 60 }, (_, i) => `2026-11-24 10:00:00 INFO worker ${i} processed batch ${i * 7}`);
    const wrapped = `<untrusted_context>\nOutput: ${lines.join('\n')}\nProcess Group PGID: 2485\n</untrusted_context>`;
    assert.equal(detectKind(wrapped).kind, 'log');
    assert.equal(detectKind('src/a.ts\n12:const a = 1;\n40-const b = 2;\nsrc/b.ts\n7:return a;').kind, 'search');
  });

  it("reads one file's grep -n -C output, with no file heading, as search results", () => {
    const groups = Array.from({ length: 12 }, (_, g) => {
      const at = 40 + g * 30;
      return [
        `${at - 1}-\t// setup ${g}`,
        `${at}:\tif _, err := git.PlainInit(dir${g}, false); err != nil {`,
        `${at + 1}-\t\tt.Fatal(err)`,
      ].join('\n');
    });
    assert.equal(detectKind(groups.join('\n--\n')).kind, 'search');
    const numberedNotes = ['3: buy milk', '1: call Ann', '2: fix the car', '5: pay rent', '4: book flights'].join('\n');
    assert.notEqual(detectKind(numberedNotes).kind, 'search', 'numbers that do not go up are not line numbers');
  });

  it('still reads ripgrep --column output, and paths that end in digits, as search results', () => {
    assert.equal(
      detectKind('src/a.ts:12:5:const a = 1;\nsrc/b.ts:40:17:const b = 2;\nsrc/c.ts:7:3:  return a + b;').kind,
      'search',
    );
    assert.equal(detectKind('lib/v2:10:const a = 1;\nlib/v2:11:const b = 2;\nlib/v3:12:const c = 3;').kind, 'search');
  });

  it('reads Markdown documentation as prose, and Python with # comments still as code', () => {
    const doc = [
      '# Deploying the service',
      '',
      'The service runs on Kubernetes and is deployed by the pipeline, which builds, pushes and rolls out the image.',
      '',
      '## Requirements',
      '',
      '- A cluster with at least three nodes, each with 4 GB of memory.',
      '- kubectl 1.29 or later, configured for the cluster.',
      '',
      '## Steps',
      '',
      '1. Build the image with `make image`, which tags it with the commit.',
      '2. Roll it out with `kubectl apply -f deploy/`, then watch the rollout.',
    ].join('\n');
    assert.equal(detectKind(doc).kind, 'prose');
    const python = [
      '# utilities',
      'import os',
      '',
      '# constants',
      'LIMIT = 10',
      '',
      'def f(x):',
      '    # add one',
      '    return x + 1',
    ];
    assert.equal(detectKind(python.join('\n')).kind, 'code');
  });

  it('detects binary data', () => assert.equal(detectKind('abc\u0000def').kind, 'binary'));
  it('treats truncated JSON as text, not JSON', () => assert.notEqual(detectKind('{"a": [1, 2, ').kind, 'json'));
});
