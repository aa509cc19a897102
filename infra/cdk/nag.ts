import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The shortest reason we accept for acknowledging a cdk-nag finding. */
export const MIN_REASON_LENGTH = 40;

/**
 * Acknowledges one cdk-nag finding on one construct (and its children only), with a written reason.
 * Every acknowledgement of the app goes through here, so a vague reason fails at synth time.
 */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  if (!/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/.test(id)) {
    throw new Error(`Not a cdk-nag AwsSolutions finding id: ${id}`);
  }
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`The acknowledgement of ${id} on ${construct.node.path} needs a specific reason`);
  }
  Validations.of(construct).acknowledge({ id, reason });
}

/**
 * The finding id cdk-nag reports for a wildcard resource in an IAM policy: `AwsSolutions-IAM5[Resource::…]`
 * with CloudFormation references flattened the way cdk-nag flattens them (`<AWS::Region>`,
 * `<LogicalId.Attr>`), so the id stays right whether the stack is environment-agnostic or not.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flatten(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (o['Fn::ImportValue'] !== undefined) return flatten(o['Fn::ImportValue']);
    if (o.Ref !== undefined) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
