package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app/options"
)

// The controllers the lab's proofs need, and no more: ServiceAccounts (each namespace's `default`) and the legacy
// token Secrets, the workload controllers that turn a Deployment, StatefulSet, DaemonSet, Job or CronJob into Pods,
// and the collectors that clean up after deletions. Node, volume and network controllers have nothing to do
// without nodes and would only cost memory.
var labControllers = []string{
	"serviceaccount-controller",
	"serviceaccount-token-controller",
	"root-ca-certificate-publisher-controller",
	"deployment-controller",
	"replicaset-controller",
	"statefulset-controller",
	"daemonset-controller",
	"job-controller",
	"cronjob-controller",
	"garbage-collector-controller",
	"namespace-controller",
}

type controllerManagerConfig struct {
	kubeconfig string
	caFile     string
	key        *signingKey
}

func (c controllerManagerConfig) flags() []string {
	return []string{
		"--kubeconfig=" + c.kubeconfig,
		// The token controller signs legacy kubernetes.io/service-account-token Secrets with this key.
		"--service-account-private-key-file=" + c.key.privateFile,
		"--root-ca-file=" + c.caFile,
		// Each controller acts as its own ServiceAccount, as kubeadm runs it, so RBAC is what a real cluster has.
		"--use-service-account-credentials=true",
		"--controllers=" + strings.Join(labControllers, ","),
		"--leader-elect=false",
		// No metrics or health endpoint: nothing reads them, and the lab listens on no port it does not need.
		"--secure-port=0",
	}
}

// startControllerManager runs kube-controller-manager in this process until ctx ends, as its command does with
// these flags.
func startControllerManager(ctx context.Context, c controllerManagerConfig) (*component, error) {
	s, err := options.NewKubeControllerManagerOptions()
	if err != nil {
		return nil, err
	}
	named := s.Flags(app.KnownControllers(), app.ControllersDisabledByDefault(), app.ControllerAliases())
	s.ParsedFlags = &named
	fs := pflag.NewFlagSet("kube-controller-manager", pflag.ContinueOnError)
	for _, set := range named.FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(c.flags()); err != nil {
		return nil, fmt.Errorf("kube-controller-manager flags: %w", err)
	}
	if err := s.ComponentGlobalsRegistry.Set(); err != nil {
		return nil, err
	}
	config, err := s.Config(ctx, app.KnownControllers(), app.ControllersDisabledByDefault(), app.ControllerAliases())
	if err != nil {
		return nil, err
	}
	return runComponent("kube-controller-manager", func() error { return app.Run(ctx, config.Complete()) }), nil
}
