package main

import (
	"fmt"
	"os"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The context name of every kubeconfig the lab writes; a file with another one is not the lab's to overwrite.
const labContext = "cdk-irsa-lab"

// writeKubeconfig writes a kubeconfig for `client` against the API server at `server`, trusting the lab's CA.
func writeKubeconfig(file, server string, caPEM []byte, client *keyPair) error {
	config := clientcmdapi.NewConfig()
	config.Clusters[labContext] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	config.AuthInfos[labContext] = &clientcmdapi.AuthInfo{ClientCertificateData: client.certPEM, ClientKeyData: client.keyPEM}
	config.Contexts[labContext] = &clientcmdapi.Context{Cluster: labContext, AuthInfo: labContext}
	config.CurrentContext = labContext
	data, err := clientcmd.Write(*config)
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o600)
}

// refuseExistingKubeconfig explains a kubeconfig that is already where the lab would write its own: left by a lab
// that did not stop cleanly, or someone else's file. Either way the user decides, so nothing is overwritten.
func refuseExistingKubeconfig(file string) error {
	if _, err := os.Stat(file); os.IsNotExist(err) {
		return nil
	}
	config, err := clientcmd.LoadFromFile(file)
	if err == nil && config.CurrentContext == labContext {
		return fmt.Errorf("%s is a kubeconfig left by a lab:kube that is no longer running (its API server is gone): remove it, or pass another --kubeconfig", file)
	}
	return fmt.Errorf("%s already exists and was not written by lab:kube; it is left alone: pass another --kubeconfig", file)
}
