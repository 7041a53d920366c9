"""The bench's code, one concern per module (bench/README.md lists them):
the scripts in bench/ parse their command lines and call it."""
