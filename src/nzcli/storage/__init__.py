"""Storage: files, the safe and the round-trip YAML readers, validation, the plan cache and
spreadsheet readers. The only code that touches the filesystem or parses YAML."""
