// Converts IANA's "TLS Cipher Suites" registry as CSV (https://www.iana.org/assignments/tls-parameters/tls-parameters-4.csv)
// into core/knowledge/tls-cipher-suites.json: every assigned suite, and the GREASE values apart; ranges, "Unassigned" and
// the other "Reserved" rows are left out. Usage:
//   node scripts/convert-iana-cipher-suites.mjs <tls-parameters-4.csv> [--out FILE] [--retrieved YYYY-MM-DD] [--copy TEXT]
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import {
  InputError,
  UsageError,
  parseCommandLine,
  previousOutput,
  runConverter,
  writeOutput,
} from './lib/data-converter.mjs';

const SCHEMA = new URL('../core/knowledge/tls-cipher-suites.schema.json', import.meta.url);
const DEFAULT_OUT = 'core/knowledge/tls-cipher-suites.json';
const USAGE =
  'usage: node scripts/convert-iana-cipher-suites.mjs <tls-parameters-4.csv> [--out FILE] [--retrieved YYYY-MM-DD] [--copy TEXT]';
const HEADER = ['Value', 'Description', 'DTLS-OK', 'Recommended', 'Reference'];
const SOURCE = {
  title: 'IANA Transport Layer Security (TLS) Parameters: TLS Cipher Suites',
  url: 'https://www.iana.org/assignments/tls-parameters/tls-parameters-4.csv',
};

async function readText(path) {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') throw new InputError(`${path}: CSV file not found`);
    if (error.code === 'EISDIR') throw new InputError(`${path}: is a directory, not a file`);
    throw new InputError(`${path}: cannot read the CSV file (${error.code ?? error.message})`);
  }
}

/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a quoted field may hold commas, newlines and
 * doubled quotes (IANA's descriptions break lines inside quotes). Returns the records with the line each starts on.
 */
function parseCsv(text, path) {
  const records = [];
  let record = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push({ line: recordLine, fields: record });
    record = [];
    recordLine = line;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new InputError(`${path}: line ${opened}: a quoted field is never closed`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else {
          if (text[i] === '\n') line++;
          field += text[i++];
        }
      }
      i++;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new InputError(`${path}: line ${line}: text after the closing quote of a field`);
      }
    } else if (c === '"') {
      throw new InputError(`${path}: line ${line}: a quote inside an unquoted field`);
    } else if (c === ',') {
      endField();
      i++;
    } else if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      endRecord();
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length) endRecord();
  // A blank line is no record (the file's last newline, or an empty line).
  return records.filter(({ fields }) => fields.length > 1 || fields[0] !== '');
}

function yesNo(value, column, line, path) {
  if (value === 'Y') return true;
  if (value === 'N') return false;
  throw new InputError(`${path}: line ${line}: ${column} is "${value}", not Y or N`);
}

/** '0xC0,0x30' → 49200; ranges ('0x00,0x1C-1D', '0x01-09,*') → undefined. */
function singleCode(value, line, path) {
  const single = /^0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})$/.exec(value);
  if (single) return parseInt(single[1], 16) * 256 + parseInt(single[2], 16);
  if (/^0x[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2})?,(\*|0x[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2})?)$/.test(value)) return undefined;
  throw new InputError(`${path}: line ${line}: "${value}" is not a cipher suite value such as 0xC0,0x30`);
}

/** RFC 8701: both bytes equal, each 0x?A. */
function isGreasePattern(code) {
  return code >> 8 === (code & 0xff) && (code & 0x0f) === 0x0a;
}

function toRegistry(records, path) {
  const [header, ...rows] = records;
  if (!header || !isDeepStrictEqual(header.fields, HEADER)) {
    throw new InputError(`${path}: not IANA's tls-parameters-4.csv: the header is not "${HEADER.join(',')}"`);
  }
  const suites = [];
  const grease = [];
  const seenNames = new Set();
  for (const { line, fields } of rows) {
    if (fields.length !== HEADER.length)
      throw new InputError(`${path}: line ${line}: ${fields.length} fields, not ${HEADER.length}`);
    const [value, description, dtlsOk, recommended, reference] = fields;
    const code = singleCode(value, line, path);
    if (code === undefined || description === 'Unassigned') continue;
    const references = [...reference.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1].trim());
    if (description === 'Reserved' && references.includes('RFC8701')) {
      if (!isGreasePattern(code))
        throw new InputError(
          `${path}: line ${line}: ${value} is reserved for GREASE but is not of RFC 8701's form 0x?A,0x?A`,
        );
      grease.push(code);
      continue;
    }
    if (description.startsWith('Reserved')) continue;
    if (!/^TLS_[A-Za-z0-9_]+$/.test(description))
      throw new InputError(`${path}: line ${line}: "${description}" is not a cipher suite name`);
    if (seenNames.has(description)) throw new InputError(`${path}: line ${line}: ${description} is listed twice`);
    if (suites.length && code <= suites[suites.length - 1].code)
      throw new InputError(`${path}: line ${line}: ${value} is out of order or listed twice`);
    if (!references.length) throw new InputError(`${path}: line ${line}: ${description} has no reference`);
    seenNames.add(description);
    suites.push({
      code,
      name: description,
      dtlsOk: yesNo(dtlsOk, 'DTLS-OK', line, path),
      recommended: yesNo(recommended, 'Recommended', line, path),
      references,
    });
  }
  if (!suites.length) throw new InputError(`${path}: no cipher suite in the registry`);
  return { suites, grease };
}

/** JSON with one suite a line and the GREASE values on one, so that a change in IANA's registry is a one-line diff. */
function format({ source, grease, suites }) {
  const sourceText = JSON.stringify(source, null, 2).replace(/\n/g, '\n  ');
  const suitesText = suites.map((s) => `    ${JSON.stringify(s)}`).join(',\n');
  return `{\n  "source": ${sourceText},\n  "grease": ${JSON.stringify(grease)},\n  "suites": [\n${suitesText}\n  ]\n}\n`;
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    defaultOut: DEFAULT_OUT,
    options: { retrieved: { type: 'string' }, copy: { type: 'string' } },
  });
  if (options.retrieved !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.retrieved)) {
    throw new UsageError(`--retrieved takes a date as YYYY-MM-DD, not "${options.retrieved}"`);
  }
  const { suites, grease } = toRegistry(parseCsv(await readText(options.input), options.input), options.input);

  // Unchanged data keeps its source note, so regenerating it is not a change.
  const previous = await previousOutput(options.out);
  const unchanged =
    previous && isDeepStrictEqual(previous.suites, suites) && isDeepStrictEqual(previous.grease, grease);
  const source =
    unchanged && options.retrieved === undefined && options.copy === undefined
      ? previous.source
      : {
          ...SOURCE,
          retrieved: options.retrieved ?? new Date().toISOString().slice(0, 10),
          ...(options.copy && { copy: options.copy }),
        };
  const converted = { source, grease, suites };

  await writeOutput(converted, {
    schema: SCHEMA,
    format,
    input: options.input,
    out: options.out,
    contents: 'the cipher suites',
  });
  console.log(`${options.out}: ${suites.length} cipher suites and ${grease.length} GREASE values`);
}

await runConverter('convert-iana-cipher-suites', main);
