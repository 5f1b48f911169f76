"""Label review: box edits with undo, saves that never clobber, review states, the edit journal."""
