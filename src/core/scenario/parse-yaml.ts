/**
 * Reads one YAML document with the YAML library's lexer, parser and composer, stopping as soon as collections nest
 * too deeply. The library's composer recurses once per nesting level: thousands of `[` would exhaust the call stack
 * (and, near exhaustion, V8 can abort the process). The parser keeps an explicit stack of open collections, so its
 * depth is checked after every token, before anything recursive runs.
 */
import { Composer, Lexer, Parser, YAMLParseError, type Document } from 'yaml';

/** Never let collections nest deeper than this, whatever the limits say: the composer's recursion stays far from the stack's end. */
export const HARD_MAX_DEPTH = 256;

export type YamlRead =
  | { readonly doc: Document; readonly tooDeepAt?: undefined }
  | { readonly doc?: undefined; readonly tooDeepAt: number };

class TooDeep {
  constructor(readonly offset: number) {}
}

/**
 * `text` must already have VS Code's line breaks made YAML's (./parse-lines.ts yamlLineBreaks).
 * `maxDepth` is the nesting limit; the parser's stack (documents, collections, pending scalars) is allowed some
 * slack above it, so this check trips only on documents the exact check after composing would reject anyway.
 */
export function readYaml(text: string, maxDepth: number): YamlRead {
  const depth = Math.min(Math.max(1, maxDepth), HARD_MAX_DEPTH);
  const stackLimit = 2 * depth + 8;
  const lexer = new Lexer();
  const parser = new Parser();
  // where the stack first grew past the limit itself: the error points there, near the first level too many
  let firstOver: number | undefined;
  function* tokens() {
    for (const lexeme of lexer.lex(text)) {
      yield* parser.next(lexeme);
      const n = parser.stack.length;
      if (n > depth + 1 && firstOver === undefined) firstOver = parser.offset;
      if (n > stackLimit) throw new TooDeep(firstOver ?? parser.offset);
    }
    yield* parser.end();
  }
  const composer = new Composer({ intAsBigInt: true, uniqueKeys: true, version: '1.2' });
  let doc: Document | undefined;
  try {
    for (const d of composer.compose(tokens(), true, text.length)) {
      if (!doc) doc = d as Document;
      else {
        doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
        break;
      }
    }
  } catch (e) {
    if (e instanceof TooDeep) return { tooDeepAt: e.offset };
    throw e;
  }
  // compose(…, forceDoc = true) always ends with a document
  return { doc: doc as Document };
}
