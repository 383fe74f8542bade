import { isMarkerLine, parseKeptLine } from './marker';

/**
 * Agents rarely hand the model a command's output bare: they wrap it (Codex's `Chunk ID … Output:`
 * header, mini-swe-agent's `<returncode>`/`<output>` tags and its head/tail split, OpenHands'
 * `[Command finished with exit code N]` trailer, Gemini CLI's `Output: … Process Group PGID:`
 * frame, Claude Code's `<system-reminder>` notes) and
 * number file views (`     1→…` from Claude Code's Read, `cat -n`, `nl -ba`). Compressing such
 * an output as one blob loses the wrapper's lines and hides the content's own kind.
 *
 * An envelope splits the output into the wrapper's lines, kept byte for byte, and bodies, each
 * compressed by its own kind; a numbered body is compressed without its numbers, and every
 * line kept gets its number back, so a line reference the model gives stays right.
 */
export interface Envelope {
  /** The bodies to compress, in order, without line numbers. */
  bodies: string[];
  /** The output again, with each body replaced by its compressed form (or itself). */
  close(compressedBodies: readonly string[]): string;
}

interface Wrapper {
  /** Lines before the body, kept as they are. */
  head: RegExp;
  /** Lines after the body. */
  tail?: RegExp;
}

/** What OpenHands appends to an observation: where the command ran and how it ended. */
const OPENHANDS_TRAILER =
  /\n*(?:\[Current working directory: [^\n]*\]\n?|\[Python interpreter: [^\n]*\]\n?|\[Command finished with exit code -?\d+\]\n?)+\s*$/;

const WRAPPERS: Wrapper[] = [
  // Codex exec_command / write_stdin.
  {
    head: /^Chunk ID: [^\n]*\nWall time: [^\n]*\n(?:Process (?:exited with code|running with session ID) [^\n]*\n)?(?:Original token count: [^\n]*\n)?Output:\n/,
  },
  // mini-swe-agent.
  { head: /^<returncode>-?\d+<\/returncode>\n<output>\n/, tail: /\n?<\/output>\s*$/ },
  // Gemini CLI's run_shell_command: the output starts on the `Output:` line; how it ended follows.
  {
    head: /^(?:<untrusted_context>\n)?(?:Command: [^\n]*\n)?(?:Directory: [^\n]*\n)?Output: /,
    tail: /\n(?:(?:Error|Exit Code|Signal|Background PIDs): [^\n]*\n)*Process Group PGID: [^\n]*(?:\n<\/untrusted_context>)?\s*$/,
  },
  // OpenHands' editor view and command observation.
  { head: /^Here's the result of running `cat -n` on [^\n]*:\n/, tail: OPENHANDS_TRAILER },
  { head: /^/, tail: OPENHANDS_TRAILER },
];

/** mini-swe-agent's truncated output: a head and a tail of the same command around a notice. */
const HEAD_TAIL =
  /^(<returncode>-?\d+<\/returncode>\n(?:<warning>[\s\S]*?<\/warning>\n)?<output_head>\n)([\s\S]*?)(\n<\/output_head>\n<elided_chars>[\s\S]*?<\/elided_chars>\n<output_tail>\n)([\s\S]*?)(\n<\/output_tail>\s*)$/;
/** Notes Claude Code appends to a tool result. */
const REMINDERS = /(\n*(?:<system-reminder>[\s\S]*?<\/system-reminder>\s*)+)$/;

/** The envelope of an output, or undefined when it is a bare output without numbered lines. */
export function openEnvelope(content: string): Envelope | undefined {
  const split = splitWrapper(content);
  if (!split) return undefined;
  const { parts, bodyIndices } = split;
  const numbered = bodyIndices.map((i) => unnumber(parts[i]));
  const plainBodies = bodyIndices.every((i, n) => numbered[n] === undefined && parts[i] === content);
  if (plainBodies) return undefined;
  return {
    bodies: bodyIndices.map((i, n) => numbered[n]?.text ?? parts[i]),
    close(compressed) {
      const out = [...parts];
      bodyIndices.forEach((i, n) => {
        const view = numbered[n];
        out[i] = view ? view.renumber(compressed[n]) : compressed[n];
      });
      return out.join('');
    },
  };
}

function splitWrapper(content: string): { parts: string[]; bodyIndices: number[] } | undefined {
  const headTail = HEAD_TAIL.exec(content);
  if (headTail) return { parts: headTail.slice(1), bodyIndices: [1, 3] };
  let rest = content;
  const reminders = REMINDERS.exec(rest);
  const suffix = reminders ? reminders[1] : '';
  if (reminders) rest = rest.slice(0, reminders.index);
  for (const wrapper of WRAPPERS) {
    const head = wrapper.head.exec(rest);
    if (!head) continue;
    const afterHead = rest.slice(head[0].length);
    const tail = wrapper.tail ? wrapper.tail.exec(afterHead) : undefined;
    if (wrapper.tail && !tail) continue;
    if (!head[0] && !tail) continue;
    const body = tail ? afterHead.slice(0, tail.index) : afterHead;
    return { parts: [head[0], body, tail ? tail[0] : '', suffix], bodyIndices: [1] };
  }
  return { parts: ['', rest, '', suffix], bodyIndices: [1] };
}

/** A range of body lines in a marker: `lines 40–82`. */
const LINE_RANGE = /\b(lines) (\d+)–(\d+)/g;
/** `     1→text` (Claude Code), `     1\ttext` (cat -n, nl -ba, Read), with numbers that rise. */
// `[^]` and not `.`: a line of a CRLF file still ends in `\r`.
const NUMBERED = /^( *)(\d+)(→|\t)([^]*)$/;

interface NumberedView {
  text: string;
  /** Puts each kept line's number back; markers and lines the compressor wrote stay as they are. */
  renumber(compressed: string): string;
}

function unnumber(body: string): NumberedView | undefined {
  const lines = body.split('\n');
  const trailingNewline = lines.length > 1 && lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  if (lines.length < 20) return undefined;
  const prefixes: string[] = [];
  const texts: string[] = [];
  let previous = -1;
  let matched = 0;
  for (const line of lines) {
    const m = NUMBERED.exec(line);
    if (m && Number(m[2]) > previous) {
      previous = Number(m[2]);
      matched++;
      prefixes.push(`${m[1]}${m[2]}${m[3]}`);
      texts.push(m[4]);
    } else {
      prefixes.push('');
      texts.push(line);
    }
  }
  if (matched < lines.length * 0.9) return undefined;
  const numberOf = (bodyLine: number) =>
    /(\d+)/.exec(prefixes[Math.min(prefixes.length, Math.max(1, bodyLine)) - 1])?.[1] ?? String(bodyLine);
  return {
    text: texts.join('\n') + (trailingNewline ? '\n' : ''),
    renumber(compressed) {
      const out: string[] = [];
      let next = 0;
      for (const line of compressed.split('\n')) {
        if (isMarkerLine(line)) {
          // A marker naming body lines names them by the view's own numbers, and what it
          // stands for is not searched again for the lines after it.
          out.push(
            line.replace(LINE_RANGE, (_all, word: string, a: string, b: string) => {
              next = Math.max(next, Math.min(texts.length, Number(b)));
              return `${word} ${numberOf(Number(a))}–${numberOf(Number(b))}`;
            }),
          );
          continue;
        }
        const { line: kept, count } = parseKeptLine(line);
        let found = -1;
        for (let i = next; i < texts.length; i++) {
          // Compressed output is joined with LF: a CRLF line comes back without its `\r`.
          if (texts[i] === kept || (texts[i].endsWith('\r') && texts[i].slice(0, -1) === kept)) {
            found = i;
            break;
          }
        }
        if (found < 0) {
          out.push(line);
          continue;
        }
        out.push(`${prefixes[found]}${kept}${count > 1 ? line.slice(kept.length) : ''}`);
        next = found + 1;
      }
      return out.join('\n');
    },
  };
}
