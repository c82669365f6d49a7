"""Synthesizes app.py and checks the template and the ServiceAccount manifests it writes."""
import json
import pathlib
import shutil

import pytest
import yaml

import app

ISSUER = app.ISSUER_URL.removeprefix("https://")
ACCOUNT = "123456789012"
OUTDIR = pathlib.Path(__file__).resolve().parent / "cdk.out"
# (namespace, name, an action its grant must give it)
SERVICE_ACCOUNTS = [("shop", "orders", "s3:GetObject*"), ("shop", "invoices", "s3:PutObject")]


@pytest.fixture(scope="module")
def synthesized():
    # A stale cdk.out must never pass for this run's output.
    shutil.rmtree(OUTDIR, ignore_errors=True)
    directory = pathlib.Path(app.synth(str(OUTDIR)))
    resources = json.loads((directory / "IrsaPython.template.json").read_text())["Resources"]
    manifests = [doc for f in sorted(directory.glob("*.k8s.yaml")) for doc in yaml.safe_load_all(f.read_text()) if doc]
    return resources, manifests


def of_type(resources, type_name):
    return {logical_id: r for logical_id, r in resources.items() if r["Type"] == type_name}


def role_of(resources, namespace, name):
    subject = f"system:serviceaccount:{namespace}:{name}"
    roles = {logical_id: r for logical_id, r in of_type(resources, "AWS::IAM::Role").items()
             if json.dumps(r["Properties"]["AssumeRolePolicyDocument"]).count(subject) > 0}
    assert len(roles) == 1, f"expected one role that trusts {subject}, found {sorted(roles)}"
    return next(iter(roles.items()))


def test_one_oidc_provider_for_the_issuer(synthesized):
    resources, _ = synthesized
    providers = of_type(resources, "AWS::IAM::OIDCProvider")
    assert [p["Properties"] for p in providers.values()] == [
        {"Url": app.ISSUER_URL, "ClientIdList": ["sts.amazonaws.com"]}]
    assert len(of_type(resources, "AWS::IAM::Role")) == len(SERVICE_ACCOUNTS)


@pytest.mark.parametrize("namespace,name,action", SERVICE_ACCOUNTS)
def test_role_trusts_exactly_the_service_account(synthesized, namespace, name, action):
    resources, _ = synthesized
    [provider_id] = of_type(resources, "AWS::IAM::OIDCProvider")
    _, role = role_of(resources, namespace, name)
    assert role["Properties"]["AssumeRolePolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [{
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Effect": "Allow",
            "Principal": {"Federated": {"Fn::GetAtt": [provider_id, "Arn"]}},
            "Condition": {"StringEquals": {
                f"{ISSUER}:sub": f"system:serviceaccount:{namespace}:{name}",
                f"{ISSUER}:aud": "sts.amazonaws.com",
            }},
        }],
    }


@pytest.mark.parametrize("namespace,name,action", SERVICE_ACCOUNTS)
def test_manifest_annotates_the_role_arn(synthesized, namespace, name, action):
    resources, manifests = synthesized
    _, role = role_of(resources, namespace, name)
    accounts = [m for m in manifests if m["kind"] == "ServiceAccount"
                and m["metadata"]["namespace"] == namespace and m["metadata"]["name"] == name]
    assert len(accounts) == 1
    assert accounts[0]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == \
        f"arn:aws:iam::{ACCOUNT}:role/{role['Properties']['RoleName']}"


@pytest.mark.parametrize("namespace,name,action", SERVICE_ACCOUNTS)
def test_grant_attaches_a_policy_to_the_role(synthesized, namespace, name, action):
    resources, _ = synthesized
    role_id, _ = role_of(resources, namespace, name)
    [bucket_id] = of_type(resources, "AWS::S3::Bucket")
    policies = [p["Properties"] for p in of_type(resources, "AWS::IAM::Policy").values()
                if p["Properties"]["Roles"] == [{"Ref": role_id}]]
    assert len(policies) == 1
    statements = policies[0]["PolicyDocument"]["Statement"]
    granted = [s for s in statements if action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    assert granted and bucket_id in json.dumps(granted[0]["Resource"])


def test_role_option_crosses_the_language_boundary(synthesized):
    resources, _ = synthesized
    assert role_of(resources, "shop", "invoices")[1]["Properties"]["MaxSessionDuration"] == 7200
    assert "MaxSessionDuration" not in role_of(resources, "shop", "orders")[1]["Properties"]


def test_deployment_in_the_chart_runs_as_the_service_account(synthesized):
    _, manifests = synthesized
    deployments = [m for m in manifests if m["kind"] == "Deployment"]
    assert [(d["metadata"]["namespace"], d["spec"]["template"]["spec"]["serviceAccountName"]) for d in deployments] == [
        ("shop", "invoices")]
