"""Qt item models over the state's arrays: the sample tree and the split-version table."""
