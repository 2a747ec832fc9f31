package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/parleyhq/parley/signaling/auth"
)

// tokenCmd is "parley-signal token": it prints a signed access token for a
// server run with --auth signed and the same secret.
func tokenCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley-signal token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.String("user", "", "the user `name` the token lets its holder register")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	secret := fs.String("secret", "", "the server's --auth-secret")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: parley-signal token --user NAME [--ttl 24h] --secret S\n\nPrints a signed access token. Give it to the user as ?token=... on the page URL.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("token: unexpected argument %q", fs.Arg(0))
	}
	if *user == "" || *secret == "" {
		return errors.New("token: --user and --secret are required")
	}
	tok, err := auth.Sign(*secret, *user, *ttl, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
