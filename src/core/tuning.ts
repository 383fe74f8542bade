import type { Aggressiveness } from './types';

/** How much each compressor keeps, per aggressiveness level. */
export interface Tuning {
  headRows: number;
  tailRows: number;
  relevantRows: number;
  /** Rows kept per rare-value or schema-anomaly reason, so a noisy column cannot keep everything. */
  rareRowsPerColumn: number;
  outlierSigmas: number;
  logHeadLines: number;
  logTailLines: number;
  errorContextLines: number;
  stackTraceLines: number;
  relevantLines: number;
  searchMatchesPerFile: number;
  searchFiles: number;
  diffContextLines: number;
  proseRelevantShare: number;
}

const TUNINGS: Record<Aggressiveness, Tuning> = {
  conservative: {
    headRows: 5,
    tailRows: 3,
    relevantRows: 10,
    rareRowsPerColumn: 10,
    outlierSigmas: 2,
    logHeadLines: 5,
    logTailLines: 5,
    errorContextLines: 2,
    stackTraceLines: 60,
    relevantLines: 15,
    searchMatchesPerFile: 5,
    searchFiles: 40,
    diffContextLines: 3,
    proseRelevantShare: 0.5,
  },
  balanced: {
    headRows: 3,
    tailRows: 2,
    relevantRows: 5,
    rareRowsPerColumn: 5,
    outlierSigmas: 2,
    logHeadLines: 3,
    logTailLines: 3,
    errorContextLines: 1,
    stackTraceLines: 40,
    relevantLines: 8,
    searchMatchesPerFile: 3,
    searchFiles: 25,
    diffContextLines: 2,
    proseRelevantShare: 0.3,
  },
  aggressive: {
    headRows: 2,
    tailRows: 1,
    relevantRows: 3,
    rareRowsPerColumn: 3,
    outlierSigmas: 2,
    logHeadLines: 2,
    logTailLines: 2,
    errorContextLines: 0,
    stackTraceLines: 20,
    relevantLines: 5,
    searchMatchesPerFile: 2,
    searchFiles: 15,
    diffContextLines: 1,
    proseRelevantShare: 0.2,
  },
};

export function tuningFor(level: Aggressiveness): Tuning {
  return TUNINGS[level];
}
