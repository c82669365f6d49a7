import { CfnJson, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import { StackValues } from '../../src/private/stack-values';
import { testStack } from '../support/app';

function valuesOf(stack: Stack) {
  return new StackValues(stack);
}

describe('StackValues', () => {
  test('evaluates Fn::Join, Fn::Split and Fn::Select of known strings', () => {
    const stack = testStack();
    const values = valuesOf(stack);
    const arn = 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/X';
    expect(values.read(stack.resolve(Fn.select(1, Fn.split(':oidc-provider/', Fn.join('', ['arn:aws:iam::123456789012', ':oidc-provider/oidc.example.com/id/X']))))))
      .toBe('oidc.example.com/id/X');
    expect(values.read(stack.resolve({ a: [Fn.join('-', ['x', 'y'])], arn }))).toEqual({ a: ['x-y'], arn });
  });

  test('replaces other intrinsics with placeholders, equal ones with equal placeholders', () => {
    // GIVEN
    const stack = testStack();
    const values = valuesOf(stack);
    const param = new CfnParameter(stack, 'P').valueAsString;

    // WHEN
    const read = values.read(stack.resolve({ a: param, b: param, c: `prefix-${param}`, d: Fn.select(1, Fn.split('/', param)) })) as Record<string, string>;

    // THEN
    expect(read.a).toBe(read.b);
    expect(values.intrinsicOf(read.a)).toEqual({ Ref: 'P' });
    expect(read.c).toBe(`prefix-${read.a}`);
    expect(values.hasPlaceholder(read.c)).toBe(true);
    expect(values.intrinsicOf(read.c)).toBeUndefined();
    expect(values.intrinsicOf(read.d)).toEqual({ 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'P' }] }] });
    expect(values.placeholderOf({ Ref: 'P' })).toBe(read.a);
    expect(values.mapPlaceholders(read.c, i => JSON.stringify(i))).toBe('prefix-{"Ref":"P"}');
    expect(values.hasPlaceholder('plain')).toBe(false);
  });

  test('parses a JSON document rendered as a string with intrinsic parts', () => {
    const stack = testStack();
    const values = valuesOf(stack);
    const param = new CfnParameter(stack, 'P').valueAsString;
    const document = values.readDocument(stack.resolve(stack.toJsonString({ [`${param}:sub`]: 'x', list: [param] }))) as Record<string, unknown>;
    const [key] = Object.keys(document);
    expect(values.intrinsicOf(key.slice(0, -':sub'.length))).toEqual({ Ref: 'P' });
    expect(values.intrinsicOf((document.list as string[])[0])).toEqual({ Ref: 'P' });
  });

  test('leaves a document that is one deploy-time value, or not JSON, as it is', () => {
    const stack = testStack();
    const values = valuesOf(stack);
    const param = new CfnParameter(stack, 'P').valueAsString;
    expect(values.intrinsicOf(values.readDocument(stack.resolve(param)) as string)).toEqual({ Ref: 'P' });
    expect(values.readDocument('not json')).toBe('not json');
  });

  test('reads a CfnJson of the stack as the JSON it holds', () => {
    // GIVEN
    const stack = testStack();
    const param = new CfnParameter(stack, 'P').valueAsString;
    const json = new CfnJson(stack, 'Json', { value: { [`${param}:aud`]: 'sts.amazonaws.com' } });
    const values = valuesOf(stack);

    // WHEN
    const read = values.read(stack.resolve({ StringEquals: json })) as { StringEquals: Record<string, string> };

    // THEN
    const [[key, value]] = Object.entries(read.StringEquals);
    expect(value).toBe('sts.amazonaws.com');
    expect(key).toBe(`${values.placeholderOf({ Ref: 'P' })}:aud`);
  });

  test('finds resources by logical ID and renders their properties with overrides', () => {
    // GIVEN
    const stack = testStack();
    const resource = new CfnResource(stack, 'Thing', { type: 'Test::Thing', properties: { Url: 'https://a' } });
    resource.addPropertyOverride('Url', 'https://b');
    const values = valuesOf(stack);

    // THEN
    expect(values.resource(stack.resolve(resource.logicalId))).toBe(resource);
    expect(values.resource('Missing')).toBeUndefined();
    expect(values.resource({ Ref: 'Thing' })).toBeUndefined();
    expect(values.propertiesOf(resource)).toEqual({ Url: 'https://b' });
  });
});
