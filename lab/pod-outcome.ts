import { PodResult } from './irsa-lab';

/** How a pod got its role, told by its session name: the SDK names web-identity sessions, EKS names its own. */
export function outcomeOf(result: PodResult): string {
  if (result.assumed) return /\/eks-[^/]*$/.test(result.arn ?? '') ? 'assumed via EKS Pod Identity' : 'assumed via IRSA';
  return result.agentAnswer?.code ?? result.code!;
}

/** What the pod got, in one line: the assumed role, or the error (the agent's, for EKS Pod Identity). */
export function describeResult(result: PodResult): string {
  if (result.assumed) return `assumed ${result.arn}`;
  if (result.agentAnswer?.code) return `${result.agentAnswer.code}: ${result.agentAnswer.message}`;
  return `${result.code}: ${result.message}`;
}
