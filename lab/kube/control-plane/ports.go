package main

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
)

// freePort finds a loopback port nobody listens on, below the system's ephemeral range: a port from that range,
// once closed, can be taken as the local port of any outgoing connection before the component that needs it binds it.
func freePort() (int, error) {
	low := ephemeralPortsStart()
	for range 50 {
		port := low - 1 - rand.IntN(10000)
		if listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			listener.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free loopback port below %d after 50 tries", low)
}

// The first port of the ephemeral range (net.ipv4.ip_local_port_range); Linux's default is 32768.
func ephemeralPortsStart() int {
	low, high := 32768, 0
	if data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		fmt.Sscan(string(data), &low, &high)
	}
	if low < 11024 {
		return 32768
	}
	return low
}

// listenOn opens the API server's port: the one asked for, or a free one for 0. A port in use is the user's to
// resolve, so the error says which and what to do.
func listenOn(port int) (net.Listener, int, error) {
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, 0, err
		}
	}
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, 0, fmt.Errorf("cannot listen on 127.0.0.1:%d (%v): another program uses that port; stop it, or pass another --port (0 lets the system choose)", port, err)
	}
	return listener, listener.Addr().(*net.TCPAddr).Port, nil
}
