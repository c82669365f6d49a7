// The pod identity webhook for the lab: amazon-eks-pod-identity-webhook's own ServiceAccount cache and Pod mutation
// handler (its pkg/cache and pkg/handler at the version go.mod pins), served over TLS on 127.0.0.1 only. Its main
// package listens on every interface, for the webhook and for metrics, and the lab's servers listen on loopback
// alone; everything a Pod's mutation depends on is the upstream code, with upstream's flags and defaults for it, so
// the command line of a Deployment of the upstream image runs here too (the flags that only serve --in-cluster=true are
// accepted and have no effect).
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/amazon-eks-pod-identity-webhook/pkg"
	"github.com/aws/amazon-eks-pod-identity-webhook/pkg/cache"
	"github.com/aws/amazon-eks-pod-identity-webhook/pkg/containercredentials"
	"github.com/aws/amazon-eks-pod-identity-webhook/pkg/handler"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	// The flags keep upstream's names and defaults.
	kubeconfig := flag.String("kubeconfig", "", "the API server kubeconfig file")
	tlsCert := flag.String("tls-cert", "", "TLS certificate file")
	tlsKey := flag.String("tls-key", "", "TLS key file")
	port := flag.Int("port", 443, "port to listen on, on 127.0.0.1")
	gracePeriod := flag.Duration("service-account-lookup-grace-period", 0, "how long to wait for a ServiceAccount missing from the cache before not mutating its Pod")
	annotationPrefix := flag.String("annotation-prefix", "eks.amazonaws.com", "the ServiceAccount annotation prefix to look for")
	audience := flag.String("token-audience", "sts.amazonaws.com", "the default audience for tokens")
	tokenExpiration := flag.Int64("token-expiration", pkg.DefaultTokenExpiration, "the token expiration, in seconds")
	region := flag.String("aws-default-region", "", "if set, AWS_DEFAULT_REGION and AWS_REGION are set to it in mutated containers")
	regionalSTS := flag.Bool("sts-regional-endpoint", false, "whether to set AWS_STS_REGIONAL_ENDPOINTS=regional in mutated containers")
	inCluster := flag.Bool("in-cluster", true, "in-cluster authentication and certificates from a CertificateSigningRequest: the lab needs false")
	flag.String("namespace", "eks", "(in-cluster) the webhook's namespace")
	flag.String("service-name", "pod-identity-webhook", "(in-cluster) the webhook's Service")
	flag.Bool("logtostderr", true, "klog's flag, which upstream's command line sets: logs go to stderr here anyway")
	flag.Parse()
	// Dies with whatever started it (the control plane, or a test): a lab leaves no webhook listening behind.
	parent := os.Getppid()
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0); errno != 0 || os.Getppid() != parent {
		fail("could not tie the webhook's life to its parent's (errno %d)", errno)
	}
	if *inCluster {
		fail("--in-cluster=true makes the webhook request its certificate and read the in-cluster configuration; the lab runs it with --in-cluster=false and a --kubeconfig")
	}

	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fail("kubeconfig: %v", err)
	}
	config.QPS, config.Burst = 50, 50
	clientset, err := kubernetes.NewForConfig(config)
	if err != nil {
		fail("client: %v", err)
	}
	informerFactory := informers.NewSharedInformerFactory(clientset, 60*time.Second)
	serviceAccounts := informerFactory.Core().V1().ServiceAccounts()
	// Upstream's flag handling: its main raises a token expiration under the minimum to it.
	saCache := cache.New(*audience, *annotationPrefix, *regionalSTS, pkg.ValidateMinTokenExpiration(*tokenExpiration),
		serviceAccounts, nil, cache.ComposeRoleArn{}, clientset.CoreV1())
	stop := make(chan struct{})
	informerFactory.Start(stop)
	saCache.Start(stop)

	// Pod Identity needs no mutation by this webhook in the lab (EKS Auth is emulated), but the handler expects a
	// container-credentials configuration: upstream's defaults, with no ServiceAccount in it.
	containerCredentials := containercredentials.NewFileConfig("pods.eks.amazonaws.com",
		"/var/run/secrets/pods.eks.amazonaws.com/serviceaccount", "eks-pod-identity-token", "eks-pod-identity-token",
		"http://169.254.170.23/v1/credentials")
	modifier := handler.NewModifier(rand.New(rand.NewSource(time.Now().UnixNano())),
		handler.WithAnnotationDomain(*annotationPrefix),
		handler.WithServiceAccountCache(saCache),
		handler.WithRegion(*region),
		handler.WithContainerCredentialsConfig(containerCredentials),
		handler.WithSALookupGraceTime(*gracePeriod),
	)

	mux := http.NewServeMux()
	mux.Handle("/mutate", handler.Apply(http.HandlerFunc(modifier.Handle), handler.Logging()))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	server := &http.Server{Addr: fmt.Sprintf("127.0.0.1:%d", *port), Handler: mux}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-signals
		close(stop)
		_ = server.Close()
	}()
	if err := server.ListenAndServeTLS(*tlsCert, *tlsKey); err != http.ErrServerClosed {
		fail("serving: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pod-identity-webhook: "+format+"\n", args...)
	os.Exit(1)
}
