import { AddonDefinition } from './addons/addon-definition';
import { ebsCsiDriver, EbsCsiDriverOptions } from './addons/aws-ebs-csi-driver';
import { efsCsiDriver } from './addons/aws-efs-csi-driver';
import { awsLoadBalancerController, AwsLoadBalancerControllerOptions } from './addons/aws-load-balancer-controller';
import { certManager, CertManagerOptions } from './addons/cert-manager';
import { cloudWatchObservability } from './addons/cloudwatch-observability';
import { clusterAutoscaler, ClusterAutoscalerOptions } from './addons/cluster-autoscaler';
import { externalDns, ExternalDnsOptions } from './addons/external-dns';
import { externalSecrets, ExternalSecretsOptions } from './addons/external-secrets';
import { karpenter, KarpenterOptions } from './addons/karpenter';
import { mountpointS3Csi, MountpointS3CsiOptions } from './addons/mountpoint-s3-csi';
import { vpcCni, VpcCniOptions } from './addons/vpc-cni';

/**
 * A Kubernetes add-on that calls AWS, with the least-privilege permissions it needs and the ServiceAccounts that need
 * them: pass one to `IIrsaCluster.addAddonRole`.
 *
 * Each preset trusts exactly the add-on's own ServiceAccounts (by name, in its default namespace) and grants what
 * the add-on's own project publishes, scoped to the resources you pass wherever the project's policy allows it.
 *
 * @example
 * declare const irsa: IrsaCluster;
 * declare const zone: route53.IHostedZone;
 * const dns = irsa.addAddonRole('ExternalDns', IrsaAddon.externalDns({ hostedZones: [zone] }));
 */
export class IrsaAddon {
  /**
   * The AWS Load Balancer Controller (`kube-system/aws-load-balancer-controller`), with the controller's published
   * IAM policy.
   */
  public static awsLoadBalancerController(options: AwsLoadBalancerControllerOptions = {}): IrsaAddon {
    return new IrsaAddon(awsLoadBalancerController(options));
  }

  /** The Amazon EBS CSI driver's controller (`kube-system/ebs-csi-controller-sa`), with `AmazonEBSCSIDriverPolicy`. */
  public static ebsCsiDriver(options: EbsCsiDriverOptions = {}): IrsaAddon {
    return new IrsaAddon(ebsCsiDriver(options));
  }

  /**
   * The Amazon EFS CSI driver (`kube-system/efs-csi-controller-sa` and `kube-system/efs-csi-node-sa`, each by its exact
   * name), with `AmazonEFSCSIDriverPolicy`.
   */
  public static efsCsiDriver(): IrsaAddon {
    return new IrsaAddon(efsCsiDriver());
  }

  /** The Amazon VPC CNI plugin (`kube-system/aws-node`), with `AmazonEKS_CNI_Policy` for IPv4 or the IPv6 policy. */
  public static vpcCni(options: VpcCniOptions = {}): IrsaAddon {
    return new IrsaAddon(vpcCni(options));
  }

  /** external-dns (`external-dns/external-dns`), allowed to change records in the given hosted zones only. */
  public static externalDns(options: ExternalDnsOptions): IrsaAddon {
    return new IrsaAddon(externalDns(options));
  }

  /** cert-manager (`cert-manager/cert-manager`), allowed to answer DNS-01 challenges in the given hosted zones only. */
  public static certManager(options: CertManagerOptions): IrsaAddon {
    return new IrsaAddon(certManager(options));
  }

  /** The Kubernetes cluster autoscaler (`kube-system/cluster-autoscaler`), allowed to scale the cluster's own groups. */
  public static clusterAutoscaler(options: ClusterAutoscalerOptions): IrsaAddon {
    return new IrsaAddon(clusterAutoscaler(options));
  }

  /** The Karpenter controller (`kube-system/karpenter`), scoped to the cluster, its node role and interruption queue. */
  public static karpenter(options: KarpenterOptions): IrsaAddon {
    return new IrsaAddon(karpenter(options));
  }

  /** The External Secrets Operator (`external-secrets/external-secrets`), allowed to read the given secrets and parameters. */
  public static externalSecrets(options: ExternalSecretsOptions): IrsaAddon {
    return new IrsaAddon(externalSecrets(options));
  }

  /** The Mountpoint for Amazon S3 CSI driver (`kube-system/s3-csi-driver-sa`), allowed to use the given buckets. */
  public static mountpointS3Csi(options: MountpointS3CsiOptions): IrsaAddon {
    return new IrsaAddon(mountpointS3Csi(options));
  }

  /**
   * The Amazon CloudWatch Observability add-on's agent (`amazon-cloudwatch/cloudwatch-agent`), with
   * `CloudWatchAgentServerPolicy`.
   */
  public static cloudWatchObservability(): IrsaAddon {
    return new IrsaAddon(cloudWatchObservability());
  }

  /** The add-on's name, such as `aws-load-balancer-controller`. */
  public readonly name: string;

  /** The namespace the add-on's chart or EKS add-on installs it into by default. */
  public readonly defaultNamespace: string;

  /** The names of the add-on's ServiceAccounts that call AWS, as its chart or EKS add-on creates them. */
  public readonly serviceAccountNames: string[];

  /**
   * The name of the EKS add-on (`AWS::EKS::Addon` `AddonName`).
   *
   * @default - none: the add-on is installed with Helm
   */
  public readonly eksAddonName?: string;

  /** The upstream document the permissions follow (a repository file, a guide, or an AWS managed policy). */
  public readonly policySource: string;

  /** The version of `policySource` the permissions follow. */
  public readonly policyVersion: string;

  private constructor(/** @internal */ public readonly _definition: AddonDefinition) {
    this.name = _definition.name;
    this.defaultNamespace = _definition.namespace;
    this.serviceAccountNames = [..._definition.serviceAccountNames];
    this.eksAddonName = _definition.eksAddonName;
    this.policySource = _definition.policySource.document;
    this.policyVersion = _definition.policySource.version;
  }
}
