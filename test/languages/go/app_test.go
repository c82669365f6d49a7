package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"gopkg.in/yaml.v3"
)

const account = "123456789012"

var issuer = strings.TrimPrefix(IssuerURL, "https://")

type resource struct {
	Type       string
	Properties map[string]interface{}
}

var (
	resources map[string]resource
	manifests []map[string]interface{}
)

// TestMain synthesizes the app once; every test reads what it wrote.
func TestMain(m *testing.M) {
	outdir, err := filepath.Abs("cdk.out")
	if err != nil {
		panic(err)
	}
	// A stale cdk.out must never pass for this run's output.
	if err := os.RemoveAll(outdir); err != nil {
		panic(err)
	}
	dir := Synth(outdir)
	raw, err := os.ReadFile(filepath.Join(dir, "IrsaGo.template.json"))
	if err != nil {
		panic(err)
	}
	var template struct{ Resources map[string]resource }
	if err := json.Unmarshal(raw, &template); err != nil {
		panic(err)
	}
	resources = template.Resources
	files, _ := filepath.Glob(filepath.Join(dir, "*.k8s.yaml"))
	sort.Strings(files)
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		decoder := yaml.NewDecoder(strings.NewReader(string(content)))
		for {
			var doc map[string]interface{}
			if err := decoder.Decode(&doc); err != nil {
				break
			}
			if doc != nil {
				manifests = append(manifests, doc)
			}
		}
	}
	code := m.Run()
	// Stops the jsii kernel process and removes the directory it was unpacked into.
	jsii.Close()
	os.Exit(code)
}

func ofType(typeName string) map[string]resource {
	found := map[string]resource{}
	for id, r := range resources {
		if r.Type == typeName {
			found[id] = r
		}
	}
	return found
}

func onlyKey(t *testing.T, m map[string]resource) string {
	t.Helper()
	if len(m) != 1 {
		t.Fatalf("expected exactly one resource, found %d", len(m))
	}
	for id := range m {
		return id
	}
	return ""
}

func roleOf(t *testing.T, namespace, name string) (string, resource) {
	t.Helper()
	subject := "system:serviceaccount:" + namespace + ":" + name
	matching := map[string]resource{}
	for id, r := range ofType("AWS::IAM::Role") {
		doc, _ := json.Marshal(r.Properties["AssumeRolePolicyDocument"])
		if strings.Contains(string(doc), subject) {
			matching[id] = r
		}
	}
	id := onlyKey(t, matching)
	return id, matching[id]
}

// asJSON turns a literal into the shape encoding/json decodes templates into, so reflect.DeepEqual compares them.
func asJSON(t *testing.T, value interface{}) interface{} {
	t.Helper()
	raw, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	var decoded interface{}
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	return decoded
}

var serviceAccounts = []struct{ namespace, name, action string }{
	{"shop", "orders", "s3:GetObject*"},
	{"shop", "invoices", "s3:PutObject"},
}

func TestOneOidcProviderForTheIssuer(t *testing.T) {
	providers := ofType("AWS::IAM::OIDCProvider")
	id := onlyKey(t, providers)
	want := asJSON(t, map[string]interface{}{"Url": IssuerURL, "ClientIdList": []string{"sts.amazonaws.com"}})
	if got := asJSON(t, providers[id].Properties); !reflect.DeepEqual(got, want) {
		t.Errorf("provider properties: got %v, want %v", got, want)
	}
	if n := len(ofType("AWS::IAM::Role")); n != len(serviceAccounts) {
		t.Errorf("got %d roles, want %d", n, len(serviceAccounts))
	}
}

func TestRoleTrustsExactlyTheServiceAccount(t *testing.T) {
	providerID := onlyKey(t, ofType("AWS::IAM::OIDCProvider"))
	for _, sa := range serviceAccounts {
		_, role := roleOf(t, sa.namespace, sa.name)
		want := asJSON(t, map[string]interface{}{
			"Version": "2012-10-17",
			"Statement": []interface{}{map[string]interface{}{
				"Action":    "sts:AssumeRoleWithWebIdentity",
				"Effect":    "Allow",
				"Principal": map[string]interface{}{"Federated": map[string]interface{}{"Fn::GetAtt": []string{providerID, "Arn"}}},
				"Condition": map[string]interface{}{"StringEquals": map[string]interface{}{
					issuer + ":sub": "system:serviceaccount:" + sa.namespace + ":" + sa.name,
					issuer + ":aud": "sts.amazonaws.com",
				}},
			}},
		})
		if got := asJSON(t, role.Properties["AssumeRolePolicyDocument"]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s/%s trust policy:\n got %v\nwant %v", sa.namespace, sa.name, got, want)
		}
	}
}

func TestManifestAnnotatesTheRoleArn(t *testing.T) {
	for _, sa := range serviceAccounts {
		_, role := roleOf(t, sa.namespace, sa.name)
		var found []map[string]interface{}
		for _, m := range manifests {
			meta, _ := m["metadata"].(map[string]interface{})
			if m["kind"] == "ServiceAccount" && meta["namespace"] == sa.namespace && meta["name"] == sa.name {
				found = append(found, meta)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%s/%s: found %d ServiceAccount manifests, want 1", sa.namespace, sa.name, len(found))
		}
		annotations, _ := found[0]["annotations"].(map[string]interface{})
		want := "arn:aws:iam::" + account + ":role/" + role.Properties["RoleName"].(string)
		if got := annotations["eks.amazonaws.com/role-arn"]; got != want {
			t.Errorf("%s/%s role-arn annotation: got %v, want %v", sa.namespace, sa.name, got, want)
		}
	}
}

func TestGrantAttachesAPolicyToTheRole(t *testing.T) {
	bucketID := onlyKey(t, ofType("AWS::S3::Bucket"))
	for _, sa := range serviceAccounts {
		roleID, _ := roleOf(t, sa.namespace, sa.name)
		attached := map[string]resource{}
		for id, p := range ofType("AWS::IAM::Policy") {
			if reflect.DeepEqual(asJSON(t, p.Properties["Roles"]), asJSON(t, []interface{}{map[string]string{"Ref": roleID}})) {
				attached[id] = p
			}
		}
		policy := attached[onlyKey(t, attached)]
		granted := false
		statements := policy.Properties["PolicyDocument"].(map[string]interface{})["Statement"].([]interface{})
		for _, s := range statements {
			statement := s.(map[string]interface{})
			actions, _ := json.Marshal(statement["Action"])
			resourcesOf, _ := json.Marshal(statement["Resource"])
			if strings.Contains(string(actions), `"`+sa.action+`"`) && strings.Contains(string(resourcesOf), bucketID) {
				granted = true
			}
		}
		if !granted {
			t.Errorf("%s/%s: no statement grants %s on %s", sa.namespace, sa.name, sa.action, bucketID)
		}
	}
}

func TestDeploymentInTheChartRunsAsTheServiceAccount(t *testing.T) {
	var deployments []string
	for _, m := range manifests {
		if m["kind"] != "Deployment" {
			continue
		}
		meta, _ := m["metadata"].(map[string]interface{})
		spec, _ := m["spec"].(map[string]interface{})
		template, _ := spec["template"].(map[string]interface{})
		podSpec, _ := template["spec"].(map[string]interface{})
		deployments = append(deployments, meta["namespace"].(string)+"/"+podSpec["serviceAccountName"].(string))
	}
	if want := []string{"shop/invoices"}; !reflect.DeepEqual(deployments, want) {
		t.Errorf("deployments: got %v, want %v", deployments, want)
	}
}

func TestRoleOptionCrossesTheLanguageBoundary(t *testing.T) {
	if _, writer := roleOf(t, "shop", "invoices"); writer.Properties["MaxSessionDuration"] != float64(7200) {
		t.Errorf("invoices MaxSessionDuration: got %v, want 7200", writer.Properties["MaxSessionDuration"])
	}
	if _, reader := roleOf(t, "shop", "orders"); reader.Properties["MaxSessionDuration"] != nil {
		t.Errorf("orders MaxSessionDuration: got %v, want none", reader.Properties["MaxSessionDuration"])
	}
}
