"""The domain in plain async Python: no HTTP here, only values in and values out."""
