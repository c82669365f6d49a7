import * as fs from 'fs';
import * as path from 'path';

/** A synthesized stack: its template and, when the assembly records it, its environment. */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly account?: string;
  readonly region?: string;
}

export interface CfnTemplate {
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, any> }>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** A user-facing problem with the input: printed as is, without a stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Reads the stacks of a cloud assembly directory (`cdk.out`), including nested stages, or a single template file.
 */
export function readStacks(location: string): SynthesizedStack[] {
  if (!fs.existsSync(location)) {
    throw new InputError(`${location} does not exist. Run \`cdk synth\` first, or pass the cloud assembly directory ` +
      '(--app cdk.out) or a template file (--template <file>).');
  }
  if (fs.statSync(location).isDirectory()) return readAssembly(location);
  return [{ stackName: path.basename(location).replace(/\.template\.json$|\.json$/, ''), template: readJson(location) }];
}

function readAssembly(dir: string): SynthesizedStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new InputError(`${dir} is not a cloud assembly: it has no manifest.json. Run \`cdk synth\` (its output directory is cdk.out by default).`);
  }
  const manifest = readJson(manifestFile);
  const stacks: SynthesizedStack[] = [];
  for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
      stacks.push({
        stackName: artifact.properties?.stackName ?? artifact.displayName,
        template: readJson(path.join(dir, artifact.properties.templateFile)),
        account: env && env[1] !== 'unknown-account' ? env[1] : undefined,
        region: env && env[2] !== 'unknown-region' ? env[2] : undefined,
      });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
    }
  }
  if (stacks.length === 0) throw new InputError(`the cloud assembly ${dir} has no CloudFormation stacks.`);
  return stacks;
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}
