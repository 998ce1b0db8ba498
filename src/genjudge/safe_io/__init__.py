"""Reading what strangers send, and writing what must survive a crash.

Everything that touches untrusted input passes through here once: the bounded JSON reader, path
limits for names inside archives and records, the upload reader with its size and count limits,
the one image check against decompression bombs, the redaction of secrets from text that is shown
or logged, the one format error that names where a fix has to be made, and crash-safe file writes.
"""
