"""Port of the python-driver ``cassandra.cqlengine`` test suite, run against ``coodie_compat``."""
