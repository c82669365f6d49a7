package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"syscall"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// The names the upstream deployment of amazon-eks-pod-identity-webhook uses for its configuration and webhook.
const (
	webhookConfigurationName = "pod-identity-webhook"
	webhookName              = "pod-identity-webhook.amazonaws.com"
	webhookUser              = "pod-identity-webhook"
)

type webhookConfig struct {
	binary     string
	kubeconfig string
	serving    *keyPair
	caPEM      []byte
	log        io.Writer
	// How long the webhook waits for a ServiceAccount its cache does not have yet (0, upstream's default: not at all).
	lookupGracePeriod time.Duration
}

// startWebhook runs the pod identity webhook as a child process that dies with this one (a killed lab leaves no
// webhook behind), and waits until it answers on its port.
func startWebhook(c webhookConfig) (*exec.Cmd, string, *component, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", nil, err
	}
	cmd := exec.Command(c.binary,
		"--in-cluster=false",
		"--kubeconfig="+c.kubeconfig,
		"--tls-cert="+c.serving.certFile,
		"--tls-key="+c.serving.keyFile,
		fmt.Sprintf("--port=%d", port),
		"--service-account-lookup-grace-period="+c.lookupGracePeriod.String(),
	)
	cmd.Stdout, cmd.Stderr = c.log, c.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, "", nil, fmt.Errorf("the pod identity webhook did not start: %w", err)
	}
	url := fmt.Sprintf("https://127.0.0.1:%d", port)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.caPEM)
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	exited := runComponent("the pod identity webhook", cmd.Wait)
	deadline := time.After(30 * time.Second)
	for {
		if response, err := client.Get(url + "/healthz"); err == nil {
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return cmd, url, exited, nil
			}
		}
		select {
		case <-exited.done:
			return nil, "", nil, fmt.Errorf("the pod identity webhook exited before it answered: %v", exited.err)
		case <-deadline:
			_ = cmd.Process.Kill()
			return nil, "", nil, fmt.Errorf("the pod identity webhook did not answer on %s within 30 s", url)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// startAndRegisterWebhook runs the lab's pod identity webhook as a user with upstream's permissions and registers it.
func (c *cluster) startAndRegisterWebhook(ctx context.Context, client kubernetes.Interface, o runOptions, dir, server string, ca *authority, log io.Writer) error {
	webhookKubeconfig, err := kubeconfigFor(dir, "pod-identity-webhook", webhookUser, server, ca)
	if err != nil {
		return err
	}
	webhookServing, err := ca.serving(dir, "pod-identity-webhook")
	if err != nil {
		return err
	}
	var webhookURL string
	var webhookExited *component
	c.webhook, webhookURL, webhookExited, err = startWebhook(webhookConfig{
		binary: o.webhookBinary, kubeconfig: webhookKubeconfig, serving: webhookServing, caPEM: ca.certPEM, log: log,
		lookupGracePeriod: o.webhookLookupGracePeriod,
	})
	if err != nil {
		return err
	}
	watch(c.failed, webhookExited)
	if err := registerWebhook(ctx, client, webhookURL, ca.certPEM); err != nil {
		return err
	}
	return nil
}

// registerWebhook gives the webhook what its upstream deployment gives it (read access to ServiceAccounts) and
// registers it for Pod creation, as upstream's deploy/mutatingwebhook.yaml does, with the URL of the process on
// loopback in place of a Service.
//
// admissionReviewVersions is v1beta1 only, as upstream's manifest has it: v0.6.17 answers a v1 review without
// apiVersion and kind, which the API server rejects ("expected webhook response of admission.k8s.io/v1"); the fix
// (amazon-eks-pod-identity-webhook#310) is in no release the Go module proxy serves.
func registerWebhook(ctx context.Context, client kubernetes.Interface, url string, caPEM []byte) error {
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: webhookUser},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"serviceaccounts"}, Verbs: []string{"get", "watch", "list"}}},
	}
	if _, err := client.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		return err
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: webhookUser},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: webhookUser},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: webhookUser}},
	}
	if _, err := client.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		return err
	}
	mutate := url + "/mutate"
	ignore := admissionregistrationv1.Ignore
	none := admissionregistrationv1.SideEffectClassNone
	configuration := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: webhookConfigurationName},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:                    webhookName,
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &mutate, CABundle: caPEM},
			Rules:                   []admissionregistrationv1.RuleWithOperations{podCreation()},
			FailurePolicy:           &ignore,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1beta1"},
			ObjectSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "eks.amazonaws.com/skip-pod-identity-webhook", Operator: metav1.LabelSelectorOpDoesNotExist},
			}},
		}},
	}
	_, err := client.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, configuration, metav1.CreateOptions{})
	return err
}

func podCreation() admissionregistrationv1.RuleWithOperations {
	return admissionregistrationv1.RuleWithOperations{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
		Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
	}
}
