"""The window's widgets, grouped by feature (sample/, splits/, checks/); dialogs and job progress are shared."""
