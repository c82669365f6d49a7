package languages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Synthesizes WorkloadsApp and checks the template and the ServiceAccount manifests it writes. */
class WorkloadsAppTest {
    static final String ISSUER = WorkloadsApp.ISSUER_URL.substring("https://".length());
    static final String ACCOUNT = "123456789012";
    static final Path OUTDIR = Paths.get("cdk.out").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode resources;
    static List<JsonNode> manifests = new ArrayList<>();

    @BeforeAll
    static void synthesize() throws IOException {
        // A stale cdk.out must never pass for this run's output.
        if (Files.exists(OUTDIR)) {
            try (Stream<Path> paths = Files.walk(OUTDIR)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
        Path dir = Paths.get(WorkloadsApp.synth(OUTDIR.toString()));
        resources = JSON.readTree(dir.resolve("IrsaJava.template.json").toFile()).get("Resources");
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".k8s.yaml")).sorted().collect(Collectors.toList())) {
                for (JsonNode doc : yaml.readValues(yaml.createParser(f.toFile()), JsonNode.class).readAll()) {
                    if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                        manifests.add(doc);
                    }
                }
            }
        }
    }

    static Map<String, JsonNode> ofType(final String type) {
        return StreamSupport.stream(((Iterable<Map.Entry<String, JsonNode>>) resources::fields).spliterator(), false)
            .filter(e -> e.getValue().get("Type").asText().equals(type))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    static Map.Entry<String, JsonNode> roleOf(final String namespace, final String name) {
        String subject = "system:serviceaccount:" + namespace + ":" + name;
        List<Map.Entry<String, JsonNode>> roles = ofType("AWS::IAM::Role").entrySet().stream()
            .filter(e -> e.getValue().at("/Properties/AssumeRolePolicyDocument").toString().contains(subject))
            .collect(Collectors.toList());
        assertEquals(1, roles.size(), "expected one role that trusts " + subject);
        return roles.get(0);
    }

    @Test
    void oneOidcProviderForTheIssuer() throws IOException {
        Map<String, JsonNode> providers = ofType("AWS::IAM::OIDCProvider");
        assertEquals(1, providers.size());
        assertEquals(JSON.readTree("{\"Url\": \"" + WorkloadsApp.ISSUER_URL + "\", \"ClientIdList\": [\"sts.amazonaws.com\"]}"),
            providers.values().iterator().next().get("Properties"));
        assertEquals(2, ofType("AWS::IAM::Role").size());
    }

    @ParameterizedTest
    @CsvSource({"shop,orders", "shop,invoices"})
    void roleTrustsExactlyTheServiceAccount(final String namespace, final String name) throws IOException {
        String providerId = ofType("AWS::IAM::OIDCProvider").keySet().iterator().next();
        JsonNode expected = JSON.readTree(String.join("\n",
            "{\"Version\": \"2012-10-17\", \"Statement\": [{",
            "  \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Effect\": \"Allow\",",
            "  \"Principal\": {\"Federated\": {\"Fn::GetAtt\": [\"" + providerId + "\", \"Arn\"]}},",
            "  \"Condition\": {\"StringEquals\": {",
            "    \"" + ISSUER + ":sub\": \"system:serviceaccount:" + namespace + ":" + name + "\",",
            "    \"" + ISSUER + ":aud\": \"sts.amazonaws.com\"}}}]}"));
        assertEquals(expected, roleOf(namespace, name).getValue().at("/Properties/AssumeRolePolicyDocument"));
    }

    @ParameterizedTest
    @CsvSource({"shop,orders", "shop,invoices"})
    void manifestAnnotatesTheRoleArn(final String namespace, final String name) {
        String roleName = roleOf(namespace, name).getValue().at("/Properties/RoleName").asText();
        List<JsonNode> accounts = manifests.stream()
            .filter(m -> m.get("kind").asText().equals("ServiceAccount"))
            .filter(m -> m.at("/metadata/namespace").asText().equals(namespace) && m.at("/metadata/name").asText().equals(name))
            .collect(Collectors.toList());
        assertEquals(1, accounts.size());
        assertEquals("arn:aws:iam::" + ACCOUNT + ":role/" + roleName,
            accounts.get(0).at("/metadata/annotations").get("eks.amazonaws.com/role-arn").asText());
    }

    @ParameterizedTest
    @CsvSource({"shop,orders,s3:GetObject*", "shop,invoices,s3:PutObject"})
    void grantAttachesAPolicyToTheRole(final String namespace, final String name, final String action) {
        String roleId = roleOf(namespace, name).getKey();
        String bucketId = ofType("AWS::S3::Bucket").keySet().iterator().next();
        List<JsonNode> policies = ofType("AWS::IAM::Policy").values().stream()
            .filter(p -> p.at("/Properties/Roles").toString().equals("[{\"Ref\":\"" + roleId + "\"}]"))
            .collect(Collectors.toList());
        assertEquals(1, policies.size());
        List<JsonNode> granted = StreamSupport.stream(policies.get(0).at("/Properties/PolicyDocument/Statement").spliterator(), false)
            .filter(s -> s.get("Action").isArray()
                ? StreamSupport.stream(s.get("Action").spliterator(), false).anyMatch(a -> a.asText().equals(action))
                : s.get("Action").asText().equals(action))
            .collect(Collectors.toList());
        assertFalse(granted.isEmpty(), "no statement grants " + action);
        assertTrue(granted.get(0).get("Resource").toString().contains(bucketId));
    }

    @Test
    void deploymentInTheChartRunsAsTheServiceAccount() {
        List<String> deployments = manifests.stream()
            .filter(m -> m.get("kind").asText().equals("Deployment"))
            .map(d -> d.at("/metadata/namespace").asText() + "/" + d.at("/spec/template/spec/serviceAccountName").asText())
            .collect(Collectors.toList());
        assertEquals(List.of("shop/invoices"), deployments);
    }

    @Test
    void roleOptionCrossesTheLanguageBoundary() {
        assertEquals(7200, roleOf("shop", "invoices").getValue().at("/Properties/MaxSessionDuration").asInt());
        assertTrue(roleOf("shop", "orders").getValue().at("/Properties/MaxSessionDuration").isMissingNode());
    }
}
