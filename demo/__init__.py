"""The README's main job: a demo run against the embedded Cassandra node."""
