import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import {
  HumanMessage,
  ToolMessage,
  type AIMessageChunk,
  type BaseMessage,
  type MessageContent,
} from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { compressText } from '../core/compressText';
import { MemoryStore } from '../core/memoryStore';
import type { Retriever } from '../core/retrieveAnswer';
import type { Aggressiveness, CompressionStore } from '../core/types';

/** A chat model, or one with tools bound: anything that turns messages into an AI message. */
export type ChatRunnable = Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions>;

export interface HeadroomChatModelFields extends BaseChatModelParams {
  /** The model that answers; it receives the conversation with its tool outputs compressed. */
  model: ChatRunnable;
  /** Where originals are kept for `headroomRetrieveTool`; an in-memory store of its own by default. */
  store?: CompressionStore & Retriever;
  minTokens?: number;
  aggressiveness?: Aggressiveness;
}

/** Figures of the last call's compression. */
export interface CompressionFigures {
  tokensBefore: number;
  tokensAfter: number;
  compressedMessages: number;
}

/**
 * Wraps any LangChain.js chat model: before `invoke`, `stream` and `batch`, the text of every
 * tool message is compressed by Headroom's engine (relevant to the latest human question),
 * and everything else goes to the wrapped model as it came. Dropped content stays in `store`;
 * bind `headroomRetrieveTool(store)` so the model can expand a marker when it needs to.
 */
export class HeadroomChatModel extends BaseChatModel {
  readonly model: ChatRunnable;
  readonly store: CompressionStore & Retriever;
  /** What the most recent call saved. */
  lastCompression: CompressionFigures = { tokensBefore: 0, tokensAfter: 0, compressedMessages: 0 };
  private readonly fields: HeadroomChatModelFields;

  constructor(fields: HeadroomChatModelFields) {
    super(fields);
    this.fields = fields;
    this.model = fields.model;
    this.store = fields.store ?? new MemoryStore();
  }

  static lc_name(): string {
    return 'HeadroomChatModel';
  }

  _llmType(): string {
    return 'headroom';
  }

  /** The conversation as the wrapped model receives it. */
  async compressMessages(messages: readonly BaseMessage[]): Promise<BaseMessage[]> {
    const query = [...messages].reverse().find((message) => HumanMessage.isInstance(message))?.text;
    const figures: CompressionFigures = { tokensBefore: 0, tokensAfter: 0, compressedMessages: 0 };
    const compressed = await Promise.all(
      messages.map(async (message) => {
        if (!ToolMessage.isInstance(message)) return message;
        const content = await this.compressContent(message.content, query, message.name, figures);
        if (content === message.content) return message;
        figures.compressedMessages++;
        const { tool_call_id, name, status, artifact, id, additional_kwargs, response_metadata } = message;
        return new ToolMessage({
          content,
          tool_call_id,
          name,
          status,
          artifact,
          id,
          additional_kwargs,
          response_metadata,
        });
      }),
    );
    this.lastCompression = figures;
    return compressed;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const message = await this.model.invoke(await this.compressMessages(messages), options);
    return { generations: [{ text: message.text, message }] };
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const stream = await this.model.stream(await this.compressMessages(messages), options);
    for await (const chunk of stream) {
      const generation = new ChatGenerationChunk({ text: chunk.text, message: chunk });
      await runManager?.handleLLMNewToken(generation.text, undefined, undefined, undefined, undefined, {
        chunk: generation,
      });
      yield generation;
    }
  }

  /** The wrapped model with tools bound, still compressing: the usual way to give it `headroomRetrieveTool`. */
  override bindTools(tools: BindToolsInput[], kwargs?: Partial<BaseChatModelCallOptions>): HeadroomChatModel {
    const bindable = this.model as ChatRunnable & {
      bindTools?: (tools: BindToolsInput[], kwargs?: Partial<BaseChatModelCallOptions>) => ChatRunnable;
    };
    if (typeof bindable.bindTools !== 'function')
      throw new Error('HeadroomChatModel: the wrapped model does not support tools (it has no bindTools).');
    return new HeadroomChatModel({ ...this.fields, model: bindable.bindTools(tools, kwargs), store: this.store });
  }

  private async compressContent(
    content: MessageContent,
    query: string | undefined,
    tool: string | undefined,
    figures: CompressionFigures,
  ): Promise<MessageContent> {
    const compressOne = async (text: string): Promise<string> => {
      const result = await compressText(text, {
        query,
        tool,
        store: this.store,
        minTokens: this.fields.minTokens,
        aggressiveness: this.fields.aggressiveness,
      });
      figures.tokensBefore += result.tokensBefore;
      figures.tokensAfter += result.tokensAfter;
      return result.text;
    };
    if (typeof content === 'string') {
      const text = await compressOne(content);
      return text === content ? content : text;
    }
    let changed = false;
    const blocks = await Promise.all(
      content.map(async (block) => {
        if (block.type !== 'text' || typeof block.text !== 'string') return block;
        const text = await compressOne(block.text);
        if (text === block.text) return block;
        changed = true;
        return { ...block, text };
      }),
    );
    return changed ? (blocks as MessageContent) : content;
  }
}
