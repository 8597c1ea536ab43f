/**
 * Reads a CSV file as RFC 4180 writes it (fields in double quotes may hold commas, line breaks and
 * doubled quotes; lines end with CRLF or LF), for tests that check a file the page produced. Written
 * from the RFC's grammar, not from the page's writer, so the two do not share a mistake.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) throw new Error('the file ends inside a quoted field');
  // A last line without its line break still counts.
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
