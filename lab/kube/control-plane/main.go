// The lab's Kubernetes control plane: etcd, kube-apiserver and kube-controller-manager from their own Go modules
// (k8s.io/kubernetes v1.37.2, etcd v3.7.3) in this one process on loopback, and the pod identity webhook beside
// it as a child process, registered the way a cluster registers it. `control-plane kubectl ...` is kubectl, built
// from k8s.io/kubectl at the same release, so the lab needs no kubectl of the machine's.
package main

import (
	"fmt"
	"os"

	"k8s.io/component-base/cli"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "kubectl" {
		os.Args = append([]string{"kubectl"}, os.Args[2:]...)
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "run" {
		os.Exit(run(os.Args[2:]))
	}
	fmt.Fprintln(os.Stderr, "usage: control-plane run --kubeconfig <file> [--webhook <binary>] [--issuer <url>] [--signing-key <pem>] [--signing-key-type rsa|ecdsa] [--port <n>] [--log <file>]")
	fmt.Fprintln(os.Stderr, "       control-plane kubectl <kubectl arguments>")
	os.Exit(2)
}
