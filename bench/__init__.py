"""`make bench`: the complaint engine measured against the bare Temporal floor, in one run.

See docs/bench.md for what each figure means and how to read the results.
"""
