"""The test suite is a package: helpers are imported as `tests.<module>`, one way for all."""
