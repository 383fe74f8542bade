import { bglLog } from './corpora';
import { plantedRecords } from './records';

/** A large log and a large JSON result: tool outputs the engine should compress. */
export function bigLog(): string {
  return bglLog().text;
}

export function bigJson(): string {
  return JSON.stringify(plantedRecords(600).rows, null, 2);
}
