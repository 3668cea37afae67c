#!/usr/bin/env python3
"""Writes train14-{zh,en,ko}.jsonl and holdout14-{zh,en,ko}.jsonl from tpl14_{zh,en,ko}.py.

Round 14, issue #17 item 2: an independent set written blind (the writer read only
../shared/data/TRIAGE.md, five lines of triage-dev.jsonl and gen13.py's mechanics; not the
triage rules, the engine or any other set or template; labels follow TRIAGE.md only).
The mechanics are gen13.py's, unchanged: this runs them on round 14's templates (slots,
renderings, the 70/30 split by sha256 of the situation: gen13.py's docstring).

Deterministic, stdlib only. --check exits 1 if a written file differs from what it would write.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ == "__main__":
    spec = importlib.util.spec_from_file_location("gen13", os.path.join(HERE, "gen13.py"))
    gen13 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen13)
    sys.exit(gen13.main("14"))
