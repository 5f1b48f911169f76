"""The leak audit: exact and near duplicates, shared-capture windows, the hash cache."""
