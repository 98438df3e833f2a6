import { describeRegistration, ensureDemoRegistered } from '../../core/demo/register.ts';
import { errorMessage } from '../../core/errors.ts';

/**
 * First start: the workbench opens with the demo collections and backbones registered. A failure here must
 * not keep the server from starting, so it is reported on stderr (stdout may be the API channel).
 */
export async function registerDemoOnStart(home: string, stderr: NodeJS.WritableStream, who: string): Promise<void> {
  if (process.env.LSR_NO_DEMO === '1') return;
  try {
    const result = await ensureDemoRegistered(home);
    stderr.write(`${who}: ${describeRegistration(result)}\n`);
  } catch (err) {
    stderr.write(`${who}: warning: could not register the demo: ${errorMessage(err)}\n`);
  }
}
