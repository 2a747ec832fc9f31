package settings

import "fmt"

// ValidationError names a bad field; Problem completes the sentence
// "<Field> ...". Its JSON is the UI contract's FieldError, so the desktop
// adapter can return it to the page as it is.
type ValidationError struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

func (e *ValidationError) Error() string {
	return "settings: " + e.Field + " " + e.Problem
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// ResetReason says why a settings file was replaced by defaults.
type ResetReason string

// Reasons for a reset.
const (
	ResetCorrupt ResetReason = "corrupt" // not readable as settings JSON
	ResetVersion ResetReason = "version" // written by another schema version
	ResetInvalid ResetReason = "invalid" // readable but a value fails Validate
)

// ResetError reports that Load found an unusable file, moved it to Backup
// and started from defaults. The app keeps running and shows it as a
// warning (the UI contract's settings-warning event).
type ResetError struct {
	Reason ResetReason
	Backup string // where the old file now is; empty if it could not be moved
	Cause  error
}

func (e *ResetError) Error() string {
	msg := fmt.Sprintf("settings: the settings file was %s (%v) and has been replaced by defaults", e.Reason, e.Cause)
	if e.Backup != "" {
		msg += "; the old file is kept as " + e.Backup
	}
	return msg
}

func (e *ResetError) Unwrap() error { return e.Cause }

// Warning is the UI contract's SettingsWarning: what the page shows after a
// reset (the settings-warning event and Snapshot().settingsWarning).
type Warning struct {
	Reason  ResetReason `json:"reason"`
	Backup  string      `json:"backup"`
	Message string      `json:"message"`
}

// Warning returns e in the shape the page expects.
func (e *ResetError) Warning() Warning {
	return Warning{Reason: e.Reason, Backup: e.Backup, Message: e.Error()}
}
