"""What every process that talks to Temporal shares: the data converter, the payload codec,
and the one place that builds a Temporal client."""
