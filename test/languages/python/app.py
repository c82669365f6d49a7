"""A CDK app in Python that uses cdk-irsa as a Python user would, installed from the wheel in dist/python."""
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from cdk_irsa import IrsaCluster, IrsaServiceAccount

ISSUER_URL = "https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2"


class WorkloadsStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        bucket = s3.Bucket(self, "Data")

        # The README's three lines: the ServiceAccount is an iam.IPrincipal, so grants go to its role.
        irsa = IrsaCluster(self, "Irsa", issuer_url=ISSUER_URL)
        reader = irsa.add_service_account("Reader", namespace="shop", name="orders")
        bucket.grant_read(reader)

        # The constructor, with a role option (IrsaRoleOptions is generated from iam.RoleProps).
        writer = IrsaServiceAccount(self, "Writer", cluster=irsa, namespace="shop", name="invoices",
                                    max_session_duration=cdk.Duration.hours(2))
        bucket.grant_put(writer)


def synth(outdir: str) -> str:
    """Synthesizes the app into outdir, with the built-in CloudFormation validation failing on errors."""
    app = cdk.App(outdir=outdir, context={"@aws-cdk/core:validateAgainstDefaultRules": True})
    WorkloadsStack(app, "IrsaPython", env=cdk.Environment(account="123456789012", region="eu-west-2"))
    return app.synth().directory
