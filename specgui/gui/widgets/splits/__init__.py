"""Widgets of the split versions: the version panel and its create, diff and extend dialogs."""
