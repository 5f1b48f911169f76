"""The DataLoader sanity pass (torch only in run, checks, distributed)."""
