"""`complaints`, the managers' command line (`cli.main`, docs/cli.md)."""
