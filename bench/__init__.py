"""Benchmarks (``make bench``): see :mod:`bench.run`."""
