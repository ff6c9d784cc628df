"""Metrics, the experiment plan, the cost model and reports."""
