"""Forgery detectors, one module each, behind one contract (`base.Detector`) and one registry."""
