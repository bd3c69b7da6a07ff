/** `npm run bundle-workflows -- [out]`: the workflow code bundled once, for workers started with TEMPORAL_WORKFLOW_BUNDLE. */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { REPO_ROOT } from '../common/env';

export async function bundleWorkflows(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(REPO_ROOT, 'workflows') });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return outFile;
}

if (require.main === module) {
  const outFile = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist', 'workflow-bundle.js'));
  bundleWorkflows(outFile)
    .then((file) => console.log(`workflow bundle: ${file}`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
