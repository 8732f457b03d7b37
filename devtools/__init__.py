"""Local development: the Temporal dev-server launcher, the `make run` supervisor, the demo."""
