/**
 * Stands in for `sharp` in the bundled embedding worker (see scripts/build.mjs): transformers.js
 * imports it for image models, which Headroom never loads, and sharp's native libraries would
 * add megabytes to the .vsix for nothing.
 */
export default function sharp(): never {
  throw new Error('Headroom bundles transformers.js without image support.');
}
