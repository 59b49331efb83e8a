"""Shared code of Dasbor Inovasi Daerah: settings, data store, reference data, queries, formatting."""
