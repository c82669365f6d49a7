package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// startEtcd runs a one-member etcd in this process, its data under dir, on two free loopback ports. The lab's data
// lives only as long as the run, so fsync is off: a lost write costs nothing here and saves seconds. A port taken
// between the choice and etcd's bind is chosen again.
func startEtcd(dir string) (*embed.Etcd, string, error) {
	var err error
	for range 3 {
		var server *embed.Etcd
		var clientURL string
		if server, clientURL, err = startEtcdOnce(dir); err == nil || !strings.Contains(err.Error(), "address already in use") {
			return server, clientURL, err
		}
		_ = os.RemoveAll(filepath.Join(dir, "etcd"))
	}
	return nil, "", err
}

func startEtcdOnce(dir string) (*embed.Etcd, string, error) {
	clientPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	clientURL := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", clientPort)}
	peerURL := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", peerPort)}

	config := embed.NewConfig()
	config.Name = "lab"
	config.Dir = filepath.Join(dir, "etcd")
	config.ListenClientUrls = []url.URL{clientURL}
	config.AdvertiseClientUrls = []url.URL{clientURL}
	config.ListenPeerUrls = []url.URL{peerURL}
	config.AdvertisePeerUrls = []url.URL{peerURL}
	config.InitialCluster = config.InitialClusterFromName(config.Name)
	config.LogLevel = "error"
	config.UnsafeNoFsync = true

	server, err := embed.StartEtcd(config)
	if err != nil {
		return nil, "", fmt.Errorf("etcd did not start: %w", err)
	}
	select {
	case <-server.Server.ReadyNotify():
		return server, clientURL.String(), nil
	case err := <-server.Err():
		server.Close()
		return nil, "", fmt.Errorf("etcd failed: %w", err)
	case <-time.After(30 * time.Second):
		server.Close()
		return nil, "", fmt.Errorf("etcd was not ready after 30 s")
	}
}
