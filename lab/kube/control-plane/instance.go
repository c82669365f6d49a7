package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Each run keeps its certificates, keys and etcd data in its own directory under TMPDIR, named after its process
// ID. A run that was killed cannot remove it, so the next run does, once it knows that process is gone.
const stateDirPrefix = "cdk-irsa-lab-kube-"

// What a running lab records about itself, so that a second one can say which lab is in its way.
type owner struct {
	PID        int    `json:"pid"`
	Kubeconfig string `json:"kubeconfig"`
	Server     string `json:"server,omitempty"`
}

// claimStateDir removes the directories of labs that are gone, refuses to start beside one that runs (two would
// each cost a control plane, and tests would not know which one they talk to), and creates this run's directory.
func claimStateDir(kubeconfig string) (string, error) {
	entries, _ := filepath.Glob(filepath.Join(os.TempDir(), stateDirPrefix+"*"))
	for _, dir := range entries {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), stateDirPrefix))
		if err != nil {
			continue
		}
		if isLab(pid) {
			other := readOwner(dir)
			return "", fmt.Errorf("a lab:kube is already running (pid %d, kubeconfig %s): use it, or stop it first (kill %d); one runs at a time", pid, other.Kubeconfig, pid)
		}
		if err := os.RemoveAll(dir); err != nil {
			return "", fmt.Errorf("cannot remove %s, left by a lab:kube that was killed: %w", dir, err)
		}
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d", stateDirPrefix, os.Getpid()))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	return dir, recordOwner(dir, owner{PID: os.Getpid(), Kubeconfig: kubeconfig})
}

func recordOwner(dir string, o owner) error {
	data, _ := json.Marshal(o)
	return os.WriteFile(filepath.Join(dir, "owner.json"), data, 0o600)
}

func readOwner(dir string) owner {
	var o owner
	data, _ := os.ReadFile(filepath.Join(dir, "owner.json"))
	_ = json.Unmarshal(data, &o)
	return o
}

// isLab tells whether pid is a live process running this same program (a reused pid of another program is not).
func isLab(pid int) bool {
	if pid == os.Getpid() || syscall.Kill(pid, 0) != nil {
		return false
	}
	theirs, err1 := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	ours, err2 := os.Executable()
	if err1 != nil || err2 != nil {
		return true
	}
	return filepath.Base(strings.TrimSuffix(theirs, " (deleted)")) == filepath.Base(ours)
}
