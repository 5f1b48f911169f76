"""Widgets of the checks: the sanity pass, the leak audit and split health tabs."""
