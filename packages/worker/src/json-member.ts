/**
 * Removing one member from the text of a JSON object without re-serialising it: `JSON.stringify`
 * of the parsed value would reformat whitespace, rewrite escapes and numbers (`1.0` → `1`), and
 * round integers past 2^53 — the application must get the bytes its client sent, less our field.
 *
 * @internal
 * @module
 */

/** The end (exclusive) of the JSON string token that starts at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The end (exclusive) of the JSON value that starts at `start`. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first !== '{' && first !== '[') {
    let i = start;
    while (i < text.length && !/[\s,}\]]/.test(text[i] as string)) i++;
    return i;
  }
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = stringEnd(text, i);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
    if (depth === 0) return i;
  }
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/** One member of the top-level object: where its key starts and its value ends. */
interface Member {
  key: string;
  start: number;
  end: number;
}

function topLevelMembers(text: string): Member[] {
  const members: Member[] = [];
  let i = skipSpace(text, 0) + 1; // past `{`
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] !== '"') return members; // `}`: done
    const start = i;
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(start, keyEnd)) as string;
    i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past `:`
    const end = valueEnd(text, i);
    members.push({ key, start, end });
    i = skipSpace(text, end) + 1; // past `,` or `}`
  }
}

/**
 * `text` (valid JSON of an object, as `JSON.parse` accepted it) without its top-level members named
 * `key`, every other character unchanged.
 *
 * @example
 * withoutMember('{"type":"a", "n": 1.0, "wideline":{}}', 'wideline'); // '{"type":"a", "n": 1.0}'
 */
export function withoutMember(text: string, key: string): string {
  const members = topLevelMembers(text);
  const index = members.findIndex((m) => m.key === key);
  const member = members[index];
  if (!member) return text;
  const next = members[index + 1];
  const previous = members[index - 1];
  // Take the separator with it: the comma after (up to the next key), else the one before.
  const [from, to] = next
    ? [member.start, next.start]
    : previous
      ? [previous.end, member.end]
      : [member.start, member.end];
  // Duplicate keys (JSON.parse keeps the last): remove them all.
  return withoutMember(text.slice(0, from) + text.slice(to), key);
}
