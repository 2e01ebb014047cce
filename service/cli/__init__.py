"""The command line: `python -m service serve|ingest|export-model|install-model`."""
