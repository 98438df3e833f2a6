import type { Command } from '../command.ts';
import { InputError } from '../../core/errors.ts';
import { DATASET_FORMATS } from '../../core/data/import-dataset.ts';
import type { DatasetFormat } from '../../core/data/dataset-record.ts';
import { importAndRegister } from '../../core/data/register-dataset.ts';
import { formatIssue } from '../../core/data/import-log.ts';

export const dataImportCommand: Command = {
  name: 'data import',
  summary: 'import a dataset (BEIR, TREC, MS MARCO or SMART) into the workspace and register it',
  usage: 'data import --format beir|trec|msmarco|smart PATH --name NAME [--replace] [--json]',
  booleanFlags: ['replace'],
  async run({ args, home, io, progress, signal }) {
    const format = args.required('format');
    if (!(DATASET_FORMATS as readonly string[]).includes(format)) {
      throw new InputError(`expected one of ${DATASET_FORMATS.join(', ')}, got "${format}"`, { field: '--format' });
    }
    const source = args.positionals[0];
    if (source === undefined) throw new InputError('is required (the file or folder to import)', { field: 'PATH' });
    const name = args.required('name');
    let issues = 0;
    const record = await importAndRegister(home, format as DatasetFormat, source, {
      name,
      replace: args.flag('replace'),
      signal,
      onProgress: (p) => progress(`importing ${name}: ${p.docs} docs, ${p.queries} queries, ${p.qrels} qrels, ${p.examples} examples`),
      onIssue: (issue) => {
        issues++;
        if (issues <= 20) io.stderr.write(`${issue.kind}: ${formatIssue(issue)}\n`);
        else if (issues === 21) io.stderr.write('(further issues are listed in dataset.json)\n');
      },
    });
    if (args.flag('json')) io.stdout.write(JSON.stringify(record) + '\n');
    else {
      const splits = Object.entries(record.splits).map(([s, n]) => `${s} ${n}`).join(', ');
      io.stdout.write(
        `${record.name}: ${record.docs} documents, ${record.queries} queries, qrels ${splits || 'none'}, ${record.trainingExamples} training examples` +
          (record.skippedLines ? `, ${record.skippedLines} malformed lines skipped` : '') +
          `\n${record.path}\n`,
      );
    }
  },
};
