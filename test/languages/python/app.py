"""A CDK app in Python that uses cdk-irsa as a Python user would, installed from the wheel in dist/python."""
import aws_cdk as cdk
import cdk8s
import cdk8s_plus_27 as kplus
from aws_cdk import aws_s3 as s3
from cdk_irsa import IrsaCluster, IrsaServiceAccount

ISSUER_URL = "https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2"


class WorkloadsStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        bucket = s3.Bucket(self, "Data")

        # docs/languages.md's three lines: the ServiceAccount is an iam.IPrincipal, so grants go to its role.
        irsa = IrsaCluster(self, "Irsa", issuer_url=ISSUER_URL)
        reader = irsa.add_service_account("Reader", namespace="shop", name="orders")
        bucket.grant_read(reader)

        # The constructor, with a role option (IrsaRoleOptions is generated from iam.RoleProps), in a chart of our
        # own: the ServiceAccount takes the chart's namespace, and a Deployment in the chart runs as it.
        chart = cdk8s.Chart(cdk8s.App(), "invoicing", namespace="shop")
        writer = IrsaServiceAccount(self, "Writer", cluster=irsa, chart=chart, name="invoices",
                                    max_session_duration=cdk.Duration.hours(2))
        bucket.grant_put(writer)
        kplus.Deployment(chart, "Invoicer", service_account=writer.service_account, containers=[
            kplus.ContainerProps(image="public.ecr.aws/aws-cli/aws-cli:2.22.0", command=["aws", "sts", "get-caller-identity"])])


def synth(outdir: str) -> str:
    """Synthesizes the app into outdir, with the built-in CloudFormation validation failing on errors."""
    app = cdk.App(outdir=outdir, context={"@aws-cdk/core:validateAgainstDefaultRules": True})
    WorkloadsStack(app, "IrsaPython", env=cdk.Environment(account="123456789012", region="eu-west-2"))
    return app.synth().directory
