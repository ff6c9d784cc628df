"""Peer detectors for the benchmarks: published methods wrapped in our `Detector` contract, never registered in the
plugin (their packages are benchmark dependencies only, see benchmarks/requirements.txt)."""
