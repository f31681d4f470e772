/**
 * Line/column positions the way VS Code counts them: `\r\n`, `\n` and a lone `\r` each end a line. Diagnostics
 * from the parser use these, so every position lies inside the text an editor shows, whatever the line endings.
 */
import type { SourcePos } from './ast';

export class LineTable {
  /** offset of the first character of each line */
  private readonly starts: number[] = [0];
  /** offset just past each line's last character (before its line break) */
  private readonly ends: number[] = [];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.ends.push(i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
    this.ends.push(text.length);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line and column of a UTF-16 offset; offsets past a line's end (inside its break) clamp to just past its last character. */
  linePos(offset: number): { line: number; col: number } {
    const o = Math.min(Math.max(0, Number.isFinite(offset) ? Math.floor(offset) : 0), this.text.length);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    const col = Math.min(o, this.ends[lo]) - this.starts[lo] + 1;
    return { line: lo + 1, col };
  }

  /** The source range [start, end) as a SourcePos (end never before start). */
  range(start: number, end: number): SourcePos {
    const a = this.linePos(start);
    const b = this.linePos(Math.max(start, end));
    return { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  }
}

/**
 * The text the YAML library reads: each lone `\r` (not followed by `\n`) becomes `\n`. The YAML library breaks lines
 * only at `\n` and `\r\n`; VS Code also at a lone `\r`. Same length, so offsets into either text are the same.
 */
export function yamlLineBreaks(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r(?!\n)/g, '\n');
}
