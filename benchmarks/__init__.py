"""Benchmarks: coodie_core and coodie_compat against the raw driver and stock cqlengine.

Run ``python -m benchmarks [--quick] [--rounds N] [--ops a,b]``; see
:mod:`benchmarks.cli` for the method and ``benchmarks/results/`` for the output.
"""
