package main

import "fmt"

// A part of the control plane that runs until it stops or fails: done is closed when it returns, so that both the
// lab's failure watch and its shutdown can wait for it.
type component struct {
	name string
	done chan struct{}
	err  error
}

func runComponent(name string, run func() error) *component {
	c := &component{name: name, done: make(chan struct{})}
	go func() {
		c.err = run()
		close(c.done)
	}()
	return c
}

// watch reports on failed when c stops; during a requested stop nobody reads it, and the channel's buffer takes it.
func watch(failed chan<- error, c *component) {
	go func() {
		<-c.done
		failed <- fmt.Errorf("%s stopped: %v", c.name, c.err)
	}()
}
