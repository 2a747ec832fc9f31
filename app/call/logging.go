package call

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLogs routes pion's logs (ICE, DTLS, interceptors) to the engine's
// slog logger. pion otherwise prints to stderr, where a headless peer's
// event lines are read and a harmless "read/write on closed pipe" at every
// hang-up looks like a failure. Its chatty Info goes to Debug.
type pionLogs struct{ l *slog.Logger }

func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{f.l.With("pion", scope)}
}

type pionLogger struct{ l *slog.Logger }

func (p pionLogger) log(level slog.Level, msg string) {
	p.l.Log(context.Background(), level, msg)
}

func (p pionLogger) Trace(msg string)                  { p.log(slog.LevelDebug-4, msg) }
func (p pionLogger) Tracef(format string, args ...any) { p.Trace(fmt.Sprintf(format, args...)) }
func (p pionLogger) Debug(msg string)                  { p.log(slog.LevelDebug, msg) }
func (p pionLogger) Debugf(format string, args ...any) { p.Debug(fmt.Sprintf(format, args...)) }
func (p pionLogger) Info(msg string)                   { p.log(slog.LevelDebug, msg) }
func (p pionLogger) Infof(format string, args ...any)  { p.Info(fmt.Sprintf(format, args...)) }
func (p pionLogger) Warn(msg string)                   { p.log(slog.LevelWarn, msg) }
func (p pionLogger) Warnf(format string, args ...any)  { p.Warn(fmt.Sprintf(format, args...)) }
func (p pionLogger) Error(msg string)                  { p.log(slog.LevelError, msg) }
func (p pionLogger) Errorf(format string, args ...any) { p.Error(fmt.Sprintf(format, args...)) }
