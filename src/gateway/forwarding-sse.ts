/**
 * Incremental reader of an upstream `text/event-stream` (the user's streaming route, §4.2): lines end
 * with `\n`, `\r\n` or `\r`; `data:` lines accumulate (joined by `\n`); a blank line dispatches the
 * event; comments (`:`) and other fields are ignored. An unterminated last event is dropped, as the
 * EventSource readers of the forwarder do.
 */
export class SseReader {
  private buffer = "";
  private data: string[] = [];
  /** A chunk ended with `\r`: a `\n` starting the next chunk belongs to the same line break. */
  private isAfterCr = false;

  /** Feeds decoded text; returns the data of every event completed by it. */
  push(chunk: string): string[] {
    const text = this.isAfterCr && chunk.startsWith("\n") ? chunk.slice(1) : chunk;
    this.isAfterCr = false;
    // The buffer never holds a line break, so scanning starts at the new text.
    const source = this.buffer + text;
    const events: string[] = [];
    let start = 0;
    for (let i = this.buffer.length; i < source.length; i++) {
      const char = source.charCodeAt(i);
      if (char !== 0x0a && char !== 0x0d) continue;
      this.line(source.slice(start, i), events);
      if (char === 0x0d) {
        if (i + 1 === source.length) this.isAfterCr = true;
        else if (source.charCodeAt(i + 1) === 0x0a) i++;
      }
      start = i + 1;
    }
    this.buffer = source.slice(start);
    return events;
  }

  private line(line: string, events: string[]): void {
    if (line === "") {
      if (this.data.length > 0) events.push(this.data.join("\n"));
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== "data") return;
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    this.data.push(value);
  }
}
