#!/usr/bin/env python3
"""Writes the round 6 dev sets (brief K, issue 17 item 4) from a1-a4.py and un.py:
tests/data/kb_dev3.jsonl + kb_dev3_holdout.jsonl (answerable) and kb_unanswerable3.jsonl +
kb_unanswerable3_holdout.jsonl. About 30 % of each goes to the held-out file, chosen by a hash
of the question before any search was run on them (never tune on the _holdout files)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # devsplit.py: the split and the writing


def main():
    import devsplit
    import a1, a2, a3, a4, un  # noqa: E401
    devsplit.write_sets(3, (a1, a2, a3, a4), un.U)


if __name__ == "__main__":
    main()
