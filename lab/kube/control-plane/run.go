package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

type runOptions struct {
	kubeconfig, webhookBinary, issuer, jwksURI, signingKey, signingKeyType, logFile string
	port                                                                            int
	webhookLookupGracePeriod                                                        time.Duration
	apiServerFlags                                                                  []string
}

func parseRunOptions(args []string) (runOptions, error) {
	var o runOptions
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "where to write a cluster-admin kubeconfig once the cluster is ready (required; removed on exit)")
	fs.StringVar(&o.webhookBinary, "webhook", "", "the pod identity webhook binary to run and register (default: none, for a webhook the caller installs)")
	fs.StringVar(&o.issuer, "issuer", "", "the ServiceAccount token issuer (--service-account-issuer) (default: the API server's own URL)")
	fs.StringVar(&o.jwksURI, "jwks-uri", "", "the JWKS URI the discovery document names (--service-account-jwks-uri) (default: the API server's /openid/v1/jwks)")
	fs.StringVar(&o.signingKey, "signing-key", "", "a PEM private key (RSA >= 2048 bits or ECDSA P-256) to sign ServiceAccount tokens with (default: a new one)")
	fs.StringVar(&o.signingKeyType, "signing-key-type", "rsa", "the kind of key to generate when --signing-key is not given: rsa (2048 bits, RS256) or ecdsa (P-256, ES256)")
	fs.DurationVar(&o.webhookLookupGracePeriod, "webhook-lookup-grace-period", 0, "the webhook's --service-account-lookup-grace-period: how long it waits for a ServiceAccount its cache lacks (0, its default: not at all)")
	fs.Func("api-server-flag", "a service-account flag of kube-apiserver, --name=value, used instead of the lab's own (repeat it; "+
		"with it, --issuer and --jwks-uri are not used, and --signing-key must be the key the flags sign with)", func(value string) error {
		o.apiServerFlags = append(o.apiServerFlags, value)
		return nil
	})
	fs.IntVar(&o.port, "port", 0, "the API server's port on 127.0.0.1 (0: one the system chooses)")
	fs.StringVar(&o.logFile, "log", "", "where the components log (default: control-plane.log in the run's temp directory, removed on exit)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.kubeconfig == "" {
		return o, errors.New("--kubeconfig is required")
	}
	var err error
	if o.kubeconfig, err = filepath.Abs(o.kubeconfig); err != nil {
		return o, err
	}
	if len(o.apiServerFlags) > 0 {
		if o.issuer != "" || o.jwksURI != "" {
			return o, errors.New("--api-server-flag sets the issuer: leave out --issuer and --jwks-uri")
		}
		if o.signingKey == "" {
			return o, errors.New("--api-server-flag needs --signing-key: the key of its --service-account-signing-key-file, which the controller manager signs with too")
		}
		if o.issuer, err = issuerOfFlags(o.apiServerFlags); err != nil {
			return o, err
		}
	}
	if o.issuer != "" && !strings.HasPrefix(o.issuer, "https://") {
		return o, fmt.Errorf("--issuer %s: IAM trusts only https:// issuers", o.issuer)
	}
	return o, nil
}

// run starts the cluster, prints one line when it is ready, and stops everything on SIGINT or SIGTERM, when its
// parent dies, or when a component fails; the exit status is 0 only after a requested stop.
func run(args []string) int {
	o, err := parseRunOptions(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab:kube: %v\n", err)
		return 2
	}
	// A lab whose parent was killed stops too, so no control plane outlives the test run that started it.
	parent := os.Getppid()
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0)
	if os.Getppid() != parent {
		return 1
	}
	dir, err := claimStateDir(o.kubeconfig)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab:kube: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := refuseExistingKubeconfig(o.kubeconfig); err != nil {
		fmt.Fprintf(os.Stderr, "lab:kube: %v\n", err)
		return 1
	}
	if o.logFile == "" {
		o.logFile = filepath.Join(dir, "control-plane.log")
	}
	console, log, err := redirectLogs(o.logFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab:kube: %v\n", err)
		return 1
	}
	defer log.Close()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cluster, err := start(ctx, o, dir, log)
	if cluster != nil {
		defer cluster.stop()
	}
	if err != nil {
		fmt.Fprintf(console, "lab:kube: %v\n%s", err, lastLines(o.logFile, 30))
		return 1
	}
	defer os.Remove(o.kubeconfig)
	fmt.Printf("lab:kube ready: server %s issuer %s kubeconfig %s\n", cluster.server, cluster.issuer, o.kubeconfig)

	select {
	case <-ctx.Done():
		return 0
	case err := <-cluster.failed:
		fmt.Fprintf(console, "lab:kube: %v\n%s", err, lastLines(o.logFile, 30))
		return 1
	}
}

// A running lab: what it started, to stop in reverse order.
type cluster struct {
	server, issuer string
	failed         chan error
	cancel         context.CancelFunc
	apiServer      *component
	etcdClose      func()
	webhook        *exec.Cmd
}

func start(parent context.Context, o runOptions, dir string, log io.Writer) (*cluster, error) {
	ca, err := newAuthority()
	if err != nil {
		return nil, err
	}
	caFile := filepath.Join(dir, "ca.crt")
	if err := os.WriteFile(caFile, ca.certPEM, 0o600); err != nil {
		return nil, err
	}
	key, err := signingKeyOf(dir, o.signingKey, o.signingKeyType)
	if err != nil {
		return nil, err
	}
	listener, port, err := listenOn(o.port)
	if err != nil {
		return nil, err
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	issuer := o.issuer
	if issuer == "" {
		issuer = server
	}
	etcd, etcdURL, err := startEtcd(dir)
	if err != nil {
		listener.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(parent)
	c := &cluster{server: server, issuer: issuer, failed: make(chan error, 3), cancel: cancel, etcdClose: etcd.Close}

	serving, err := ca.serving(dir, "kube-apiserver")
	if err != nil {
		return c, err
	}
	c.apiServer, err = startAPIServer(ctx, apiServerConfig{
		listener: listener, port: port, etcdURL: etcdURL, serving: serving, caFile: caFile,
		issuer: issuer, key: key, serviceAccountJWKSURI: o.jwksURI, serviceAccountFlags: o.apiServerFlags,
	})
	if err != nil {
		return c, err
	}
	admin, err := kubeconfigFor(dir, "admin", "cdk-irsa-lab-admin", server, ca, "system:masters")
	if err != nil {
		return c, err
	}
	client, err := clientOf(admin)
	if err != nil {
		return c, err
	}
	if err := waitForReady(ctx, client, c.apiServer); err != nil {
		return c, err
	}
	if err := publishIssuerDiscovery(ctx, client); err != nil {
		return c, err
	}

	controllerManager, err := kubeconfigFor(dir, "kube-controller-manager", "system:kube-controller-manager", server, ca)
	if err != nil {
		return c, err
	}
	controllers, err := startControllerManager(ctx, controllerManagerConfig{kubeconfig: controllerManager, caFile: caFile, key: key})
	if err != nil {
		return c, err
	}
	watch(c.failed, controllers)
	watch(c.failed, c.apiServer)

	if o.webhookBinary != "" {
		if err := c.startAndRegisterWebhook(ctx, client, o, dir, server, ca, log); err != nil {
			return c, err
		}
	}
	if err := waitForDefaultServiceAccount(ctx, client, c.failed); err != nil {
		return c, err
	}
	if err := writeKubeconfig(o.kubeconfig, server, ca.certPEM, mustReadPair(dir, "admin")); err != nil {
		return c, err
	}
	return c, recordOwner(dir, owner{PID: os.Getpid(), Kubeconfig: o.kubeconfig, Server: server})
}

// stop ends the webhook, then the controllers and the API server, then etcd. The API server drains its requests
// for as long as watches stay open (10 s and more); the lab's state is thrown away, so it gets 3 s.
func (c *cluster) stop() {
	if c.webhook != nil && c.webhook.Process != nil {
		_ = c.webhook.Process.Signal(syscall.SIGTERM)
	}
	c.cancel()
	if c.apiServer != nil {
		select {
		case <-c.apiServer.done:
		case <-time.After(3 * time.Second):
		}
	}
	c.etcdClose()
	if c.webhook != nil && c.webhook.Process != nil {
		_ = c.webhook.Process.Kill()
	}
}

// Anyone may read the issuer's discovery document and keys, as IAM must for a self-managed cluster; by default
// only ServiceAccounts may.
func publishIssuerDiscovery(ctx context.Context, client kubernetes.Interface) error {
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "service-account-issuer-discovery-public"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:service-account-issuer-discovery"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "system:unauthenticated"}},
	}
	_, err := client.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{})
	return err
}

func waitForReady(ctx context.Context, client kubernetes.Interface, apiServer *component) error {
	deadline := time.After(60 * time.Second)
	for {
		status := 0
		client.CoreV1().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&status)
		if status == 200 {
			return nil
		}
		select {
		case <-apiServer.done:
			return fmt.Errorf("kube-apiserver stopped before it was ready: %v", apiServer.err)
		case <-deadline:
			return errors.New("kube-apiserver was not ready within 60 s")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// The serviceaccount controller creates `default` in every namespace: once it is there, the controllers run.
func waitForDefaultServiceAccount(ctx context.Context, client kubernetes.Interface, failed <-chan error) error {
	deadline := time.After(60 * time.Second)
	for {
		if _, err := client.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err == nil {
			return nil
		}
		select {
		case err := <-failed:
			return err
		case <-deadline:
			return errors.New("kube-controller-manager created no default ServiceAccount within 60 s")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func kubeconfigFor(dir, name, user, server string, ca *authority, groups ...string) (string, error) {
	pair, err := ca.client(dir, name, user, groups...)
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, name+".kubeconfig")
	return file, writeKubeconfig(file, server, ca.certPEM, pair)
}

func mustReadPair(dir, name string) *keyPair {
	certPEM, _ := os.ReadFile(filepath.Join(dir, name+".crt"))
	keyPEM, _ := os.ReadFile(filepath.Join(dir, name+".key"))
	return &keyPair{certPEM: certPEM, keyPEM: keyPEM}
}

func clientOf(kubeconfig string) (kubernetes.Interface, error) {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(config)
}

// redirectLogs sends everything the components write to stderr (klog, etcd, a panic) to the log file, and returns
// the original stderr for the lab's own messages.
func redirectLogs(file string) (*os.File, *os.File, error) {
	log, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log %s: %w", file, err)
	}
	original, err := unix.Dup(int(os.Stderr.Fd()))
	if err != nil {
		return nil, nil, err
	}
	if err := unix.Dup2(int(log.Fd()), int(os.Stderr.Fd())); err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(original), "console"), log, nil
}

func lastLines(file string, n int) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	var lines []string
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return fmt.Sprintf("last lines of %s:\n%s\n", file, strings.Join(lines, "\n"))
}
