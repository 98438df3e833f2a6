// SMART-format collections (Cranfield, MED, ADI): a record starts with ".I <id>"; a field starts with a marker
// alone on its line (".T", ".A", ".B", ".W", ...) and runs to the next marker. LF or CRLF line endings.
import { detokenizePunctuation, normalizeLine } from './corpus-lines.mjs';

const RECORD = /^\.I(?:\s+(\S+))?\s*$/;
const FIELD = /^\.([A-Z])\s*$/;

/** Records as { id, fields } with each field's lines joined by '\n' (trailing blanks kept as in the file). */
export function parseSmart(text, file = 'collection') {
  const records = [];
  let record = null;
  let field = null;
  text.split(/\r?\n/).forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    const rec = RECORD.exec(line);
    if (rec) {
      if (rec[1] === undefined) throw new Error(`${where}: field .I: missing record id`);
      record = { id: rec[1], fields: {} };
      records.push(record);
      field = null;
      return;
    }
    const marker = FIELD.exec(line);
    if (marker) {
      if (!record) throw new Error(`${where}: field .${marker[1]}: marker before the first .I record`);
      field = marker[1];
      record.fields[field] ??= '';
      return;
    }
    if (line.trim() === '' && (!record || !field)) return;
    if (!record) throw new Error(`${where}: text before the first .I record`);
    if (!field) throw new Error(`${where}: field .I ${record.id}: text outside any field marker`);
    const prev = record.fields[field];
    record.fields[field] = prev === '' ? line : `${prev}\n${line}`;
  });
  return records;
}

function fieldText(record, name) {
  const raw = record.fields[name];
  return raw === undefined ? '' : detokenizePunctuation(normalizeLine(raw));
}

/**
 * One corpus line per record: the title (.T) followed by the text (.W); the title is left out when the text
 * already starts with it (as in Cranfield, whose abstracts repeat the title).
 */
export function smartDocumentLines(records) {
  const out = [];
  for (const record of records) {
    const title = fieldText(record, 'T');
    const body = fieldText(record, 'W');
    let line;
    if (title === '') line = body;
    else if (body === '') line = title;
    else if (body.toLowerCase().startsWith(title.toLowerCase())) line = body;
    else line = `${title}${/[.!?:]$/.test(title) ? '' : '.'} ${body}`;
    if (line !== '') out.push(line);
  }
  return out;
}
