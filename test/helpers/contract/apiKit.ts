import type { ModelTurn, ModelView } from './fakeModel';

export type Json = Record<string, unknown>;

/** What a client read from one answer, the way that API's SDK would assemble it. */
export interface ClientAnswer {
  text: string;
  /** The calls to the client's own tools, in order. */
  calls: Array<{ id: string; name: string }>;
  /** The model's turn as the client appends it to its conversation. */
  turn: Json[];
  /** Input tokens the answer reports (all rounds). */
  inputTokens: number;
}

/**
 * One provider API, both sides of it, for the contract suite: how a client talks to it (its
 * requests, how it reads an answer, how it builds its next turn) and how the strict fake
 * upstream answers (its documented validation rules, its wire shapes whole and streamed).
 */
export interface ApiKit {
  name: string;
  path(stream: boolean): string;
  headers: Record<string, string>;
  /** Input tokens the fake reports for every upstream round. */
  readonly roundInputTokens: number;

  /** A first request: the user's question, one call of the agent's `shell` tool and its output. */
  firstRequest(options: { stream: boolean; output: string }): Json;
  /** Reads an answer as the API's client would, and throws where the answer breaks the API's rules. */
  read(body: string, stream: boolean): ClientAnswer;
  /** The next request: the conversation, the model's turn, and a result for each client call (or a new question). */
  nextRequest(previous: Json, answer: ClientAnswer, results: Array<{ id: string; name: string; text: string }>): Json;
  /** The tool names a request declares. */
  toolNames(body: Json): string[];

  matches(path: string): boolean;
  /** The first documented rule the request breaks, in the API's own words where it has them. */
  validate(body: Json, path: string): string | undefined;
  /** The API's error body for a status. */
  errorBody(status: number, message: string): Json;
  view(body: Json): ModelView;
  /** The answer to a request, whole (one JSON chunk) or as the events of its stream. */
  respond(turn: ModelTurn, body: Json, stream: boolean, requestNumber: number): string[];
}
