"""Local-only code: the embedded AWS emulator and its fixes. Production code never imports this package."""
