/** The word for n things: `plural(1, 'flow')` is "flow", `plural(2, 'address', 'addresses')` is "addresses". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return n === 1 ? singular : pluralForm;
}

/** n and its word: `count(3, 'response')` is "3 responses". */
export function count(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${plural(n, singular, pluralForm)}`;
}
