/**
 * HTML for the printed forms, escaped by construction: `html` is a tagged template whose every
 * interpolated value is escaped unless it is markup `html` itself made. A title, a comment or a
 * department name typed by someone can therefore never become markup on a form (or in the
 * Chromium that prints it).
 */

/** Markup made by `html`: inserted as it is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML: every character that could open markup or leave an attribute is an entity. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

type Value = Markup | string | number | null | undefined | false | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<td>${title}</td>\``: the title escaped; lists joined; null, undefined and false left out. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Markup(out);
}

/** Text whose line breaks stay line breaks on paper. */
export const lines = (text: string | null | undefined): Markup =>
  new Markup(
    (text ?? '')
      .split(/\r?\n/)
      .map((l) => escapeHtml(l))
      .join('<br>'),
  );
