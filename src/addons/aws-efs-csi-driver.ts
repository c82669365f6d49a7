import { AddonDefinition } from './addon-definition';

/**
 * The EFS CSI driver's controller (`kube-system/efs-csi-controller-sa`) creates and deletes access points; its node
 * plugin (`kube-system/efs-csi-node-sa`) mounts file systems, and the EKS user guide gives both the same role. Both are
 * trusted, by their exact names: the guide widens the trust to `efs-csi-*` (StringLike) instead, which would also admit
 * any other ServiceAccount in `kube-system` whose name starts that way.
 *
 * Chart `aws-efs-csi-driver/aws-efs-csi-driver`, EKS add-on `aws-efs-csi-driver`; the chart's ServiceAccounts are
 * `controller.serviceAccount` and `node.serviceAccount` (`templates/controller-serviceaccount.yaml` and
 * `templates/node-serviceaccount.yaml` of `kubernetes-sigs/aws-efs-csi-driver`, each with `create`, `name` and
 * `annotations`). Permissions: the AWS managed policy `AmazonEFSCSIDriverPolicy`, nothing else.
 */
export function efsCsiDriver(): AddonDefinition {
  return {
    name: 'aws-efs-csi-driver',
    namespace: 'kube-system',
    serviceAccountNames: ['efs-csi-controller-sa', 'efs-csi-node-sa'],
    eksAddonName: 'aws-efs-csi-driver',
    policySource: { document: 'AWS managed policy service-role/AmazonEFSCSIDriverPolicy', version: 'v1 (2023-07-25)' },
    managedPolicyNames: ['service-role/AmazonEFSCSIDriverPolicy'],
    statements: () => [],
    helmValues: ([controller, node]) => ({
      controller: { serviceAccount: { create: true, ...controller } },
      node: { serviceAccount: { create: true, ...node } },
    }),
  };
}
