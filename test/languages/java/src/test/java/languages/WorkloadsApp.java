package languages;

import io.github.example.cdkirsa.IrsaCluster;
import io.github.example.cdkirsa.IrsaServiceAccount;
import io.github.example.cdkirsa.IrsaServiceAccountOptions;
import java.util.List;
import java.util.Map;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;
import org.cdk8s.plus27.ContainerProps;
import org.cdk8s.plus27.Deployment;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/** A CDK app in Java that uses cdk-irsa as a Java user would. */
public final class WorkloadsApp {
    public static final String ISSUER_URL = "https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2";

    static final class WorkloadsStack extends Stack {
        WorkloadsStack(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);
            Bucket bucket = new Bucket(this, "Data");

            // docs/languages.md's three lines: the ServiceAccount is an iam.IPrincipal, so grants go to its role.
            IrsaCluster irsa = IrsaCluster.Builder.create(this, "Irsa").issuerUrl(ISSUER_URL).build();
            IrsaServiceAccount reader = irsa.addServiceAccount("Reader", IrsaServiceAccountOptions.builder().namespace("shop").name("orders").build());
            bucket.grantRead(reader);

            // The constructor, with a role option (IrsaRoleOptions is generated from iam.RoleProps), in a chart of our
            // own: the ServiceAccount takes the chart's namespace, and a Deployment in the chart runs as it.
            Chart chart = new Chart(new org.cdk8s.App(), "invoicing", ChartProps.builder().namespace("shop").build());
            IrsaServiceAccount writer = IrsaServiceAccount.Builder.create(this, "Writer")
                .cluster(irsa).chart(chart).name("invoices").maxSessionDuration(Duration.hours(2)).build();
            bucket.grantPut(writer);
            Deployment.Builder.create(chart, "Invoicer")
                .serviceAccount(writer.getServiceAccount())
                .containers(List.of(ContainerProps.builder()
                    .image("public.ecr.aws/aws-cli/aws-cli:2.22.0")
                    .command(List.of("aws", "sts", "get-caller-identity"))
                    .build()))
                .build();
        }
    }

    /** Synthesizes the app into outdir, with the built-in CloudFormation validation failing on errors. */
    public static String synth(final String outdir) {
        App app = new App(AppProps.builder()
            .outdir(outdir)
            .context(Map.of("@aws-cdk/core:validateAgainstDefaultRules", true))
            .build());
        new WorkloadsStack(app, "IrsaJava", StackProps.builder()
            .env(Environment.builder().account("123456789012").region("eu-west-2").build())
            .build());
        return app.synth().getDirectory();
    }

    private WorkloadsApp() {
    }
}
