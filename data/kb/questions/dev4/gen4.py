#!/usr/bin/env python3
"""Writes the round 7 dev sets (brief K, issue 17 item 4) from b1-b4.py and un4.py:
tests/data/kb_dev4.jsonl + kb_dev4_holdout.jsonl (answerable) and kb_unanswerable4.jsonl +
kb_unanswerable4_holdout.jsonl. About 30 % of each goes to the held-out file, chosen by a hash
of the question before any search was run on them (never tune on the _holdout files)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # devsplit.py: the split and the writing


def main():
    import devsplit
    import b1, b2, b3, b4, un4  # noqa: E401
    devsplit.write_sets(4, (b1, b2, b3, b4), un4.U)


if __name__ == "__main__":
    main()
