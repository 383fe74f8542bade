/** Bumped whenever compressed output changes for the same input, so old memo entries are not replayed. */
export const ENGINE_VERSION = 3;
