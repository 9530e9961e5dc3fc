package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"regexp"
	"testing"
)

// configTable is the README chapter with the one table of settings.
const configTable = "../../README.md"

var (
	// usageFlag matches a flag line of flag.PrintDefaults: "  -addr string".
	usageFlag = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	// usageEnv matches the environment variable named in a flag's usage.
	usageEnv = regexp.MustCompile(`\(env (TILLID_[A-Z0-9_]+)`)
	// envOnly matches a setting read from the environment only.
	envOnly = regexp.MustCompile(`os\.Getenv\("(TILLID_[A-Z0-9_]+)"\)`)
	// tableRow matches a row of the configuration table.
	tableRow = regexp.MustCompile("(?m)^\\| (?:`--([a-z0-9-]+)`|—) \\| `?(TILLID_[A-Z0-9_]+|—)`? \\|")
)

// TestConfigTable checks that the configuration table of the operations
// chapter has a row for every flag of serve (which takes the global
// flags too), naming the flag's environment variable, and no row for a
// flag that does not exist.
func TestConfigTable(t *testing.T) {
	var usage bytes.Buffer
	m := &Main{Stdout: &usage, Stderr: &usage}
	if err := m.Run(context.Background(), []string{"serve", "-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("serve -h: got %v, want flag.ErrHelp", err)
	}
	doc, err := os.ReadFile(configTable)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // flag → environment variable
	envs := map[string]bool{}
	for _, r := range tableRow.FindAllStringSubmatch(string(doc), -1) {
		rows[r[1]] = r[2]
		envs[r[2]] = true
	}
	text := usage.String()
	flags := map[string]bool{}
	for _, loc := range usageFlag.FindAllStringSubmatchIndex(text, -1) {
		name := text[loc[2]:loc[3]]
		flags[name] = true
		// The flag's usage runs to the next flag line.
		rest := text[loc[1]:]
		if next := usageFlag.FindStringIndex(rest); next != nil {
			rest = rest[:next[0]]
		}
		env, ok := rows[name]
		switch {
		case !ok:
			t.Errorf("flag --%s has no row in %s", name, configTable)
		case usageEnv.MatchString(rest) && usageEnv.FindStringSubmatch(rest)[1] != env:
			t.Errorf("flag --%s: got %s in the table, want %s", name, env, usageEnv.FindStringSubmatch(rest)[1])
		}
	}
	if len(flags) < 20 {
		t.Fatalf("got %d flags from serve -h, want all of them:\n%s", len(flags), text)
	}
	for name := range rows {
		if name != "" && !flags[name] {
			t.Errorf("%s has a row for --%s, which serve does not take", configTable, name)
		}
	}
	// Secrets are read from the environment only (os.Getenv in serve.go);
	// they need rows too.
	src, err := os.ReadFile("serve.go")
	if err != nil {
		t.Fatal(err)
	}
	secrets := envOnly.FindAllStringSubmatch(string(src), -1)
	if len(secrets) == 0 {
		t.Error("found no environment-only settings in serve.go, want the SMTP password at least")
	}
	for _, m := range secrets {
		if !envs[m[1]] {
			t.Errorf("environment-only setting %s has no row in %s", m[1], configTable)
		}
	}
}
