// Command netwright designs, verifies and exports container networks on
// AWS from one YAML spec. See internal/cli for the commands.
package main

import "github.com/netwright/netwright/internal/cli"

func main() { cli.Main() }
