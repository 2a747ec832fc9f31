module github.com/parleyhq/parley/bench/aec

go 1.26

require (
	github.com/CoyAce/apm v0.1.4
	github.com/parleyhq/parley v0.0.0
)

replace github.com/parleyhq/parley => ../..
