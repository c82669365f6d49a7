import { CfnJson, CfnResource, Stack } from 'aws-cdk-lib';
import { evaluateIntrinsics, IntrinsicResolver } from './cfn-intrinsics';

/** Placeholders use private-use characters: they survive JSON.parse and cannot occur in an IAM policy. */
const PLACEHOLDER = /\uE000(\d+)\uE001/;
const EVERY_PLACEHOLDER = new RegExp(PLACEHOLDER.source, 'g');
const ONLY_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/**
 * The resolved CloudFormation values of one stack, read as far as synth time allows.
 *
 * Intrinsics of known values are evaluated, a `CfnJson` in the stack is replaced by the JSON it holds, and every
 * other intrinsic becomes a placeholder string. Equal intrinsics get equal placeholders, so values derived from the
 * same deploy-time reference can still be compared.
 */
export class StackValues {
  private readonly placeholders = new Map<string, string>();
  private readonly intrinsics: unknown[] = [];
  private readonly resolver: IntrinsicResolver;
  private resources?: Map<string, CfnResource>;
  private cfnJsons?: Map<string, CfnJson>;

  constructor(private readonly stack: Stack) {
    this.resolver = {
      // References name what only a deployment creates; only a CfnJson's value is in the app already.
      ref: () => undefined,
      getAtt: (logicalId, attribute) => {
        const cfnJson = attribute === 'Value' ? this.cfnJson(logicalId) : undefined;
        return cfnJson ? this.readDocument(this.stack.resolve(cfnJson.toJSON())) : undefined;
      },
      importValue: () => undefined,
      unevaluated: intrinsic => this.placeholderOf(intrinsic),
      isKnown: value => !this.hasPlaceholder(JSON.stringify(value) ?? ''),
    };
  }

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
    return evaluateIntrinsics(value, this.resolver);
  }

  /** A JSON document, which may also be a JSON string with intrinsic parts (`Stack.toJsonString`). */
  public readDocument(value: unknown): unknown {
    const read = this.read(value);
    if (typeof read !== 'string' || this.intrinsicOf(read) !== undefined) return read;
    try {
      return JSON.parse(read);
    } catch {
      return read; // not JSON: the caller sees a string where it wanted a document
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

  /** Whether `text` has a deploy-time part. */
  public hasPlaceholder(text: string): boolean {
    return PLACEHOLDER.test(text);
  }

  /** Whether a value read by this class is only known at deploy time, as a whole or in part. */
  public isDeployTime(value: unknown): boolean {
    return typeof value === 'string' && this.hasPlaceholder(value);
  }

  /** Where the first deploy-time part of `text` starts, or -1. */
  public firstPlaceholderAt(text: string): number {
    return text.search(PLACEHOLDER);
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

  /** A CfnJson (aws-eks ServiceAccounts put their trust conditions in one) by the logical ID of its resource. */
  private cfnJson(logicalId: string): CfnJson | undefined {
    this.cfnJsons ??= new Map(this.stack.node.findAll()
      .filter((c): c is CfnJson => c instanceof CfnJson && Stack.of(c) === this.stack)
      .map(c => [(this.stack.resolve(c.value) as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0], c]));
    return this.cfnJsons.get(logicalId);
  }
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
