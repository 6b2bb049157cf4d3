package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/netwright/netwright/internal/awsimport"
	"github.com/netwright/netwright/internal/design"
)

func importCommand() *command {
	c := &command{
		name: "import", args: "DIR",
		summary: "read an AWS account's network from the AWS CLI's JSON into a design",
		about: "Read an existing network from DIR: the JSON the AWS CLI prints for its describe and list calls (aws ... --output json), one call per file " +
			"(or several concatenated), in any folders; each file is recognised by its top-level key. Print the design, which check --design, " +
			"reach --design and export read like a planned one; with -o write it to FILE. What the files lack or cannot say is a warning naming the " +
			"question it leaves unanswered. --commands prints the shell script of read-only AWS CLI calls that collects what import reads.",
	}
	c.define = func(fs *flagSet) func(Env, []string) int {
		out := fs.String(flagSpec{long: "output", short: "o", value: "FILE", files: "*.json", def: "stdout",
			usage: "write the design to FILE (atomically) instead of stdout"}, "")
		commands := fs.Bool(flagSpec{long: "commands", usage: "print the AWS CLI script that collects what import reads, and read nothing"}, false)
		return func(env Env, pos []string) int {
			if *commands {
				if len(pos) != 0 {
					fmt.Fprintln(env.Stderr, "netwright import: --commands takes no DIR")
					return ExitUsage
				}
				_, err := fmt.Fprint(env.Stdout, awsimport.Commands())
				return wrote(env, c.name, err)
			}
			if !c.wantArgs(env, pos, 1) {
				return ExitUsage
			}
			if st, err := os.Stat(pos[0]); err != nil || !st.IsDir() {
				fmt.Fprintf(env.Stderr, "netwright import: %s is not a directory\n", pos[0])
				return ExitUsage
			}
			d, ds := awsimport.ReadDir(os.DirFS(pos[0]), ".")
			for i := range ds {
				if ds[i].Subject != nil {
					ds[i].Subject.Filename = filepath.Join(pos[0], ds[i].Subject.Filename)
				}
			}
			printDiags(env, ds, "", nil)
			if ds.HasErrors() {
				return ExitSpec
			}
			b, err := d.JSON()
			if err != nil {
				return wrote(env, c.name, err)
			}
			if *out == "" {
				_, err = env.Stdout.Write(b)
				return wrote(env, c.name, err)
			}
			dir, name := filepath.Split(*out)
			if dir == "" {
				dir = "."
			}
			if err := writeFiles(dir, map[string][]byte{name: b}); err != nil {
				fmt.Fprintf(env.Stderr, "netwright import: %v\n", err)
				return ExitUsage
			}
			fmt.Fprintf(env.Stdout, "design: %s (%d VPCs, %d subnets, %d interfaces, %d load balancers)\n", *out, len(d.VPCs), countSubnets(d.VPCs), len(d.Interfaces), len(d.LoadBalancers))
			return ExitOK
		}
	}
	return c
}

func countSubnets(vs []design.VPC) int {
	n := 0
	for _, v := range vs {
		n += len(v.Subnets)
	}
	return n
}
