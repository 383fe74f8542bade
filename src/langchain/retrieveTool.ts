import { tool } from '@langchain/core/tools';
import {
  answerRetrieve,
  RETRIEVE_TOOL_DESCRIPTION,
  RETRIEVE_TOOL_NAME,
  RETRIEVE_TOOL_PARAMETERS,
  type Retriever,
} from '../core/retrieveAnswer';

/**
 * The `headroom_retrieve` tool for a LangChain agent: it expands the markers that
 * `HeadroomChatModel` left in tool outputs, from the same store. An unknown hash is answered
 * with a message for the model, not an exception.
 */
export function headroomRetrieveTool(store: Retriever) {
  return tool(async (input: unknown) => (await answerRetrieve(input, store)).content, {
    name: RETRIEVE_TOOL_NAME,
    description: RETRIEVE_TOOL_DESCRIPTION,
    schema: RETRIEVE_TOOL_PARAMETERS,
  });
}
