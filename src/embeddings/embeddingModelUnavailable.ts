/** The model or the ONNX runtime could not be used; the message says why, for the panel and the stats. */
export class EmbeddingModelUnavailable extends Error {}
