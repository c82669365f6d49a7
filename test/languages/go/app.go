// Package app is a CDK app in Go that uses cdk-irsa as a Go user would, from the module jsii-pacmak built into
// dist/go (see the replace directives in go.mod).
package app

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus27/v2"
	"github.com/example/cdk-irsa-go/cdkirsa"
)

// IssuerURL is the cluster's OIDC issuer.
const IssuerURL = "https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2"

// NewWorkloadsStack defines two ServiceAccounts whose roles may use one bucket.
func NewWorkloadsStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, props)
	bucket := awss3.NewBucket(stack, jsii.String("Data"), nil)

	// docs/languages.md's three lines: the ServiceAccount is an iam.IPrincipal, so grants go to its role.
	irsa := cdkirsa.NewIrsaCluster(stack, jsii.String("Irsa"), &cdkirsa.IrsaClusterProps{IssuerUrl: jsii.String(IssuerURL)})
	reader := irsa.AddServiceAccount(jsii.String("Reader"), &cdkirsa.IrsaServiceAccountOptions{Namespace: jsii.String("shop"), Name: jsii.String("orders")})
	bucket.GrantRead(reader, nil)

	// The constructor, with a role option (IrsaRoleOptions is generated from iam.RoleProps), in a chart of our own:
	// the ServiceAccount takes the chart's namespace, and a Deployment in the chart runs as it.
	chart := cdk8s.NewChart(cdk8s.NewApp(nil), jsii.String("invoicing"), &cdk8s.ChartProps{Namespace: jsii.String("shop")})
	writer := cdkirsa.NewIrsaServiceAccount(stack, jsii.String("Writer"), &cdkirsa.IrsaServiceAccountProps{
		Cluster:            irsa,
		Chart:              chart,
		Name:               jsii.String("invoices"),
		MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(2)),
	})
	bucket.GrantPut(writer, nil)
	cdk8splus27.NewDeployment(chart, jsii.String("Invoicer"), &cdk8splus27.DeploymentProps{
		ServiceAccount: writer.ServiceAccount(),
		Containers: &[]*cdk8splus27.ContainerProps{{
			Image:   jsii.String("public.ecr.aws/aws-cli/aws-cli:2.22.0"),
			Command: jsii.Strings("aws", "sts", "get-caller-identity"),
		}},
	})
	return stack
}

// Synth synthesizes the app into outdir, with the built-in CloudFormation validation failing on errors, and
// returns the cloud assembly directory.
func Synth(outdir string) string {
	app := awscdk.NewApp(&awscdk.AppProps{
		Outdir:  jsii.String(outdir),
		Context: &map[string]interface{}{"@aws-cdk/core:validateAgainstDefaultRules": true},
	})
	NewWorkloadsStack(app, "IrsaGo", &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-2")},
	})
	return *app.Synth(nil).Directory()
}
