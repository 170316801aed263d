"""What each command answers, as a `nzcli.render.Document` (plain data; nothing printed)."""
