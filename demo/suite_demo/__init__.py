"""Demo data for the feedback suite: a year of history and a live trickle, sent through Kafka."""
