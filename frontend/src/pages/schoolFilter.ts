/** Case- and width-insensitive match on 院校代码 or 院校名称. */
export function normaliseKeyword(value: string): string {
  return value
    .replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, "")
    .toLowerCase();
}

export function filterSchools<T extends { code: string; name: string }>(schools: T[], keyword: string): T[] {
  const k = normaliseKeyword(keyword);
  if (!k) return schools;
  return schools.filter((s) => s.code.includes(k) || normaliseKeyword(s.name).includes(k));
}
