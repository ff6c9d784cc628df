"""DSS adapters: the only code that imports `dataiku` or `dataikuapi`. Everything else lives in `vigie`."""
