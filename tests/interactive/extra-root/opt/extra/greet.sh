#!/bin/sh
# Brought in with `make run EXTRA_ROOT=dir` (tests/interactive/shell_test.py checks it runs).
echo "greetings from EXTRA_ROOT, $1"
