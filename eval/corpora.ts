import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedCorpora } from '../bench/sharedData';
import { templateOf } from '../test/helpers/corpora';
import { plantedCsv, plantedRecords, seededRandom } from '../test/helpers/records';
import type { QaItem } from './online';
import { textNeedle, type Case, type Needle } from './retention';

/** Log lines as the compressor keeps them may end with a repeat count. */
const withoutCount = (line: string) => line.replace(/ \[×\d+\]$/, '');

/** One needle per loghub template among `lines`: any line of that template in the output shows it. */
function templateNeedles(logName: string, lines: readonly string[]): Needle[] {
  const templates = sharedCorpora().logTemplates(logName);
  const present = new Map<string, string>();
  for (const line of lines) {
    const id = templateOf(line, templates);
    if (id && !present.has(id))
      present.set(
        id,
        templates
          .find((t) => t.id === id)!
          .template.replace(/<\*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      );
  }
  return [...present].map(([id, words]) => ({
    seen: (line: string) => templateOf(withoutCount(line), templates) === id,
    query: words,
  }));
}

/** loghub BGL: every template of a labelled alert line (the 143 alert lines, 10 categories) is a needle; the agent asks what failed. */
export function bglAlerts(): Case[] {
  const log = sharedCorpora().bglLog();
  const alerts = log.lines.filter((_, i) => log.labels[i] !== '-');
  return [
    {
      content: log.text,
      query: 'which nodes had hardware or kernel failures?',
      needles: templateNeedles('BGL_2k.log', alerts),
    },
  ];
}

/** The other loghub logs. */
export const LOGS = ['Android', 'Apache', 'HDFS', 'HPC', 'Linux', 'OpenSSH', 'OpenStack', 'Spark', 'Zookeeper'];

/** A loghub log: one needle per mined template; the compressed log should show every kind of line. */
export function logTemplateCoverage(name: string): Case[] {
  const lines = sharedCorpora().file('logs', `${name}_2k.log`).split(/\r?\n/).filter(Boolean);
  return [{ content: lines.join('\n'), needles: templateNeedles(`${name}_2k.log`, lines) }];
}

/** API-style records with planted needles (error, 5xx, outlier, success:false, rare value, odd shape, the row the question names). */
export function plantedRecordSets(): Case[] {
  const cases: Case[] = [];
  for (const count of [150, 600, 2_400]) {
    for (const seed of [1, 2, 3]) {
      const { rows, needles } = plantedRecords(count, seed);
      cases.push({
        content: JSON.stringify(rows, null, 2),
        query: 'what happened to user-zebra-42?',
        needles: Object.entries(needles).map(([kind, id]) =>
          textNeedle(`"id":${id},`, `${kind} ${JSON.stringify(rows[id])}`),
        ),
      });
    }
  }
  return cases;
}

/** The same planted records as CSV: each needle is its row's line. */
export function plantedCsvTables(): Case[] {
  const cases: Case[] = [];
  for (const count of [150, 600, 2_400]) {
    for (const seed of [1, 2, 3]) {
      const { text, needles } = plantedCsv(count, seed);
      cases.push({
        content: text,
        query: 'what happened to user-zebra-42?',
        needles: Object.entries(needles).map(([kind, line]) => textNeedle(line, `${kind} ${line}`)),
      });
    }
  }
  return cases;
}

/** grep output over many files with one planted fact the question is about. */
export function searchResults(): Case[] {
  const facts = [
    {
      line: 'src/billing/invoice.ts:214:  throw new InvoiceRoundingError(total, currency);',
      query: 'why does invoice rounding fail?',
    },
    {
      line: 'lib/auth/session.py:88:    SESSION_TTL_SECONDS = 900  # sessions expire after 15 minutes',
      query: 'how long do sessions last?',
    },
    {
      line: 'internal/queue/retry.go:41:\tconst maxRetries = 7 // then the job is dead-lettered',
      query: 'how many retries before dead letter?',
    },
    {
      line: 'app/models/user.rb:133:    validates :email, uniqueness: { case_sensitive: false }',
      query: 'is email uniqueness case sensitive?',
    },
  ];
  return facts.map((fact, n) => {
    const random = seededRandom(n + 11);
    const lines: string[] = [];
    for (let f = 0; f < 50; f++)
      for (let m = 0; m < 10 + Math.floor(random() * 10); m++)
        lines.push(`src/pkg${f}/mod${f}.ts:${5 + m * 9}:  const total${m} = sum(items${f}, ${m}); // accumulate`);
    lines.splice(Math.floor(random() * lines.length), 0, fact.line);
    return { content: lines.join('\n'), query: fact.query, needles: [textNeedle(fact.line, fact.query)] };
  });
}

/** The Python Headroom project's diff fixtures: every added and removed line is a needle. */
export function parityDiffs(): Case[] {
  const dir = join(sharedCorpora().root, 'headroom-parity', 'diff_compressor');
  return readdirSync(dir)
    .sort()
    .map((file) => {
      const { input } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { input: string };
      const changed = input
        .split('\n')
        .filter((line) => /^[+-]/.test(line) && !/^(\+\+\+|---) /.test(line) && line.trim().length > 1);
      return { content: input, needles: changed.map((line) => textNeedle(line, line.slice(1))) };
    });
}

/**
 * Question answering with answer spans, generated: customer records and a service log, a
 * question about one record or one event, the answer text that only that record or line holds.
 */
export function generatedQa(): QaItem[] {
  const items: QaItem[] = [];
  const random = seededRandom(2026);
  const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Niklaus'];
  const last = [
    'Lovelace',
    'Hopper',
    'Turing',
    'Dijkstra',
    'Liskov',
    'Knuth',
    'Allen',
    'Thompson',
    'Hamilton',
    'Wirth',
  ];
  for (let q = 0; q < 20; q++) {
    const rows = Array.from({ length: 400 }, (_, id) => ({
      id,
      name: `${first[id % 10]} ${last[Math.floor(id / 10) % 10]} ${id}`,
      plan: ['free', 'team', 'business'][id % 3],
      region: 'eu-west-1',
      seats: 1 + Math.floor(random() * 50),
      account: `ACC-${String(100_000 + Math.floor(random() * 900_000))}`,
    }));
    const target = rows[Math.floor(random() * rows.length)];
    items.push({
      context: JSON.stringify(rows),
      question: `What is the account number of ${target.name}?`,
      answer: target.account,
      lookup: target.name,
    });
  }
  for (let q = 0; q < 20; q++) {
    const lines = Array.from(
      { length: 1_500 },
      (_, i) =>
        `2026-11-26T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO payment-${i % 9} processed order ${200_000 + i} in ${10 + (i % 40)} ms`,
    );
    const order = 300_000 + Math.floor(random() * 90_000);
    const at = 100 + Math.floor(random() * 1_300);
    lines.splice(
      at,
      0,
      `2026-11-26T10:30:00Z ERROR payment-${at % 9} card declined for order ${order}: insufficient funds`,
    );
    items.push({
      context: lines.join('\n'),
      question: 'Which order had its card declined?',
      answer: String(order),
      lookup: 'card declined',
    });
  }
  return items;
}

/** The QA items as retention cases: the question is the query, the answer span the needle. */
export function questionAnswering(): Case[] {
  return generatedQa().map((item) => ({
    content: item.context,
    query: item.question,
    needles: [textNeedle(item.answer, item.lookup)],
  }));
}
