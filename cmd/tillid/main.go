// Command tillid is the whole tillid application: the web server and the
// command-line tools HR and operations use around it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tillid/tillid/metrics"
	"github.com/tillid/tillid/survey"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `tillid — social capital and APV surveys for Danish municipalities

Usage: tillid COMMAND [flags] [args]

Commands:
  serve                       run the web app (--addr, --demo, --api-open)
  migrate status|up|down      show or change the database schema version (down needs --allow-down)
  backup --out FILE           copy the SQLite database while the server runs
  restore --from FILE         put a backup in place of the SQLite database (--force replaces it)
  retention --dry-run|--apply show or delete raw data past its retention period
  demo                        fill the database with a fictional municipality
  questionnaire validate|import|default FILE
  import units|absence FILE   import the organisation tree or sickness absence (CSV/XLSX)
  round create|open|close|list
  invite --round R --file staff.csv --out links.csv
  export csv|report           export results (CSV tables, the committee's report)
  user add|passwd|list|disable staff accounts
  load --url URL --links F    load test the answer path
  bench results --round R     time the results engine on the database
  version                     print the version

Every command takes --db (env TILLID_DB, default sqlite:tillid.db) and
--log-format text|json (env TILLID_LOG_FORMAT). Run 'tillid COMMAND -h' for
a command's flags.
`

// Config holds the settings shared by every command; flags fall back to
// environment variables.
type Config struct {
	DB        string
	LogFormat string
}

// Main is the program: its configuration, its open stores and its output.
// Tests build one, call Run and Close, as the binary does.
type Main struct {
	Config  Config
	DB      *sqlx.DB
	Store   *survey.Store
	Metrics *metrics.Store
	Logger  *slog.Logger
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
}

// NewMain returns a Main writing to the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	m.Close()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tillid:", err)
		os.Exit(1)
	}
}

// Run runs the command named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.runServe(ctx, rest)
	case "migrate":
		return m.runMigrate(ctx, rest)
	case "demo":
		return m.runDemo(ctx, rest)
	case "backup":
		return m.runBackup(ctx, rest)
	case "restore":
		return m.runRestore(ctx, rest)
	case "retention":
		return m.runRetention(ctx, rest)
	case "questionnaire":
		return m.runQuestionnaire(ctx, rest)
	case "import":
		return m.runImport(ctx, rest)
	case "round":
		return m.runRound(ctx, rest)
	case "invite":
		return m.runInvite(ctx, rest)
	case "export":
		return m.runExport(ctx, rest)
	case "user":
		return m.runUser(ctx, rest)
	case "load":
		return m.runLoad(ctx, rest)
	case "bench":
		return m.runBench(ctx, rest)
	case "version":
		fmt.Fprintln(m.Stdout, "tillid", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q (see 'tillid help')", cmd)
}

// runImport dispatches "import units|absence FILE".
func (m *Main) runImport(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("import: want units or absence")
	}
	switch args[0] {
	case "units":
		return m.runImportUnits(ctx, args[1:])
	case "absence":
		return m.runImportAbsence(ctx, args[1:])
	}
	return fmt.Errorf("import: unknown kind %q: want units or absence", args[0])
}

// Close releases the database.
func (m *Main) Close() error {
	if m.DB != nil {
		return m.DB.Close()
	}
	return nil
}

// flagSet returns a flag set for a command with the shared flags bound to
// m.Config, their defaults taken from the environment.
func (m *Main) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("tillid "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.Config.DB, "db", envOr("TILLID_DB", survey.DefaultDSN), "database: sqlite:PATH or postgres://… (env TILLID_DB)")
	fs.StringVar(&m.Config.LogFormat, "log-format", envOr("TILLID_LOG_FORMAT", "text"), "log format: text or json (env TILLID_LOG_FORMAT)")
	return fs
}

// parseInterspersed parses fs's flags wherever they stand among args
// ("FILE --dry-run" as well as "--dry-run FILE") and returns the
// positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// envInt returns the integer in the environment variable key, or def
// when it is unset or unparsable.
func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

// envDuration returns the duration in the environment variable key, or
// def when it is unset or unparsable.
func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}

// setupLogger builds m.Logger from the configured format.
func (m *Main) setupLogger() error {
	switch m.Config.LogFormat {
	case "text", "":
		m.Logger = slog.New(slog.NewTextHandler(m.Stderr, nil))
	case "json":
		m.Logger = slog.New(slog.NewJSONHandler(m.Stderr, nil))
	default:
		return fmt.Errorf("--log-format %q: want text or json", m.Config.LogFormat)
	}
	return nil
}

// openDB opens the configured database without migrating it.
func (m *Main) openDB(ctx context.Context) error {
	if m.DB != nil {
		return nil
	}
	if m.Logger == nil {
		if err := m.setupLogger(); err != nil {
			return err
		}
	}
	db, err := survey.Open(ctx, m.Config.DB)
	if err != nil {
		return err
	}
	m.DB = db
	return nil
}

// openStore opens and migrates the configured database and sets up the stores.
func (m *Main) openStore(ctx context.Context) error {
	if m.Store != nil {
		return nil
	}
	if err := m.openDB(ctx); err != nil {
		return err
	}
	if err := survey.Migrate(ctx, m.DB); err != nil {
		return err
	}
	m.Store = survey.NewStore(m.DB)
	m.Metrics = metrics.NewStore(m.DB, m.Store)
	return nil
}
