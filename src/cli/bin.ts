import * as nodeModule from 'node:module';
import { main } from './main';

// Node 22.1+ keeps compiled code between runs; the commands' chunks load after this line.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

void main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
