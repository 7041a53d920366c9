#!/usr/bin/env python3
"""Prints "N passed, N failed" for one or more Meson testlog.json files,
counting each test program once.  usage: summary.py TESTLOG.json..."""
import json
import os
import sys

passed = failed = 0
for path in sys.argv[1:]:
    if not os.path.exists(path):
        failed += 1  # that configuration did not even run its tests
        print(f"summary.py: no test log at {path}", file=sys.stderr)
        continue
    with open(path) as f:
        for line in f:
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result != "SKIP":
                failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
