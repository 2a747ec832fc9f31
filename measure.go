package main

import (
	"flag"
	"io"
	"os"
)

// measureFlags are the window's flags for benchmarks (bench/cmd/parley-bench
// and bench/web/desktop.mjs), apart from the product's own.
type measureFlags struct {
	// stampLatency makes the reported remote latency glass to glass.
	stampLatency bool
	// reportJSON is the file the window's drawing reports go to.
	reportJSON string
}

func (m *measureFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&m.stampLatency, "stamp-latency", false, "window, for benchmarks: time received pictures by the capture time a test camera stamps into them, so the reported remote latency is glass to glass")
	fs.StringVar(&m.reportJSON, "report-json", "", "window, for benchmarks: write the page's drawing reports (every 5 s, and one when a stream's first picture is drawn) to this file, one JSON object per line (app/backend ReportLine)")
}

// openReports creates the --report-json file; without the flag it returns
// a nil writer and a no-op close.
func (m *measureFlags) openReports() (io.Writer, func() error, error) {
	if m.reportJSON == "" {
		return nil, func() error { return nil }, nil
	}
	f, err := os.Create(m.reportJSON)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}
