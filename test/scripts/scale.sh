#!/usr/bin/env bash
# Scale-out test: a coordinator and two shards on postgres_fdw, each with
# prodtext; asserts what runs on the shards and that results equal a single
# node (test/scale/sharded.sh, which starts and stops its own three clusters
# on ports 55200-55202).  Its exit code is this script's.
exec bash "$(dirname "$0")/../scale/sharded.sh" "$@"
