/**
 * The rule for a cell of an exported spreadsheet (the same as the services', services/kernel/inert.py): text a
 * spreadsheet program would run as a formula gets a leading apostrophe (OWASP "CSV injection"). Triggers: = + - @,
 * tab, CR, LF and the full-width ＝ ＋ － ＠, also behind leading blanks. A plain signed number ("-5",
 * "+86 138 0000 0000") and a quoted constant of letters and digits (="360102200001010011") are left alone;
 * control characters that an xlsx cannot hold are dropped.
 */

const TRIGGER = /^[=+\-@\t\r\n＝＋－＠]/;
const BLANKS = /^[ \u00a0\u3000]+/;
const PLAIN_NUMBER = /^[+\-－＋]?[\d\s.,]+$/;
const TEXT_CONSTANT = /^="[\dA-Za-z]*"$/;
// eslint-disable-next-line no-control-regex
const UNWRITABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;

export function inertText(value: string): string {
  const text = value.replace(UNWRITABLE, "");
  const bare = text.replace(BLANKS, "");
  if (!TRIGGER.test(bare) || PLAIN_NUMBER.test(bare) || TEXT_CONSTANT.test(bare)) return text;
  return `'${text}`;
}
