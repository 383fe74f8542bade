import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before } from 'node:test';
import { onnx } from 'onnx-proto';
import { tempDir } from './tempDir';

/**
 * Words of the tiny model's vocabulary, by meaning: each group shares a direction in the
 * embedding space, so "disk" and "storage" are close although they share no letters.
 */
export const TINY_MODEL_TOPICS: Record<string, string[]> = {
  storage: ['disk', 'storage', 'quota', 'full', 'space', 'volume'],
  network: ['network', 'timeout', 'connection', 'socket', 'latency', 'dns'],
  auth: ['login', 'password', 'token', 'credentials', 'expired', 'unauthorized'],
};

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const FILLER = ['the', 'a', 'is', 'of', 'on', 'was', 'error', 'warning', 'info', 'host', 'worker', 'request'];

/**
 * Writes a BERT-shaped sentence-embedding model that transformers.js loads like any other:
 * config.json, a WordPiece tokenizer.json and tokenizer_config.json, and onnx/model.onnx, a
 * graph that looks up each token's vector (token ids → last_hidden_state). Small enough to
 * build in a test, real enough to go through the whole loading and scoring path offline.
 */
export function writeTinyEmbeddingModel(dir: string): { vocab: string[]; hidden: number } {
  const topics = Object.values(TINY_MODEL_TOPICS);
  const vocab = [...SPECIAL, ...FILLER, ...topics.flat()];
  const hidden = topics.length + 1;
  const table = new Float32Array(vocab.length * hidden);
  vocab.forEach((word, id) => {
    const topic = topics.findIndex((words) => words.includes(word));
    // Topic words point along their topic's axis; everything else along a shared "noise" axis, weakly.
    if (topic >= 0) table[id * hidden + topic] = 1;
    else table[id * hidden + topics.length] = 0.1;
  });

  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'headroom-test',
    graph: {
      name: 'tiny-embedding',
      initializer: [
        {
          name: 'embeddings',
          dims: [vocab.length, hidden],
          dataType: onnx.TensorProto.DataType.FLOAT,
          rawData: new Uint8Array(table.buffer),
        },
      ],
      node: [
        {
          opType: 'Gather',
          input: ['embeddings', 'input_ids'],
          output: ['last_hidden_state'],
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
      ],
      input: [
        tensorValue('input_ids', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
        tensorValue('attention_mask', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
      ],
      output: [tensorValue('last_hidden_state', onnx.TensorProto.DataType.FLOAT, ['batch', 'sequence', hidden])],
    },
  });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', hidden_size: hidden, vocab_size: vocab.length, max_position_embeddings: 512 }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
        ],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(vocab.map((word, id) => [word, id])),
      },
    }),
  );
  return { vocab, hidden };
}

/** For a describe block: a temp folder, and the tiny model written into it before the tests run. */
export function tinyEmbeddingModelFixture(): { dir: string; modelDir: string } {
  const dir = tempDir();
  const modelDir = join(dir, 'tiny-embedding');
  before(() => {
    writeTinyEmbeddingModel(modelDir);
  });
  return { dir, modelDir };
}

function tensorValue(name: string, elemType: number, shape: Array<string | number>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
