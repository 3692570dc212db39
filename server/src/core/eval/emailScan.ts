/**
 * The e-mail detector's matches, in linear time. Its rule is the regular expression
 * `[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}` (pii.ts keeps it as the
 * rule's statement), but a global scan with it is quadratic: from every position of a long run of
 * local-part characters (a base64 blob, a long token, a pasted log line) the engine reads to the
 * run's end looking for an `@`. One input of 100,000 letters and one address took 25 s; a
 * recording's event of 1 MB, hours.
 *
 * The same matches, found from the `@` signs instead: a local part cannot contain `@`, so a match
 * ending its local part before the `@` at `a` starts at the beginning of the run of local-part
 * characters before `a` (not before the previous match's end), and exists when the domain matches
 * right after `a`. The domain is matched with the rule's own expression, anchored, over a run that
 * ends at the next character no domain has (an `@` among them): each character is read a bounded
 * number of times.
 */
const LOCAL = /[A-Za-z0-9._%+-]/;
const DOMAIN = /[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;

export function* emailMatches(text: string): Generator<[number, number]> {
  let from = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (at < from) continue;
    let start = at;
    while (start > from && LOCAL.test(text[start - 1])) start--;
    if (start === at) continue;
    DOMAIN.lastIndex = at + 1;
    const domain = DOMAIN.exec(text);
    if (!domain) continue;
    from = at + 1 + domain[0].length;
    yield [start, from];
  }
}
