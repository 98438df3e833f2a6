import type { Command } from '../command.ts';
import { openWorkspaceStore } from '../../core/store/store.ts';

export const dataListCommand: Command = {
  name: 'data list',
  summary: 'list the registered datasets',
  usage: 'data list [--json]',
  async run({ args, home, io }) {
    const store = openWorkspaceStore(home);
    try {
      const records = store.datasets.list();
      if (args.flag('json')) {
        io.stdout.write(JSON.stringify(records) + '\n');
        return;
      }
      if (records.length === 0) io.stdout.write('no datasets (see lsr data import)\n');
      for (const r of records) {
        const splits = Object.entries(r.splits).map(([s, n]) => `${s}:${n}`).join(' ');
        io.stdout.write(`${r.name.padEnd(20)} ${r.format.padEnd(8)} ${String(r.docs).padStart(8)} docs ${String(r.queries).padStart(6)} queries  ${splits}\n`);
      }
    } finally {
      store.close();
    }
  },
};
