/** Headroom for LangChain.js (`headroom-vscode/langchain`); `@langchain/core` is a peer dependency. */
export {
  HeadroomChatModel,
  type ChatRunnable,
  type CompressionFigures,
  type HeadroomChatModelFields,
} from './headroomChatModel';
export { headroomRetrieveTool } from './retrieveTool';
export { MemoryStore } from '../core/memoryStore';
