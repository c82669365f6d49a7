package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	basecompatibility "k8s.io/component-base/compatibility"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

// What the API server is started with: these are kube-apiserver's own flags, parsed by its own options, so the list
// reads as the command line of a self-managed control plane.
type apiServerConfig struct {
	listener              net.Listener
	port                  int
	etcdURL               string
	serving               *keyPair
	caFile                string
	issuer                string
	key                   *signingKey
	serviceAccountJWKSURI string
	// The service-account flags exactly as given (by the ServiceAccountIssuer construct), instead of the lab's own.
	serviceAccountFlags []string
}

// The audience the API server accepts for its own authentication; ServiceAccount tokens for AWS ask for
// sts.amazonaws.com (IRSA) or pods.eks.amazonaws.com (Pod Identity) instead, which the TokenRequest API allows.
const apiAudience = "https://kubernetes.default.svc"

func (c apiServerConfig) flags() []string {
	flags := []string{
		"--etcd-servers=" + c.etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", c.port),
		// With its own address on loopback the API server refuses to publish itself as the kubernetes Service's
		// endpoint; nothing in the lab needs that Service.
		"--endpoint-reconciler-type=none",
		"--tls-cert-file=" + c.serving.certFile,
		"--tls-private-key-file=" + c.serving.keyFile,
		"--client-ca-file=" + c.caFile,
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--profiling=false",
	}
	if len(c.serviceAccountFlags) > 0 {
		return append(flags, c.serviceAccountFlags...)
	}
	// The five flags of a cluster that issues ServiceAccount tokens for IAM (see docs/self-managed-clusters.md).
	flags = append(flags,
		"--service-account-issuer="+c.issuer,
		"--service-account-key-file="+c.key.publicFile,
		"--service-account-signing-key-file="+c.key.privateFile,
		"--api-audiences="+apiAudience,
	)
	if c.serviceAccountJWKSURI != "" {
		flags = append(flags, "--service-account-jwks-uri="+c.serviceAccountJWKSURI)
	}
	return flags
}

// The flags --api-server-flag may set: those of the issuer's part, which the ServiceAccountIssuer construct gives.
var serviceAccountFlagNames = []string{
	"service-account-issuer", "service-account-jwks-uri", "api-audiences", "service-account-key-file", "service-account-signing-key-file",
}

// issuerOfFlags checks flags given with --api-server-flag and returns the issuer the API server signs with: the first
// --service-account-issuer.
func issuerOfFlags(flags []string) (string, error) {
	issuer := ""
	for _, flag := range flags {
		name, value, ok := strings.Cut(strings.TrimPrefix(flag, "--"), "=")
		if !ok || !strings.HasPrefix(flag, "--") || !slices.Contains(serviceAccountFlagNames, name) {
			return "", fmt.Errorf("--api-server-flag %s: give --name=value with one of the service-account flags (%s)",
				flag, strings.Join(serviceAccountFlagNames, ", "))
		}
		if name == "service-account-issuer" && issuer == "" {
			issuer = value
		}
	}
	if issuer == "" {
		return "", errors.New("--api-server-flag: the flags have no --service-account-issuer")
	}
	return issuer, nil
}

// startAPIServer runs kube-apiserver in this process until ctx ends. It does what the kube-apiserver command does
// with its flags, without the command's own signal handling: the lab stops everything in its own order.
func startAPIServer(ctx context.Context, c apiServerConfig) (*component, error) {
	s := options.NewServerRunOptions()
	named := s.Flags()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, set := range named.FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(c.flags()); err != nil {
		return nil, fmt.Errorf("kube-apiserver flags: %w", err)
	}
	s.SecureServing.Listener = c.listener
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return nil, err
	}
	featureGate := s.GenericServerRunOptions.ComponentGlobalsRegistry.FeatureGateFor(basecompatibility.DefaultKubeComponent)
	if err := logsapi.ValidateAndApply(s.Logs, featureGate); err != nil {
		return nil, err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return nil, err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return nil, utilerrors.NewAggregate(errs)
	}
	return runComponent("kube-apiserver", func() error { return app.Run(ctx, completed) }), nil
}
