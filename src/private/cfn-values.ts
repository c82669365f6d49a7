import { CfnJson, CfnResource, Stack } from 'aws-cdk-lib';

/** Placeholders use private-use characters: they survive JSON.parse and cannot occur in an IAM policy. */
const PLACEHOLDER = /\uE000(\d+)\uE001/;
const EVERY_PLACEHOLDER = new RegExp(PLACEHOLDER.source, 'g');
const ONLY_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/**
 * The resolved CloudFormation values of one stack, read as far as synth time allows.
 *
 * `Fn::Join`, `Fn::Split` and `Fn::Select` of known strings are evaluated, a `CfnJson` in the stack is replaced by
 * the JSON it holds, and every other intrinsic becomes a placeholder string. Equal intrinsics get equal
 * placeholders, so values derived from the same deploy-time reference can still be compared.
 */
export class StackValues {
  private readonly placeholders = new Map<string, string>();
  private readonly intrinsics: unknown[] = [];
  private resources?: Map<string, CfnResource>;
  private cfnJsons?: Map<string, CfnJson>;

  constructor(private readonly stack: Stack) {}

  /**
   * The properties CloudFormation receives for `resource`. `_toCloudFormation` applies escape-hatch overrides,
   * which the typed L1 properties do not show, and an audit must see what is deployed.
   */
  public propertiesOf(resource: CfnResource): Record<string, unknown> {
    const rendered = this.stack.resolve(resource._toCloudFormation()) as { Resources?: Record<string, { Properties?: Record<string, unknown> }> };
    return Object.values(rendered.Resources ?? {})[0]?.Properties ?? {};
  }

  /** `value` with every intrinsic that cannot be evaluated at synth time replaced by a placeholder. */
  public read(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(v => this.read(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && isIntrinsicName(entries[0][0])) {
      return this.readIntrinsic(entries[0][0], entries[0][1], value);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.read(v)]));
  }

  /** A JSON document, which may also be a JSON string with intrinsic parts (`Stack.toJsonString`). */
  public readDocument(value: unknown): unknown {
    const read = this.read(value);
    if (typeof read !== 'string' || this.intrinsicOf(read) !== undefined) return read;
    try {
      return JSON.parse(read);
    } catch {
      return read;
    }
  }

  /** The placeholder that stands for `intrinsic`. */
  public placeholderOf(intrinsic: unknown): string {
    const key = canonicalJson(intrinsic);
    let placeholder = this.placeholders.get(key);
    if (placeholder === undefined) {
      placeholder = `\uE000${this.intrinsics.length}\uE001`;
      this.intrinsics.push(intrinsic);
      this.placeholders.set(key, placeholder);
    }
    return placeholder;
  }

  /** The intrinsic that `text` stands for, when `text` is exactly one placeholder. */
  public intrinsicOf(text: string): unknown {
    const match = ONLY_PLACEHOLDER.exec(text);
    return match ? this.intrinsics[Number(match[1])] : undefined;
  }

  public hasPlaceholder(text: string): boolean {
    return PLACEHOLDER.test(text);
  }

  /** `text` with each placeholder replaced by `replace(intrinsic)`. */
  public mapPlaceholders(text: string, replace: (intrinsic: unknown) => string): string {
    return text.replace(EVERY_PLACEHOLDER, (_, index: string) => replace(this.intrinsics[Number(index)]));
  }

  /** The resource of this stack with the given logical ID. */
  public resource(logicalId: unknown): CfnResource | undefined {
    this.resources ??= new Map(this.stack.node.findAll()
      .filter(CfnResource.isCfnResource)
      .filter(r => Stack.of(r) === this.stack)
      .map(r => [this.stack.resolve(r.logicalId) as string, r]));
    return typeof logicalId === 'string' ? this.resources.get(logicalId) : undefined;
  }

  private readIntrinsic(name: string, args: unknown, intrinsic: unknown): unknown {
    const list = Array.isArray(args) ? args : [];
    if (name === 'Fn::Join' && typeof list[0] === 'string' && Array.isArray(list[1])) {
      const parts = (list[1] as unknown[]).map(p => this.read(p));
      if (parts.every(p => typeof p === 'string')) return parts.join(list[0]);
    }
    if (name === 'Fn::Split' && typeof list[0] === 'string') {
      const source = this.read(list[1]);
      if (typeof source === 'string' && !this.hasPlaceholder(source)) return source.split(list[0]);
    }
    if (name === 'Fn::Select' && typeof list[0] === 'number') {
      const options = this.read(list[1]);
      if (Array.isArray(options) && list[0] < options.length) return options[list[0]];
    }
    if (name === 'Fn::GetAtt' && list[1] === 'Value') {
      const cfnJson = this.cfnJson(list[0]);
      if (cfnJson) return this.readDocument(this.stack.resolve(cfnJson.toJSON()));
    }
    return this.placeholderOf(intrinsic);
  }

  /** A CfnJson (aws-eks ServiceAccounts put their trust conditions in one) by the logical ID of its resource. */
  private cfnJson(logicalId: unknown): CfnJson | undefined {
    this.cfnJsons ??= new Map(this.stack.node.findAll()
      .filter((c): c is CfnJson => c instanceof CfnJson && Stack.of(c) === this.stack)
      .map(c => [(this.stack.resolve(c.value) as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0], c]));
    return typeof logicalId === 'string' ? this.cfnJsons.get(logicalId) : undefined;
  }
}

function isIntrinsicName(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

/** JSON with sorted keys, so equal intrinsics have equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
