// Command compose-check validates docker-compose.yml with compose-go, the loader Docker Compose v2
// itself uses (schema, interpolation, normalisation), without needing a Docker engine, and prints the
// resolved services as JSON so that tests can compare them with the native stack.
//
// Usage: go run ./stack/compose-check docker-compose.yml
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

type service struct {
	Image   string   `json:"image"`
	Ports   []uint32 `json:"ports"`
	Volumes []string `json:"volumes"`
	Command []string `json:"command"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <docker-compose.yml>")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions([]string{file}, cli.WithWorkingDirectory(filepath.Dir(file)), cli.WithName("wideline"))
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out := map[string]service{}
	for name, svc := range project.Services {
		s := service{Image: svc.Image, Command: svc.Command, Ports: []uint32{}, Volumes: []string{}}
		for _, p := range svc.Ports {
			s.Ports = append(s.Ports, p.Target)
		}
		for _, v := range svc.Volumes {
			s.Volumes = append(s.Volumes, v.Source+":"+v.Target)
		}
		out[name] = s
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "docker-compose.yml is invalid:", err)
	os.Exit(1)
}
