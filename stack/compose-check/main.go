// Command compose-check validates docker-compose.yml with compose-go, the loader Docker Compose v2
// itself uses (schema, interpolation, normalisation), without needing a Docker engine, and prints the
// resolved project as JSON — every service of every profile, with its image, command, entrypoint,
// health check, environment (interpolated from this process's environment, as `docker compose`
// would), volumes and ports — so that tests can check it against the images' facts and the native
// stack.
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

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <docker-compose.yml>")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithName("wideline"),
		cli.WithOsEnv,
		// Services behind a profile (e.g. `--profile clickhouse`) are checked too.
		cli.WithProfiles([]string{"*"}),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(project); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "docker-compose.yml is invalid:", err)
	os.Exit(1)
}
